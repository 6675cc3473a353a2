import { describe, expect, it } from 'vitest';
import { createGraph } from '../../src/graph';
import { ManualClock } from '../../src/shared/clock';
import { fakeFetch, graphError, json, type Responder } from './fake-fetch';

function setup(responder: Responder) {
  const fake = fakeFetch(responder);
  const clock = new ManualClock();
  const graph = createGraph({
    getAccessToken: async () => 't',
    fetch: fake.fetch,
    clock,
    timeoutClock: clock,
  });
  return { graph, calls: fake.calls };
}

const headers = [
  { name: 'Auto-Submitted', value: 'auto-replied' },
  { name: 'Received', value: 'from mail.example.org (203.0.113.5)' },
];

describe('getInternetHeaders', () => {
  it('returns the headers Graph gives, asking for that one property', async () => {
    const { graph, calls } = setup(() => json(200, { id: 'm1', internetMessageHeaders: headers }));
    await expect(graph.getInternetHeaders('m1')).resolves.toEqual({ status: 'ok', headers });
    expect(calls[0]?.url.pathname).toBe('/v1.0/me/messages/m1');
    expect(calls[0]?.url.searchParams.get('$select')).toBe('internetMessageHeaders');
  });

  it('reports a message moved or deleted since it was listed (404) as gone, not as an error', async () => {
    const { graph } = setup(() => graphError(404, 'ErrorItemNotFound'));
    await expect(graph.getInternetHeaders('m1')).resolves.toEqual({ status: 'gone' });
  });

  it('reports headers left out (200 without them) as unavailable', async () => {
    const { graph } = setup(() => json(200, { id: 'm1' }));
    await expect(graph.getInternetHeaders('m1')).resolves.toEqual({
      status: 'unavailable',
      reason: 'omitted',
    });
  });

  it('reports a 400 as unavailable', async () => {
    const { graph } = setup(() => graphError(400, 'ErrorInvalidProperty'));
    await expect(graph.getInternetHeaders('m1')).resolves.toEqual({
      status: 'unavailable',
      reason: 'badRequest',
    });
  });

  it('remembers a 403 for the session and asks no more', async () => {
    const { graph, calls } = setup(() => graphError(403, 'ErrorAccessDenied'));
    const forbidden = { status: 'unavailable', reason: 'forbidden' };
    await expect(graph.getInternetHeaders('m1')).resolves.toEqual(forbidden);
    await expect(graph.getInternetHeaders('m2')).resolves.toEqual(forbidden);
    expect(calls).toHaveLength(1);
  });

  it('still throws what it cannot interpret (401, 500 after retries)', async () => {
    const { graph } = setup(() => graphError(401, 'InvalidAuthenticationToken'));
    await expect(graph.getInternetHeaders('m1')).rejects.toMatchObject({ status: 401 });
  });
});
