import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { createGraph } from '../../src/graph';
import { fakeFetch, graphError, json, type Responder } from './fake-fetch';

const BASE = 'https://graph.microsoft.com/v1.0';
const inboxDelta = `${BASE}/me/mailFolders('inbox')/messages/delta`;

const reply = (id: string, conversationId: string) => ({
  '@odata.type': '#microsoft.graph.message',
  id,
  conversationId,
  subject: 'RE: A role you might like',
  from: { emailAddress: { address: 'ada@example.org', name: 'Ada' } },
  toRecipients: [{ emailAddress: { address: 'rae@contoso.com' } }],
  receivedDateTime: '2026-01-06T10:00:00Z',
});

/** A tiny delta server: routes by the token in the URL. */
function deltaServer(routes: Record<string, () => Response>): Responder {
  return (req) => {
    const token =
      req.url.searchParams.get('$deltatoken') ?? req.url.searchParams.get('$skiptoken') ?? 'initial';
    const route = routes[token];
    if (!route) throw new Error(`unexpected request ${req.url.href}`);
    return route();
  };
}

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

describe('inboxDelta', () => {
  it('runs a full sync across nextLink pages and returns the deltaLink to store', async () => {
    const { graph, calls } = setup(
      deltaServer({
        initial: () =>
          json(200, {
            value: [reply('m1', 'c1'), reply('m2', 'c2')],
            '@odata.nextLink': `${inboxDelta}?$skiptoken=p2`,
          }),
        p2: () =>
          json(200, { value: [reply('m3', 'c3')], '@odata.deltaLink': `${inboxDelta}?$deltatoken=d1` }),
      }),
    );
    const result = await graph.inboxDelta();
    expect(result.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(result.messages[0]).toMatchObject({ conversationId: 'c1', from: { address: 'ada@example.org' } });
    expect(result).toMatchObject({
      removedIds: [],
      deltaLink: `${inboxDelta}?$deltatoken=d1`,
      fullSync: true,
      restarted: false,
    });
    expect(calls[0]?.url.pathname).toBe('/v1.0/me/mailFolders/inbox/messages/delta');
    expect(calls[0]?.url.searchParams.get('$select')).toContain('conversationId');
    expect(calls[1]?.url.href).toBe(`${inboxDelta}?$skiptoken=p2`);
  });

  it('resumes from a stored deltaLink and reports removals', async () => {
    const { graph } = setup(
      deltaServer({
        d1: () =>
          json(200, {
            value: [reply('m4', 'c4'), { id: 'm1', '@removed': { reason: 'deleted' } }],
            '@odata.deltaLink': `${inboxDelta}?$deltatoken=d2`,
          }),
      }),
    );
    const result = await graph.inboxDelta({ deltaLink: `${inboxDelta}?$deltatoken=d1` });
    expect(result).toMatchObject({
      removedIds: ['m1'],
      deltaLink: `${inboxDelta}?$deltatoken=d2`,
      fullSync: false,
      restarted: false,
    });
    expect(result.messages.map((m) => m.id)).toEqual(['m4']);
  });

  it.each([
    [
      '410 Gone',
      () => new Response(null, { status: 410, headers: { Location: `${inboxDelta}?$deltatoken=` } }),
    ],
    ['syncStateNotFound', () => graphError(400, 'syncStateNotFound')],
  ])('restarts a full sync when Graph has forgotten the deltaLink (%s) and says so', async (_, lost) => {
    const { graph, calls } = setup(
      deltaServer({
        old: lost,
        initial: () =>
          json(200, { value: [reply('m1', 'c1')], '@odata.deltaLink': `${inboxDelta}?$deltatoken=fresh` }),
      }),
    );
    const result = await graph.inboxDelta({
      deltaLink: `${inboxDelta}?$deltatoken=old`,
      receivedSince: '2026-01-01T00:00:00Z',
    });
    expect(result).toMatchObject({
      fullSync: true,
      restarted: true,
      deltaLink: `${inboxDelta}?$deltatoken=fresh`,
    });
    expect(result.messages.map((m) => m.id)).toEqual(['m1']);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.url.searchParams.get('$filter')).toBe('receivedDateTime ge 2026-01-01T00:00:00.000Z');
  });

  it('does not loop when the restarted sync is refused too', async () => {
    const { graph, calls } = setup(() => graphError(410, 'resyncRequired'));
    await expect(graph.inboxDelta({ deltaLink: `${inboxDelta}?$deltatoken=old` })).rejects.toMatchObject({
      status: 410,
    });
    expect(calls).toHaveLength(2);
  });

  it('refuses a stored deltaLink that points outside Graph', async () => {
    const { graph, calls } = setup(() => json(200, {}));
    await expect(
      graph.inboxDelta({ deltaLink: 'https://attacker.example/v1.0/me/x?$deltatoken=1' }),
    ).rejects.toMatchObject({
      code: 'untrustedLink',
    });
    expect(calls).toHaveLength(0);
  });
});
