import { describe, expect, it } from 'vitest';
import { isConnectionLost } from '../../src/core/mail';
import { ManualClock } from '../../src/shared/clock';
import { createGraph, GraphError, type GraphOptions } from '../../src/graph';
import { fakeFetch, graphError, hang, json, sequence, type Responder } from './fake-fetch';

const BASE = 'https://graph.microsoft.com/v1.0';

function setup(responder: Responder, extra: Partial<GraphOptions> = {}) {
  const clock = new ManualClock();
  const fake = fakeFetch(responder);
  let tokenCalls = 0;
  const graph = createGraph({
    getAccessToken: async () => {
      tokenCalls++;
      return 'graph-token';
    },
    fetch: fake.fetch,
    clock,
    timeoutClock: clock,
    random: () => 0.5,
    ...extra,
  });
  return { graph, clock, calls: fake.calls, tokenCalls: () => tokenCalls };
}

const sent = (id: string, to: string, sentDateTime: string) => ({
  id,
  conversationId: `conv-${id}`,
  internetMessageId: `<${id}@example.com>`,
  subject: `Subject ${id}`,
  from: { emailAddress: { address: 'recruiter@contoso.com', name: 'Rae Cruiter' } },
  toRecipients: [{ emailAddress: { address: to, name: '' } }],
  sentDateTime,
});

describe('getProfile', () => {
  it('asks /me for four fields and returns them', async () => {
    const { graph, calls } = setup(() =>
      json(200, {
        id: 'u1',
        displayName: 'Rae Cruiter',
        mail: 'rae@contoso.com',
        userPrincipalName: 'rae@contoso.com',
      }),
    );
    await expect(graph.getProfile()).resolves.toEqual({
      id: 'u1',
      displayName: 'Rae Cruiter',
      mail: 'rae@contoso.com',
      userPrincipalName: 'rae@contoso.com',
    });
    expect(calls[0]?.url.pathname).toBe('/v1.0/me');
    expect(calls[0]?.url.searchParams.get('$select')).toBe('id,displayName,mail,userPrincipalName');
    expect(calls[0]?.headers.get('Authorization')).toBe('Bearer graph-token');
  });

  it('maps an error to GraphError with Graph’s code and status', async () => {
    const { graph } = setup(() => graphError(401, 'InvalidAuthenticationToken'));
    const err = await graph.getProfile().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
  });
});

