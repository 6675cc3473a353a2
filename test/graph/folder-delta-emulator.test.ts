/**
 * mailFolderDelta and getInternetHeaders against the mailbox emulator: first syncs of large folders,
 * idle polls, resyncs on every expired-token answer, the unfiltered fallback, moved and deleted
 * messages, Junk Email. Request counts here are the numbers quoted in docs/emulator.md.
 */
import { describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import {
  createMailboxEmulator,
  jwksTokenVerifier,
  type ExpiredDeltaAnswer,
  type MailboxEmulatorOptions,
} from '../../src/emulator/mailbox';
import { createGraph } from '../../src/graph';
import { ManualClock } from '../../src/shared/clock';

const user = {
  tid: 'aaaaaaaa-0000-4000-8000-000000000001',
  oid: 'bbbbbbbb-0000-4000-8000-000000000002',
  displayName: 'Rae Cruiter',
  mail: 'rae@contoso.example',
  userPrincipalName: 'rae@contoso.example',
};
const HOUR = 3_600_000;

async function setup(options: Partial<MailboxEmulatorOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const issuer = await LocalIssuer.create({ baseUrl: 'https://login.example/emulator/identity', clock });
  const emulator = createMailboxEmulator({
    clock,
    verifyToken: jwksTokenVerifier(issuer.jwks(), clock),
    ambientMailEveryMs: 0,
    ...options,
  });
  emulator.addUser(user);
  // Cached like MSAL would (minting one per request would dominate a 50,000-message sync).
  let cached = { token: await issuer.mintGraphToken(user), at: clock.now() };
  const getAccessToken = async () => {
    if (clock.now() - cached.at > 30 * 60_000)
      cached = { token: await issuer.mintGraphToken(user), at: clock.now() };
    return cached.token;
  };
  const graph = createGraph({
    getAccessToken,
    fetch: emulator.fetchFn,
    clock,
    timeoutClock: clock,
    random: () => 0.5,
  });
  const deltaRequests = () => emulator.requestLog.filter((e) => /\/delta$/i.test(e.path)).length;
  const send = (to: string, subject = 'A role you might like') =>
    graph.sendMail({ to: { address: to }, subject, html: '<p>Hello</p>' });
  return { clock, emulator, graph, deltaRequests, send };
}

describe('mailFolderDelta against the emulator', () => {
  it('completes a first sync of a 50,000-message Inbox (no page cap) in 50 requests, then idles at 1 request', async () => {
    const { emulator, graph, deltaRequests } = await setup();
    emulator.fillFolder(user.oid, 'inbox', 50_000);
    const first = await graph.mailFolderDelta('inbox');
    expect(first.messages).toHaveLength(50_000);
    expect(new Set(first.messages.map((m) => m.id)).size).toBe(50_000);
    expect(first).toMatchObject({ fullSync: true, restarted: false, fallbackUnfiltered: false });
    // Prefer: odata.maxpagesize=1000 → 1,000 per page.
    expect(deltaRequests()).toBe(50);
    emulator.clearRequestLog();
    const idle = await graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink });
    expect(idle).toMatchObject({ messages: [], removedIds: [], fullSync: false });
    expect(deltaRequests()).toBe(1);
    // Nothing changed: Graph hands back the same deltaLink (delta-query-messages--4).
    expect(idle.deltaLink).toBe(first.deltaLink);
  }, 120_000);

  it('a filtered first sync of a large Inbox returns the newest 5,000 (the documented cap) in 5 requests', async () => {
    const { emulator, graph, deltaRequests } = await setup();
    emulator.fillFolder(user.oid, 'inbox', 12_000, { spanMs: 120 * 24 * HOUR });
    const result = await graph.mailFolderDelta('inbox', { receivedSince: '2025-01-01T00:00:00Z' });
    expect(result.messages).toHaveLength(5_000);
    expect(deltaRequests()).toBe(5);
    const oldest = Math.min(...result.messages.map((m) => Date.parse(m.receivedDateTime!)));
    expect(oldest).toBeGreaterThan(Date.UTC(2026, 0, 5) - 60 * 24 * HOUR);
  }, 60_000);

  it('idle polls of Inbox and Junk Email cost one request per folder', async () => {
    const { emulator, graph, deltaRequests } = await setup();
    const inbox = await graph.mailFolderDelta('inbox');
    const junk = await graph.mailFolderDelta('junkemail');
    emulator.clearRequestLog();
    await graph.mailFolderDelta('inbox', { deltaLink: inbox.deltaLink });
    await graph.mailFolderDelta('junkemail', { deltaLink: junk.deltaLink });
    expect(deltaRequests()).toBe(2);
  });

  it.each<ExpiredDeltaAnswer>([
    'gone-syncStateNotFound',
    'gone-resyncRequired',
    'badRequest-syncStateNotFound',
    'badRequest-syncStateInvalid',
    'notFound-invalidSyncStateData',
  ])('restarts a full sync when an expired token is answered %s', async (answer) => {
    const { emulator, graph, send, clock } = await setup({ expiredDeltaAnswer: answer });
    await send('ana+reply@example.org');
    await clock.advance(HOUR);
    const first = await graph.mailFolderDelta('inbox');
    emulator.expireDeltaTokens(user.oid);
    const again = await graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink });
    expect(again).toMatchObject({ fullSync: true, restarted: true });
    expect(again.messages.map((m) => m.subject)).toEqual(['RE: A role you might like']);
  });

  it('falls back to an unfiltered sync where the mailbox refuses delta $filter, and says so', async () => {
    const { graph, send, clock } = await setup({ deltaFilterRefused: true });
    await send('ana+reply@example.org');
    await clock.advance(HOUR);
    const result = await graph.mailFolderDelta('inbox', {
      receivedSince: new Date(clock.now()).toISOString(),
    });
    expect(result).toMatchObject({ fallbackUnfiltered: true, fullSync: true });
    // Unfiltered: the reply from before `receivedSince` is there too; the caller judges dates.
    expect(result.messages.map((m) => m.subject)).toEqual(['RE: A role you might like']);
  });

  it('re-reports a reply the recruiter read or flagged under the same id, and a moved one as removed', async () => {
    const { emulator, graph, send, clock } = await setup();
    await send('ana+reply@example.org');
    await send('bo+reply@example.org');
    await send('cy+reply@example.org');
    await clock.advance(HOUR);
    const first = await graph.mailFolderDelta('inbox');
    const [ana, bo, cy] = ['ana', 'bo', 'cy'].map((who) =>
      first.messages.find((m) => m.from?.address.startsWith(`${who}+`))!,
    );
    emulator.act(user.oid, ana!.id, { action: 'read' });
    emulator.act(user.oid, bo!.id, { action: 'flag' });
    const movedId = emulator.act(user.oid, cy!.id, { action: 'move', to: 'archive' });
    expect(movedId).not.toBe(cy!.id);
    const next = await graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink });
    expect(next.messages.map((m) => m.id).sort()).toEqual([ana!.id, bo!.id].sort());
    expect(next.removedIds).toEqual([cy!.id]);
    // Between listing and reading, the moved reply is gone: a result to skip, not an error.
    await expect(graph.getInternetHeaders(cy!.id)).resolves.toEqual({ status: 'gone' });
  });

  it('finds a reply that landed in Junk Email only through the junkemail delta', async () => {
    const { graph, send, clock } = await setup();
    await send('ana+reply+junk@example.org');
    await clock.advance(HOUR);
    expect((await graph.mailFolderDelta('inbox')).messages).toEqual([]);
    const junk = await graph.mailFolderDelta('junkemail');
    expect(junk.messages.map((m) => m.subject)).toEqual(['RE: A role you might like']);
  });
});

