import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import {
  createMailboxEmulator,
  jwksTokenVerifier,
  type MailboxEmulatorOptions,
} from '../../src/emulator/mailbox';
import { createGraph, type GraphOptions } from '../../src/graph';
import type { OutgoingMail } from '../../src/core/mail';

const user = {
  tid: 'aaaaaaaa-0000-4000-8000-000000000001',
  oid: 'bbbbbbbb-0000-4000-8000-000000000002',
  displayName: 'Rae Cruiter',
  mail: 'rae@contoso.example',
  userPrincipalName: 'rae@contoso.example',
};

const mailTo = (address: string): OutgoingMail => ({
  to: { address, name: 'Ana Lima' },
  subject: 'A role you might like',
  html: '<p>Hello Ana</p>',
  headers: { 'x-candor-send': 'send-1' },
});

async function setup(
  emulatorOptions: Partial<MailboxEmulatorOptions> = {},
  graphOptions: Partial<GraphOptions> = {},
) {
  const clock = new ManualClock();
  const issuer = await LocalIssuer.create({ baseUrl: 'https://login.example/emulator/identity', clock });
  const emulator = createMailboxEmulator({
    clock,
    verifyToken: jwksTokenVerifier(issuer.jwks(), clock),
    ambientMailEveryMs: 0,
    ...emulatorOptions,
  });
  emulator.addUser(user);
  const graph = createGraph({
    getAccessToken: () => issuer.mintGraphToken(user),
    fetch: emulator.fetchFn,
    clock,
    timeoutClock: clock,
    random: () => 0.5,
    ...graphOptions,
  });
  const sendPosts = () =>
    emulator.requestLog.filter((e) => e.method === 'POST' && /sendMail$/i.test(e.path)).length;
  return { clock, emulator, graph, sendPosts };
}