describe('listSentSince', () => {
  it('filters Sent Items by sentDateTime, selects header fields only, and follows every nextLink', async () => {
    const page2 = `${BASE}/me/mailFolders/sentitems/messages?$select=id&$skip=2`;
    const page3 = `${BASE}/me/mailFolders/sentitems/messages?$select=id&$skip=3`;
    const { graph, calls } = setup(
      sequence(
        () =>
          json(200, {
            value: [
              sent('c', 'c@x.org', '2026-01-05T09:03:00Z'),
              sent('b', 'b@x.org', '2026-01-05T09:02:00Z'),
            ],
            '@odata.nextLink': page2,
          }),
        () => json(200, { value: [sent('a', 'a@x.org', '2026-01-05T09:01:00Z')], '@odata.nextLink': page3 }),
        () => json(200, { value: [] }),
      ),
    );
    const records = await graph.listSentSince('2026-01-05T10:00:00+01:00');
    expect(records.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(records[2]).toEqual({
      id: 'a',
      conversationId: 'conv-a',
      internetMessageId: '<a@example.com>',
      subject: 'Subject a',
      from: { address: 'recruiter@contoso.com', name: 'Rae Cruiter' },
      toRecipients: [{ address: 'a@x.org' }],
      sentDateTime: '2026-01-05T09:01:00Z',
    });
    expect(calls).toHaveLength(3);
    const first = calls[0]?.url;
    expect(first?.pathname).toBe('/v1.0/me/mailFolders/sentitems/messages');
    expect(first?.searchParams.get('$filter')).toBe('sentDateTime ge 2026-01-05T09:00:00.000Z');
    expect(first?.searchParams.get('$orderby')).toBe('sentDateTime desc');
    expect(first?.searchParams.get('$select')?.split(',')).toEqual([
      'id',
      'conversationId',
      'internetMessageId',
      'subject',
      'from',
      'toRecipients',
      'sentDateTime',
      'receivedDateTime',
    ]);
    expect(calls[1]?.url.searchParams.get('$skip')).toBe('2');
    expect(calls.every((c) => c.headers.get('Authorization') === 'Bearer graph-token')).toBe(true);
  });

  it('refuses a nextLink that leaves the Graph base URL, without sending the token there', async () => {
    const { graph, calls } = setup(() =>
      json(200, { value: [], '@odata.nextLink': 'https://evil.example/v1.0/me/messages?$select=id' }),
    );
    await expect(graph.listSentSince('2026-01-05T09:00:00Z')).rejects.toMatchObject({
      code: 'untrustedLink',
    });
    expect(calls).toHaveLength(1);
  });

  it('rejects a since that is not a date before any request', async () => {
    const { graph, calls } = setup(() => json(200, { value: [] }));
    await expect(graph.listSentSince('yesterday-ish')).rejects.toThrow(RangeError);
    expect(calls).toHaveLength(0);
  });
});

describe('read retries', () => {
  it.each([429, 503, 504])('retries a GET after %i with backoff, then succeeds', async (status) => {
    const { graph, calls, clock } = setup(
      sequence(
        () => graphError(status, 'ServiceUnavailable'),
        () => json(200, { id: 'u1', displayName: 'R', mail: null, userPrincipalName: 'r@c' }),
      ),
    );
    const pending = graph.getProfile();
    await clock.advance(1_499);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    await expect(pending).resolves.toMatchObject({ id: 'u1', mail: null });
    expect(calls).toHaveLength(2);
  });

  it('asks for a fresh token on every attempt', async () => {
    const { graph, clock, tokenCalls } = setup(
      sequence(
        () => graphError(503, 'ServiceUnavailable', { 'Retry-After': '1' }),
        () => json(200, { id: 'u1' }),
      ),
    );
    const pending = graph.getProfile();
    await clock.advance(1_000);
    await pending;
    expect(tokenCalls()).toBe(2);
  });

  it('does not retry a 500 on a read', async () => {
    const { graph, calls, clock } = setup(() => graphError(500, 'InternalServerError'));
    const pending = graph.getProfile().catch((e: unknown) => e);
    await clock.advance(60_000);
    expect(await pending).toMatchObject({ status: 500 });
    expect(calls).toHaveLength(1);
  });

  it('turns a read timeout into GraphError code "timeout"', async () => {
    const { graph, clock } = setup(hang, { requestTimeoutMs: 5_000 });
    const pending = graph.getProfile().catch((e: unknown) => e);
    await clock.advance(5_000);
    expect(await pending).toMatchObject({ name: 'GraphError', status: 0, code: 'timeout' });
  });

  it('marks a read that could not connect as connectionLost (the send engine then waits for the network)', async () => {
    const { graph } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await graph.listSentSince('2026-01-05T09:00:00Z').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GraphError', code: 'networkError', connectionLost: true });
    expect(isConnectionLost(error)).toBe(true);
    const { graph: slow, clock } = setup(hang, { requestTimeoutMs: 5_000 });
    const timedOut = slow.getProfile().catch((e: unknown) => e);
    await clock.advance(5_000);
    expect(isConnectionLost(await timedOut)).toBe(false);
  });

  it('ends a read at its timeout even when fetch ignores the abort, and a caller abort likewise', async () => {
    const { graph, clock } = setup(() => new Promise<Response>(() => {}), { requestTimeoutMs: 5_000 });
    const timedOut = graph.getProfile().catch((e: unknown) => e);
    await clock.advance(5_000);
    expect(await timedOut).toMatchObject({ name: 'GraphError', status: 0, code: 'timeout' });
    const caller = new AbortController();
    const aborted = graph.getProfile(caller.signal).catch((e: unknown) => e);
    await clock.advance(1_000);
    caller.abort(new Error('left the screen'));
    expect(await aborted).toMatchObject({ message: 'left the screen' });
  });

  it('gives up after maxThrottleRetries and surfaces the throttle with its Retry-After', async () => {
    const { graph, calls, clock } = setup(() => graphError(429, 'TooManyRequests', { 'Retry-After': '2' }), {
      maxThrottleRetries: 1,
    });
    const pending = graph.getProfile().catch((e: unknown) => e);
    await clock.advance(10_000);
    expect(await pending).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterMs: 2_000 });
    expect(calls).toHaveLength(2);
  });
});

describe('concurrency', () => {
  it('keeps at most maxConcurrentRequests on the wire and runs the rest as slots free up', async () => {
    let inFlight = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const { graph, calls } = setup(
      () =>
        new Promise<Response>((resolve) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          release.push(() => {
            inFlight--;
            resolve(json(200, { id: 'u1' }));
          });
        }),
      { maxConcurrentRequests: 4 },
    );
    const all = Promise.all(Array.from({ length: 10 }, () => graph.getProfile()));
    for (let done = 0; done < 10; done++) {
      await new Promise((r) => setTimeout(r, 0));
      release.shift()?.();
    }
    await all;
    expect(calls).toHaveLength(10);
    expect(peak).toBe(4);
  });
});
