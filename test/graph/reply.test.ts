import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { OutgoingMail } from '../../src/core/mail';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import { createMailboxEmulator, jwksTokenVerifier } from '../../src/emulator/mailbox';
import { createGraph, MESSAGE_HEADER_FIELDS } from '../../src/graph';
import { classifyReplyResponse, internetMessageIdFilter, replyBody } from '../../src/graph/reply';
import { ManualClock } from '../../src/shared/clock';
import { checkJson, loadCsdl } from '../support/csdl';
import { referenceAvailable, referencePath } from '../support/reference';

const user = {
  tid: 'aaaaaaaa-0000-4000-8000-000000000001',
  oid: 'bbbbbbbb-0000-4000-8000-000000000002',
  displayName: 'Rae Cruiter',
  mail: 'rae@contoso.example',
  userPrincipalName: 'rae@contoso.example',
};

const ANA = 'ana.lima+silent@prospect.example';

const followUp = (address = ANA): OutgoingMail => ({
  to: { address, name: 'Ana Lima' },
  subject: 'RE: A role you might like',
  html: '<p>Just following up</p><img src="https://t.example/o/abc.gif" alt="">',
  headers: { 'x-candor-send': 'send-1#2' },
});

/** The real Graph boundary wired to the emulator's fetch, recording every request body it sends. */
async function setup(requestTimeoutMs = 30_000) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const issuer = await LocalIssuer.create({ baseUrl: 'https://login.example/emulator/identity', clock });
  const emulator = createMailboxEmulator({
    clock,
    verifyToken: jwksTokenVerifier(issuer.jwks(), clock),
    ambientMailEveryMs: 0,
    transportDelayMs: 1000,
    sentItemsDelayMs: 0,
  });
  emulator.addUser(user);
  const bodies: { url: string; body: unknown }[] = [];
  const graph = createGraph({
    getAccessToken: () => issuer.mintGraphToken(user),
    fetch: async (input, init) => {
      const request = input instanceof Request && !init ? input : new Request(input, init);
      const text = request.method === 'POST' ? await request.clone().text() : '';
      bodies.push({ url: request.url, body: text ? JSON.parse(text) : undefined });
      return emulator.fetch(request, init?.signal ?? request.signal);
    },
    clock,
    timeoutClock: clock,
    requestTimeoutMs,
    random: () => 0.5,
  });
  const replyPosts = () =>
    emulator.requestLog.filter((e) => e.method === 'POST' && /\/reply$/i.test(e.path)).length;
  // Step 1 went out and its copy is filed in Sent Items.
  await graph.sendMail({ ...followUp(), subject: 'A role you might like', html: '<p>Hello Ana</p>' });
  await clock.advance(1000);
  const [copy] = await graph.listSentSince(new Date(clock.now() - 60_000).toISOString());
  return { clock, emulator, graph, bodies, replyPosts, copy: copy! };
}