describe('Graph boundary against the mailbox emulator', () => {
  it('reads the profile', async () => {
    const { graph } = await setup();
    await expect(graph.getProfile()).resolves.toEqual({
      id: user.oid,
      displayName: user.displayName,
      mail: user.mail,
      userPrincipalName: user.userPrincipalName,
    });
  });

  it('sends, then finds the copy in Sent Items once transport has put it there', async () => {
    const { graph, clock } = await setup({ transportDelayMs: 2_000 });
    const before = new Date(clock.now()).toISOString();
    await expect(graph.sendMail(mailTo('ana.lima+reply@prospect.example'))).resolves.toEqual({
      kind: 'accepted',
    });
    await expect(graph.listSentSince(before)).resolves.toEqual([]);
    await clock.advance(2_000);
    // The copy is filed late (90 s after transport by default): not there yet.
    await expect(graph.listSentSince(before)).resolves.toEqual([]);
    await clock.advance(90_000);
    const sent = await graph.listSentSince(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      subject: 'A role you might like',
      toRecipients: [{ address: 'ana.lima+reply@prospect.example' }],
    });
    expect(sent[0]?.conversationId).not.toBe('');
    expect(sent[0]?.internetMessageId).toMatch(/^<.+>$/);
  });

  it('sees the prospect’s reply in the next Inbox delta, in the same conversation', async () => {
    const { graph, clock } = await setup({ transportDelayMs: 2_000 });
    const start = new Date(clock.now()).toISOString();
    const first = await graph.mailFolderDelta('inbox');
    expect(first.fullSync).toBe(true);
    await graph.sendMail(mailTo('ana.lima+reply@prospect.example'));
    await clock.advance(60 * 60_000);
    const [ours] = await graph.listSentSince(start);
    const next = await graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink });
    expect(next).toMatchObject({ fullSync: false, restarted: false });
    const reply = next.messages.find((m) => m.from?.address === 'ana.lima+reply@prospect.example');
    expect(reply?.conversationId).toBe(ours?.conversationId);
    expect(reply?.subject).toMatch(/^RE: A role you might like$/i);
  });

  it('restarts a full sync when the emulator has forgotten the delta token', async () => {
    const { graph, emulator } = await setup();
    const first = await graph.mailFolderDelta('inbox');
    emulator.expireDeltaTokens();
    await expect(graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink })).resolves.toMatchObject({
      fullSync: true,
      restarted: true,
    });
  });

  it('never re-sends after a 503 that came after Exchange accepted: one POST, one delivery, outcome unknown', async () => {
    const { graph, emulator, clock, sendPosts } = await setup({ transportDelayMs: 2_000 });
    emulator.injectFault('503-after-accept');
    const outcome = graph.sendMail(mailTo('ana.lima+silent@prospect.example'));
    await vi.waitFor(() => expect(sendPosts()).toBe(1));
    await clock.advance(10 * 60_000);
    await expect(outcome).resolves.toMatchObject({ kind: 'unknown' });
    expect(sendPosts()).toBe(1);
    expect(emulator.deliveries(user.oid)).toHaveLength(1);
  });

  it('never re-sends after a timeout: one POST, one delivery, outcome unknown', async () => {
    const { graph, emulator, clock, sendPosts } = await setup(
      { transportDelayMs: 2_000 },
      { requestTimeoutMs: 30_000 },
    );
    emulator.injectFault('timeout-after-accept');
    const outcome = graph.sendMail(mailTo('ana.lima+silent@prospect.example'));
    // Token minting and verification are real crypto: let the POST reach the emulator (and the
    // request timer start) before simulated time moves, however busy the machine is.
    await vi.waitFor(() => expect(sendPosts()).toBe(1));
    await clock.advance(30_000);
    await expect(outcome).resolves.toEqual({ kind: 'unknown', reason: 'timeout' });
    await clock.advance(10 * 60_000);
    expect(sendPosts()).toBe(1);
    expect(emulator.deliveries(user.oid)).toHaveLength(1);
  });

  it('waits out a 429 for its Retry-After, then sends exactly once', async () => {
    const { graph, emulator, clock, sendPosts } = await setup({ transportDelayMs: 2_000 });
    emulator.injectFault({ kind: '429', retryAfterSeconds: 3 });
    const outcome = graph.sendMail(mailTo('ana.lima+silent@prospect.example'));
    await vi.waitFor(() => expect(sendPosts()).toBe(1));
    await clock.advance(2_999);
    expect(sendPosts()).toBe(1);
    await clock.advance(1);
    await expect(outcome).resolves.toEqual({ kind: 'accepted' });
    await clock.advance(10_000);
    expect(sendPosts()).toBe(2);
    expect(emulator.deliveries(user.oid)).toHaveLength(1);
  });

  it('a spent daily recipient quota is not an API error: the send is accepted and an NDR arrives in the Inbox', async () => {
    const { graph, clock, sendPosts } = await setup({ limits: { recipientsPerDay: 1 } });
    await expect(graph.sendMail(mailTo('a+silent@prospect.example'))).resolves.toEqual({ kind: 'accepted' });
    await expect(graph.sendMail(mailTo('b+silent@prospect.example'))).resolves.toEqual({ kind: 'accepted' });
    expect(sendPosts()).toBe(2);
    await clock.advance(5 * 60_000);
    const { messages } = await graph.mailFolderDelta('inbox');
    expect(messages.map((m) => [m.subject, m.from?.address])).toEqual([
      ['Undeliverable: A role you might like', 'postmaster@contoso.example'],
    ]);
  });

  it('stops the campaign when the grant is revoked', async () => {
    const { graph, emulator } = await setup();
    emulator.injectFault({ kind: 'revoked', match: 'any' });
    await expect(graph.sendMail(mailTo('a+silent@prospect.example'))).resolves.toMatchObject({
      kind: 'rejected',
      fatal: true,
    });
  });

  it('asks the emulator for header fields only on every read', async () => {
    const { graph, emulator, clock } = await setup();
    const start = new Date(clock.now()).toISOString();
    await graph.sendMail(mailTo('ana.lima+reply@prospect.example'));
    await clock.advance(60 * 60_000);
    await graph.listSentSince(start);
    const { messages } = await graph.mailFolderDelta('inbox');
    await graph.getInternetHeaders(messages[0]?.id ?? '');
    const reads = emulator.requestLog.filter((e) => e.method === 'GET');
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const read of reads) {
      expect(read.query).not.toMatch(
        /\b(body|bodyPreview|uniqueBody|attachments|extensions|\w+ExtendedProperties)\b/i,
      );
      expect(read.path).not.toMatch(/\$value/);
    }
  });

  it.each([
    ['returned', true],
    ['omitted', false],
    ['forbidden', false],
  ] as const)(
    'reads a reply’s internet headers when Graph returns them (%s under Mail.ReadBasic)',
    async (mode, present) => {
      const { graph, clock } = await setup({ internetMessageHeadersUnderReadBasic: mode });
      await graph.sendMail(mailTo('ana.lima+reply@prospect.example'));
      await clock.advance(60 * 60_000);
      const { messages } = await graph.mailFolderDelta('inbox');
      const reply = messages.find((m) => m.from?.address === 'ana.lima+reply@prospect.example');
      const headers = await graph.getInternetHeaders(reply?.id ?? '');
      if (present)
        expect(headers.status === 'ok' && headers.headers.some((h) => /^received$/i.test(h.name))).toBe(true);
      else expect(headers).toEqual({ status: 'unavailable', reason: mode });
    },
  );
});
