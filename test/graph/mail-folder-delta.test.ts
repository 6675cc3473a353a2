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

describe('mailFolderDelta', () => {
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
    const result = await graph.mailFolderDelta('inbox');
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
    const result = await graph.mailFolderDelta('inbox', { deltaLink: `${inboxDelta}?$deltatoken=d1` });
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
    ['400 syncStateNotFound', () => graphError(400, 'syncStateNotFound')],
    ['400 SyncStateInvalid', () => graphError(400, 'SyncStateInvalid')],
    ['404 ErrorInvalidSyncStateData', () => graphError(404, 'ErrorInvalidSyncStateData')],
    ['400 InvalidDeltaToken', () => graphError(400, 'InvalidDeltaToken')],
    ['400 resyncRequired', () => graphError(400, 'resyncRequired')],
  ])('restarts a full sync when Graph has forgotten the deltaLink (%s) and says so', async (_, lost) => {
    const { graph, calls } = setup(
      deltaServer({
        old: lost,
        initial: () =>
          json(200, { value: [reply('m1', 'c1')], '@odata.deltaLink': `${inboxDelta}?$deltatoken=fresh` }),
      }),
    );
    const result = await graph.mailFolderDelta('inbox', {
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

  it('gives up after a bounded number of resyncs when Graph keeps refusing', async () => {
    const { graph, calls } = setup(() => graphError(410, 'resyncRequired'));
    await expect(
      graph.mailFolderDelta('inbox', { deltaLink: `${inboxDelta}?$deltatoken=old` }),
    ).rejects.toMatchObject({ status: 410 });
    // The stored link, then two full restarts.
    expect(calls).toHaveLength(3);
  });

  it('refuses a stored deltaLink that points outside Graph', async () => {
    const { graph, calls } = setup(() => json(200, {}));
    await expect(
      graph.mailFolderDelta('inbox', { deltaLink: 'https://attacker.example/v1.0/me/x?$deltatoken=1' }),
    ).rejects.toMatchObject({
      code: 'untrustedLink',
    });
    expect(calls).toHaveLength(0);
  });

  it('does not restart on errors that are not about the sync state', async () => {
    for (const [status, code] of [
      [403, 'ErrorAccessDenied'],
      [400, 'ErrorInvalidUrlQuery'],
      [404, 'ErrorItemNotFound'],
    ] as const) {
      const { graph, calls } = setup(() => graphError(status, code));
      await expect(
        graph.mailFolderDelta('inbox', { deltaLink: `${inboxDelta}?$deltatoken=d1` }),
      ).rejects.toMatchObject({ status, code });
      expect(calls).toHaveLength(1);
    }
  });

  it('restarts from the start when a nextLink expires in the middle of a full sync, dropping the partial pages', async () => {
    let initialCalls = 0;
    const { graph } = setup(
      deltaServer({
        initial: () =>
          ++initialCalls === 1
            ? json(200, { value: [reply('m1', 'c1')], '@odata.nextLink': `${inboxDelta}?$skiptoken=stale` })
            : json(200, { value: [reply('m2', 'c2')], '@odata.deltaLink': `${inboxDelta}?$deltatoken=d1` }),
        stale: () => graphError(410, 'SyncStateNotFound'),
      }),
    );
    const result = await graph.mailFolderDelta('inbox');
    expect(result.messages.map((m) => m.id)).toEqual(['m2']);
    expect(result).toMatchObject({ fullSync: true, restarted: true });
  });

  it('asks for large pages with Prefer: odata.maxpagesize on every page, and watches Junk Email the same way', async () => {
    const junk = `${BASE}/me/mailFolders('junkemail')/messages/delta`;
    const { graph, calls } = setup(
      deltaServer({
        initial: () => json(200, { value: [reply('j1', 'c1')], '@odata.nextLink': `${junk}?$skiptoken=p2` }),
        p2: () => json(200, { value: [], '@odata.deltaLink': `${junk}?$deltatoken=j` }),
      }),
    );
    const result = await graph.mailFolderDelta('junkemail');
    expect(result.messages.map((m) => m.id)).toEqual(['j1']);
    expect(calls[0]?.url.pathname).toBe('/v1.0/me/mailFolders/junkemail/messages/delta');
    for (const call of calls) expect(call.headers.get('Prefer')).toMatch(/^odata\.maxpagesize=\d+$/);
  });

  it('falls back to an unfiltered sync when Graph refuses the receivedDateTime filter, and says so', async () => {
    const { graph, calls } = setup((req) =>
      req.url.searchParams.has('$filter')
        ? graphError(400, 'ErrorInvalidUrlQueryFilter')
        : json(200, { value: [reply('old', 'c0')], '@odata.deltaLink': `${inboxDelta}?$deltatoken=d1` }),
    );
    const result = await graph.mailFolderDelta('inbox', { receivedSince: '2026-01-01T00:00:00Z' });
    expect(result).toMatchObject({ fullSync: true, restarted: false, fallbackUnfiltered: true });
    expect(result.messages.map((m) => m.id)).toEqual(['old']);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.url.searchParams.has('$filter')).toBe(false);
    expect(calls[1]?.url.searchParams.get('$select')).toContain('conversationId');
  });

  it('does not hide a 400 on an unfiltered sync', async () => {
    const { graph, calls } = setup(() => graphError(400, 'ErrorInvalidUrlQuery'));
    await expect(graph.mailFolderDelta('inbox')).rejects.toMatchObject({ status: 400 });
    expect(calls).toHaveLength(1);
  });

  it('has no page cap: a 2,500-page first sync completes in 2,500 requests', async () => {
    const pages = 2_500;
    const { graph, calls } = setup((req) => {
      const n = Number(req.url.searchParams.get('$skiptoken') ?? '0');
      const value = [reply(`m${2 * n}`, 'c'), reply(`m${2 * n + 1}`, 'c')];
      return n + 1 < pages
        ? json(200, { value, '@odata.nextLink': `${inboxDelta}?$skiptoken=${n + 1}` })
        : json(200, { value, '@odata.deltaLink': `${inboxDelta}?$deltatoken=done` });
    });
    const result = await graph.mailFolderDelta('inbox');
    expect(result.messages).toHaveLength(2 * pages);
    expect(calls).toHaveLength(pages);
  });

  it('stops when Graph hands back a link already followed in this round', async () => {
    const { graph, calls } = setup(() =>
      json(200, { value: [], '@odata.nextLink': `${inboxDelta}?$skiptoken=same` }),
    );
    await expect(graph.mailFolderDelta('inbox')).rejects.toMatchObject({ code: 'pagingLoop' });
    expect(calls).toHaveLength(2);
  });

  it('upserts by id within a round: the latest version wins, a removal then a re-add is an upsert', async () => {
    const { graph } = setup(
      deltaServer({
        d1: () =>
          json(200, {
            value: [
              { ...reply('m1', 'c1'), subject: 'first' },
              { id: 'm2', '@removed': { reason: 'deleted' } },
            ],
            '@odata.nextLink': `${inboxDelta}?$skiptoken=p2`,
          }),
        p2: () =>
          json(200, {
            value: [
              { ...reply('m1', 'c1'), subject: 'second' },
              reply('m2', 'c2'),
              { id: 'm3', '@removed': {} },
            ],
            '@odata.deltaLink': `${inboxDelta}?$deltatoken=d2`,
          }),
      }),
    );
    const result = await graph.mailFolderDelta('inbox', { deltaLink: `${inboxDelta}?$deltatoken=d1` });
    expect(result.messages.map((m) => [m.id, m.subject])).toEqual([
      ['m1', 'second'],
      ['m2', 'RE: A role you might like'],
    ]);
    expect(result.removedIds).toEqual(['m3']);
  });
});