describe('Graph reply against the mailbox emulator', () => {
  it('202: accepted; the follow-up reaches the prospect in the thread of the Sent Items copy with its x- header and pixel', async () => {
    const { graph, emulator, copy, bodies } = await setup();
    await expect(graph.reply(copy.id, followUp())).resolves.toEqual({ kind: 'accepted' });
    const request = bodies.at(-1)!;
    expect(new URL(request.url).pathname).toBe(`/v1.0/me/messages/${encodeURIComponent(copy.id)}/reply`);
    expect(request.body).toEqual({
      message: {
        toRecipients: [{ emailAddress: { address: ANA, name: 'Ana Lima' } }],
        body: { contentType: 'HTML', content: followUp().html },
        internetMessageHeaders: [{ name: 'x-candor-send', value: 'send-1#2' }],
      },
    });
    const delivered = emulator.deliveries(user.oid).at(-1)!;
    expect(delivered).toMatchObject({
      to: ANA,
      subject: 'RE: A role you might like',
      conversationId: copy.conversationId,
    });
    expect(delivered.body.content).toContain('https://t.example/o/abc.gif');
    expect(delivered.headers).toContainEqual({ name: 'x-candor-send', value: 'send-1#2' });
    expect(delivered.headers).toContainEqual({ name: 'In-Reply-To', value: copy.internetMessageId });
  });

  it('404 for a moved copy is thread-not-found; findMessage finds it by internetMessageId under its new id; the reply then goes', async () => {
    const { graph, emulator, copy, replyPosts } = await setup();
    const newId = emulator.act(user.oid, copy.id, { action: 'move', to: 'archive' })!;
    await expect(graph.reply(copy.id, followUp())).resolves.toEqual({ kind: 'thread-not-found' });
    expect(replyPosts()).toBe(1);
    const found = await graph.findMessage(copy.internetMessageId!);
    expect(found).toMatchObject({ id: newId, conversationId: copy.conversationId, subject: copy.subject });
    const lookup = emulator.requestLog.at(-1)!;
    expect(lookup.path).toBe('/me/messages');
    expect(lookup.query).toContain(`$filter=internetMessageId eq '${copy.internetMessageId}'`);
    expect(lookup.query).toContain(`$select=${MESSAGE_HEADER_FIELDS.join(',')}`);
    expect(lookup.query).toContain('$top=1');
    await expect(graph.reply(found!.id, followUp())).resolves.toEqual({ kind: 'accepted' });
  });

  it('findMessage answers null when no message has that id (purged)', async () => {
    const { graph, emulator, copy } = await setup();
    emulator.act(user.oid, copy.id, { action: 'purge' });
    await expect(graph.findMessage(copy.internetMessageId!)).resolves.toBeNull();
    await expect(graph.findMessage("<it's@odd.example>")).resolves.toBeNull();
  });

  it('429 longer than the wait limit: throttled with its Retry-After, nothing sent', async () => {
    const { graph, emulator, copy } = await setup();
    emulator.injectFault({ kind: '429', retryAfterSeconds: 600, match: 'reply' });
    await expect(graph.reply(copy.id, followUp())).resolves.toEqual({
      kind: 'throttled',
      retryAfterMs: 600_000,
    });
    expect(emulator.deliveries(user.oid)).toHaveLength(1);
  });

  it('a short 429 is waited out and the reply sent exactly once', async () => {
    const { graph, emulator, copy, clock, replyPosts } = await setup();
    emulator.injectFault({ kind: '429', retryAfterSeconds: 2, match: 'reply' });
    const outcome = graph.reply(copy.id, followUp());
    await vi.waitFor(() => expect(replyPosts()).toBe(1));
    await clock.advance(2000);
    await expect(outcome).resolves.toEqual({ kind: 'accepted' });
    expect(replyPosts()).toBe(2);
    expect(emulator.deliveries(user.oid)).toHaveLength(2);
  });

  it('503 after acceptance: unknown, one POST, the follow-up did go out', async () => {
    const { graph, emulator, copy, replyPosts } = await setup();
    emulator.injectFault('503-after-accept');
    await expect(graph.reply(copy.id, followUp())).resolves.toEqual({
      kind: 'unknown',
      reason: 'HTTP 503 ErrorServerBusy',
    });
    expect(replyPosts()).toBe(1);
    expect(emulator.deliveries(user.oid)).toHaveLength(2);
  });

  it('503 before acceptance: unknown too (the adapter cannot tell), and never retried', async () => {
    const { graph, emulator, copy, replyPosts } = await setup();
    emulator.injectFault({ kind: '503-before-accept', match: 'reply' });
    await expect(graph.reply(copy.id, followUp())).resolves.toMatchObject({ kind: 'unknown' });
    expect(replyPosts()).toBe(1);
    expect(emulator.deliveries(user.oid)).toHaveLength(1);
  });

  it('timeout after acceptance: unknown "timeout", one POST', async () => {
    const { graph, emulator, copy, clock, replyPosts } = await setup(30_000);
    emulator.injectFault('timeout-after-accept');
    const outcome = graph.reply(copy.id, followUp());
    await vi.waitFor(() => expect(replyPosts()).toBe(1));
    await clock.advance(30_000);
    await expect(outcome).resolves.toEqual({ kind: 'unknown', reason: 'timeout' });
    expect(replyPosts()).toBe(1);
    expect(emulator.deliveries(user.oid)).toHaveLength(2);
  });

  it('a revoked grant is fatal; bad custom headers are refused before anything is sent', async () => {
    const { graph, emulator, copy, replyPosts } = await setup();
    await expect(
      graph.reply(copy.id, { ...followUp(), headers: { 'List-Unsubscribe': '<mailto:u@x>' } }),
    ).resolves.toMatchObject({ kind: 'rejected', fatal: false });
    expect(replyPosts()).toBe(0);
    emulator.injectFault({ kind: 'revoked', match: 'any' });
    await expect(graph.reply(copy.id, followUp())).resolves.toMatchObject({ kind: 'rejected', fatal: true });
  });
});