describe('read retries through the emulator', () => {
  it('a delta page answered 504 is retried after the backoff; a 500 is not', async () => {
    const { emulator, graph, clock, deltaRequests } = await setup();
    emulator.injectFault({ kind: '504', match: { path: /\/delta$/ } });
    const pending = graph.mailFolderDelta('inbox');
    // The retry waits on the injected clock.
    for (let s = 0; s < 120 && deltaRequests() < 2; s++) await clock.advance(1_000);
    await expect(pending).resolves.toMatchObject({ fullSync: true });
    expect(emulator.requestLog.map((e) => e.status)).toEqual([504, 200]);
    emulator.injectFault({ kind: '500', match: { path: /\/delta$/ } });
    await expect(graph.mailFolderDelta('inbox')).rejects.toMatchObject({ status: 500 });
  });
});

describe('getInternetHeaders against the emulator', () => {
  it.each([
    ['returned', 'ok'],
    ['omitted', 'unavailable'],
    ['forbidden', 'unavailable'],
  ] as const)('headers %s under Mail.ReadBasic → %s', async (mode, status) => {
    const { graph, send, clock, emulator } = await setup({ internetMessageHeadersUnderReadBasic: mode });
    await send('ana+ooo@example.org');
    await clock.advance(HOUR);
    const [ooo] = (await graph.mailFolderDelta('inbox')).messages;
    const result = await graph.getInternetHeaders(ooo!.id);
    expect(result.status).toBe(status);
    if (result.status === 'ok')
      expect(result.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-replied' });
    if (mode === 'forbidden') {
      emulator.clearRequestLog();
      await graph.getInternetHeaders(ooo!.id);
      expect(emulator.requestLog).toHaveLength(0);
    }
  });
});

describe('pollFolderDeltas (the idle poll in one $batch)', () => {
  it('asks Inbox and Junk Email in one HTTP request, and hands back only complete answers', async () => {
    const { emulator, graph } = await setup();
    const inbox = await graph.mailFolderDelta('inbox');
    const junk = await graph.mailFolderDelta('junkemail');
    const http = () => emulator.requestLog.filter((e) => !e.inBatch).length;

    let before = http();
    const idle = await graph.pollFolderDeltas({ inbox: inbox.deltaLink, junkemail: junk.deltaLink });
    expect(http() - before).toBe(1);
    expect(idle.inbox).toMatchObject({ messages: [], removedIds: [], fullSync: false });
    expect(idle.junkemail).toMatchObject({ messages: [], removedIds: [], fullSync: false });

    // New mail in the Inbox: still one request, and the new messages come back.
    emulator.fillFolder(user.oid, 'inbox', 3);
    before = http();
    const changed = await graph.pollFolderDeltas({ inbox: inbox.deltaLink, junkemail: junk.deltaLink });
    expect(http() - before).toBe(1);
    expect(changed.inbox?.messages).toHaveLength(3);

    // A lost sync state is not answered here: the caller runs a full round for that folder.
    emulator.expireDeltaTokens(user.oid);
    const lost = await graph.pollFolderDeltas({ inbox: inbox.deltaLink, junkemail: junk.deltaLink });
    expect(lost).toEqual({ inbox: null, junkemail: null });
  });
});