describe('a prospect who answers only the follow-up', () => {
  it('is silent after step 1; its answer to step 2 shows in the Inbox delta in the conversation of step 1', async () => {
    const { graph, clock } = await setup();
    const since = new Date(clock.now()).toISOString();
    const to = 'cleo+reply-after-2@prospect.example';
    await graph.sendMail({ ...followUp(to), subject: 'A role you might like' });
    await clock.advance(1000);
    const first = await graph.mailFolderDelta('inbox', { receivedSince: since });
    const step1 = (await graph.listSentSince(since)).find((m) => m.toRecipients[0]?.address === to)!;
    await clock.advance(2 * 24 * 3_600_000);
    const quiet = await graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink });
    expect(quiet.messages.filter((m) => m.from?.address === to)).toEqual([]);
    await expect(graph.reply(step1.id, followUp(to))).resolves.toEqual({ kind: 'accepted' });
    await clock.advance(60 * 60_000);
    const next = await graph.mailFolderDelta('inbox', { deltaLink: quiet.deltaLink });
    const answers = next.messages.filter((m) => m.from?.address === to);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      conversationId: step1.conversationId,
      subject: 'RE: A role you might like',
    });
  });
});

describe('reply outcome mapping', () => {
  it('maps 404 and a malformed id to thread-not-found, and everything else as sendMail does', () => {
    expect(classifyReplyResponse(202, '', '', null)).toEqual({ kind: 'accepted' });
    expect(classifyReplyResponse(404, 'ErrorItemNotFound', 'x', null)).toEqual({ kind: 'thread-not-found' });
    expect(classifyReplyResponse(400, 'ErrorInvalidIdMalformed', 'x', null)).toEqual({
      kind: 'thread-not-found',
    });
    // A mailbox that cannot use the API at all is not a missing thread.
    expect(classifyReplyResponse(404, 'MailboxNotEnabledForRESTAPI', 'x', null)).toMatchObject({
      kind: 'rejected',
      fatal: true,
    });
    expect(classifyReplyResponse(429, 'TooManyRequests', 'x', 5000)).toEqual({
      kind: 'throttled',
      retryAfterMs: 5000,
    });
    expect(classifyReplyResponse(400, 'ErrorInvalidRequest', 'x', null)).toMatchObject({
      kind: 'rejected',
      fatal: false,
    });
    expect(classifyReplyResponse(403, 'ErrorAccessDenied', 'x', null)).toMatchObject({
      kind: 'rejected',
      fatal: true,
    });
    expect(classifyReplyResponse(504, 'GatewayTimeout', 'x', null)).toMatchObject({ kind: 'unknown' });
  });

  it('quotes the internetMessageId as an OData string literal', () => {
    expect(internetMessageIdFilter("<a'b@x>")).toBe("internetMessageId eq '<a''b@x>'");
  });
});

describe.skipIf(!referenceAvailable)("the reply request against Graph's v1.0 CSDL", () => {
  const csdl = referenceAvailable ? readFileSync(referencePath('graph', 'v1.0-metadata.xml'), 'utf8') : '';

  it('uses only parameters of the bound action reply(message), never Comment together with Message.body', () => {
    const action =
      /<Action Name="reply" IsBound="true">\s*<Parameter Name="bindingParameter" Type="graph\.message" \/>([\s\S]*?)<\/Action>/.exec(
        csdl,
      );
    expect(action).not.toBeNull();
    const parameters = [...action![1]!.matchAll(/<Parameter Name="(\w+)" Type="([\w.()]+)"/g)].map((m) => [
      m[1]!.toLowerCase(),
      m[2],
    ]);
    expect(parameters).toEqual([
      ['message', 'graph.message'],
      ['comment', 'Edm.String'],
    ]);
    const body = replyBody(followUp()) as Record<string, unknown>;
    const allowed = parameters.map(([name]) => name);
    expect(Object.keys(body).filter((k) => !allowed.includes(k.toLowerCase()))).toEqual([]);
    expect(body).not.toHaveProperty('comment');
    const model = loadCsdl(referencePath('graph', 'v1.0-metadata.xml'));
    // Enum values are checked as the CSDL spells them; Graph reads them case-insensitively
    // (user-sendmail.md Example 2 sends "HTML", as Candor's sendMail does).
    const message = structuredClone(body.message) as { body: { contentType: string } };
    expect(message.body.contentType).toBe('HTML');
    message.body.contentType = message.body.contentType.toLowerCase();
    expect(checkJson(model, 'graph.message', message, 'message')).toEqual([]);
  });
});
