import { describe, expect, it } from 'vitest';
import { errorCode, setup, USER } from './harness';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function header(
  m: { internetMessageHeaders?: { name: string; value: string }[] },
  name: string,
): string | undefined {
  return m.internetMessageHeaders?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** An emulator with one message sent to `to` whose Sent Items copy is already filed. */
async function withSentCopy(to: string, options: Parameters<typeof setup>[0] = {}) {
  const env = await setup({ transportDelayMs: 1000, sentItemsDelayMs: 0, ...options });
  expect((await env.send(to, 'Role at Contoso')).status).toBe(202);
  await env.clock.advance(1000);
  const copy = env.emulator.sentItems(USER.oid)[0]!;
  const reply = (id: string, body: Record<string, unknown>, init: { token?: string } = {}) =>
    env.call('POST', `/me/messages/${encodeURIComponent(id)}/reply`, { body, ...init });
  const followUp = (extra: Record<string, unknown> = {}) => ({
    message: {
      toRecipients: [{ emailAddress: { address: to } }],
      body: { contentType: 'HTML', content: '<p>Just following up</p><img src="https://t.example/p.gif">' },
      internetMessageHeaders: [{ name: 'x-candor-send', value: 'step-2' }],
      ...extra,
    },
  });
  return { ...env, copy, reply, followUp };
}

describe('POST /me/messages/{id}/reply', () => {
  it('answers 202 with no body; the reply goes to toRecipients, in the same conversation, "RE: " + subject, threaded by In-Reply-To/References, x- headers and pixel intact', async () => {
    const { reply, followUp, copy, emulator, clock } = await withSentCopy('ana+silent@example.org');
    const res = await reply(copy.id, followUp());
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    const delivered = emulator.deliveries(USER.oid);
    expect(delivered).toHaveLength(2);
    const second = delivered[1]!;
    expect(second.to).toBe('ana+silent@example.org');
    expect(second.subject).toBe('RE: Role at Contoso');
    expect(second.conversationId).toBe(copy.conversationId);
    expect(second.body.content).toContain('<img src="https://t.example/p.gif">');
    const headers = Object.fromEntries(second.headers.map((h) => [h.name, h.value]));
    expect(headers['x-candor-send']).toBe('step-2');
    expect(headers['In-Reply-To']).toBe(copy.internetMessageId);
    expect(headers.References).toBe(copy.internetMessageId);
    expect(headers['Message-ID']).not.toBe(copy.internetMessageId);
    await clock.advance(1000);
    const sent = emulator.sentItems(USER.oid);
    expect(sent).toHaveLength(2);
    expect(sent[0]!).toMatchObject({ subject: 'RE: Role at Contoso', conversationId: copy.conversationId });
    expect(sent[0]!.toRecipients.map((r) => r.emailAddress.address)).toEqual(['ana+silent@example.org']);
  });

  it('a reply to a reply keeps one "RE: " and extends References', async () => {
    const { reply, followUp, copy, emulator, clock } = await withSentCopy('ana+silent@example.org');
    expect((await reply(copy.id, followUp())).status).toBe(202);
    await clock.advance(1000);
    const step2 = emulator.sentItems(USER.oid)[0]!;
    expect((await reply(step2.id, followUp())).status).toBe(202);
    const third = emulator.deliveries(USER.oid)[2]!;
    expect(third.subject).toBe('RE: Role at Contoso');
    expect(third.conversationId).toBe(copy.conversationId);
    expect(third.headers.find((h) => h.name === 'In-Reply-To')?.value).toBe(step2.internetMessageId);
  });

  it('without toRecipients a reply to our own Sent Items copy goes to its sender: the recruiter', async () => {
    const { reply, copy, emulator, clock } = await withSentCopy('ana+reply@example.org');
    const res = await reply(copy.id, { message: { body: { contentType: 'HTML', content: '<p>Oops</p>' } } });
    expect(res.status).toBe(202);
    const last = emulator.deliveries(USER.oid).at(-1)!;
    expect(last.to).toBe(USER.mail);
    await clock.advance(1000);
    const toSelf = emulator.inbox(USER.oid).find((m) => m.subject === 'RE: Role at Contoso')!;
    expect(toSelf.from.emailAddress.address).toBe(USER.mail);
    expect(toSelf.conversationId).toBe(copy.conversationId);
  });

  it('without toRecipients a reply to a received message goes to its sender', async () => {
    const { reply, emulator, clock } = await withSentCopy('ana+reply@example.org');
    await clock.advance(40 * MINUTE);
    const answer = emulator.inbox(USER.oid)[0]!;
    expect((await reply(answer.id, { comment: 'Thanks, Ana!' })).status).toBe(202);
    const last = emulator.deliveries(USER.oid).at(-1)!;
    expect(last.to).toBe('ana+reply@example.org');
    expect(last.subject).toBe('RE: Role at Contoso');
    // A comment is written above the quoted original.
    expect(last.body.content).toContain('Thanks, Ana!');
  });

  it('refuses comment together with message.body (400), and headers that break the sendMail rules', async () => {
    const { reply, followUp, copy, emulator } = await withSentCopy('ana+silent@example.org');
    const both = await reply(copy.id, { comment: 'Hi', ...followUp() });
    expect(both.status).toBe(400);
    expect(errorCode(both.json)).toBe('ErrorInvalidRequest');
    const noX = await reply(
      copy.id,
      followUp({ internetMessageHeaders: [{ name: 'List-Unsubscribe', value: '<mailto:u@x>' }] }),
    );
    expect(noX.status).toBe(400);
    expect(errorCode(noX.json)).toBe('InvalidInternetMessageHeader');
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `x-h${i}`, value: 'v' }));
    const many = await reply(copy.id, followUp({ internetMessageHeaders: six }));
    expect(many.status).toBe(400);
    expect(errorCode(many.json)).toBe('InvalidInternetMessageHeaderCollection');
    expect(emulator.deliveries(USER.oid)).toHaveLength(1);
    expect(emulator.stats.accepted).toBe(1);
  });

  it('404 ErrorItemNotFound for an unknown id, a moved original (it has a new id) and a purged one', async () => {
    const { reply, followUp, copy, emulator } = await withSentCopy('ana+silent@example.org');
    const unknown = await reply(
      'AAMkAGI2NGVhZTVlLTI1OGMtNDI4My1iZmE5LTA5OGJiZGEzMTc0YgBGAAAAAAC',
      followUp(),
    );
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown.json)).toBe('ErrorItemNotFound');
    const newId = emulator.act(USER.oid, copy.id, { action: 'move', to: 'archive' })!;
    expect(newId).not.toBe(copy.id);
    const moved = await reply(copy.id, followUp());
    expect(moved.status).toBe(404);
    expect(errorCode(moved.json)).toBe('ErrorItemNotFound');
    // Under its new id it can be answered.
    expect((await reply(newId, followUp())).status).toBe(202);
    const latest = emulator.sentItems(USER.oid, { includePending: true })[0]!;
    emulator.act(USER.oid, newId, { action: 'purge' });
    expect((await reply(newId, followUp())).status).toBe(404);
    expect(latest.subject).toBe('RE: Role at Contoso');
  });

  it('needs Mail.Send: a token with only Mail.ReadBasic gets 403', async () => {
    const { reply, followUp, copy, tokenWith, emulator } = await withSentCopy('ana+silent@example.org');
    const res = await reply(copy.id, followUp(), { token: await tokenWith(['User.Read', 'Mail.ReadBasic']) });
    expect(res.status).toBe(403);
    expect(emulator.deliveries(USER.oid)).toHaveLength(1);
  });

  it('the Sent Items copy of a reply is as late as a sendMail copy', async () => {
    const env = await setup({ transportDelayMs: 1000, sentItemsDelayMs: 90_000 });
    await env.send('ana+silent@example.org', 'Role');
    await env.clock.advance(91_000);
    const copy = env.emulator.sentItems(USER.oid)[0]!;
    const res = await env.call('POST', `/me/messages/${copy.id}/reply`, {
      body: {
        message: {
          toRecipients: [{ emailAddress: { address: 'ana+silent@example.org' } }],
          body: { contentType: 'HTML', content: '<p>Again</p>' },
        },
      },
    });
    expect(res.status).toBe(202);
    await env.clock.advance(1000 + 90_000 - 1);
    expect(env.emulator.sentItems(USER.oid)).toHaveLength(1);
    await env.clock.advance(1);
    expect(env.emulator.sentItems(USER.oid)).toHaveLength(2);
  });

  it('counts towards the 30 messages a minute shared with sendMail', async () => {
    const env = await setup({ transportDelayMs: 0, sentItemsDelayMs: 0 });
    await env.send('ana+silent@example.org', 'Role');
    const copy = env.emulator.sentItems(USER.oid)[0]!;
    for (let i = 0; i < 29; i++) await env.send(`p${i}+silent@example.org`, `m${i}`);
    expect(env.emulator.stats.rateViolations).toBe(0);
    const res = await env.call('POST', `/me/messages/${copy.id}/reply`, {
      body: { message: { toRecipients: [{ emailAddress: { address: 'ana+silent@example.org' } }] } },
    });
    expect(res.status).toBe(202);
    expect(env.emulator.stats).toMatchObject({ accepted: 31, rateViolations: 1 });
  });

  it('takes the faults injected for sends: 503 after acceptance still sends', async () => {
    const { reply, followUp, copy, emulator } = await withSentCopy('ana+silent@example.org');
    emulator.injectFault('503-after-accept');
    const res = await reply(copy.id, followUp());
    expect(res.status).toBe(503);
    expect(emulator.deliveries(USER.oid)).toHaveLength(2);
    emulator.injectFault({ kind: '429', match: 'reply' });
    expect((await reply(copy.id, followUp())).status).toBe(429);
    expect(emulator.deliveries(USER.oid)).toHaveLength(2);
  });

  it('is reachable inside a folder path too, and refuses the copy under another folder', async () => {
    const { call, followUp, copy } = await withSentCopy('ana+silent@example.org');
    const inFolder = await call('POST', `/me/mailFolders/sentitems/messages/${copy.id}/reply`, {
      body: followUp(),
    });
    expect(inFolder.status).toBe(202);
    const wrong = await call('POST', `/me/mailFolders/inbox/messages/${copy.id}/reply`, { body: followUp() });
    expect(wrong.status).toBe(404);
  });
});

describe('GET /me/messages?$filter=internetMessageId eq …', () => {
  it('finds a message in any folder, also after it moved (under its new id)', async () => {
    const { call, copy, emulator } = await withSentCopy('ana+silent@example.org');
    const find = () =>
      call(
        'GET',
        `/me/messages?$filter=${encodeURIComponent(`internetMessageId eq '${copy.internetMessageId}'`)}&$select=id,subject,conversationId&$top=1`,
      );
    expect((await find()).json.value!.map((m) => m.id)).toEqual([copy.id]);
    const newId = emulator.act(USER.oid, copy.id, { action: 'delete' })!;
    expect((await find()).json.value!.map((m) => m.id)).toEqual([newId]);
    emulator.act(USER.oid, newId, { action: 'purge' });
    expect((await find()).json.value).toEqual([]);
  });
});

describe('simulated prospects and follow-ups', () => {
  async function sequence(to: string) {
    const env = await withSentCopy(to);
    return {
      ...env,
      async sendFollowUp(replyToId: string) {
        expect((await env.reply(replyToId, env.followUp())).status).toBe(202);
        await env.clock.advance(1000);
        return env.emulator.sentItems(USER.oid)[0]!;
      },
    };
  }

  it('+reply-after-2 stays silent for the first message and answers the follow-up, in the same conversation', async () => {
    const { copy, clock, emulator, sendFollowUp } = await sequence('ana+reply-after-2@example.org');
    await clock.advance(3 * DAY);
    expect(emulator.inbox(USER.oid)).toHaveLength(0);
    const step2 = await sendFollowUp(copy.id);
    await clock.advance(31 * MINUTE);
    const [answer] = emulator.inbox(USER.oid);
    expect(answer!.subject).toBe('RE: Role at Contoso');
    expect(answer!.conversationId).toBe(copy.conversationId);
    expect(header(answer!, 'In-Reply-To')).toBe(step2.internetMessageId);
    // The third message gets no second answer.
    await sendFollowUp(step2.id);
    await clock.advance(DAY);
    expect(emulator.inbox(USER.oid)).toHaveLength(1);
  });

  it('+ooo answers only the first message (once per sender, as Exchange does); +ooo+reply-after-2 then answers the follow-up', async () => {
    for (const [to, afterFollowUp] of [
      ['eve+ooo@example.org', 1],
      ['fay+ooo+reply-after-2@example.org', 2],
    ] as const) {
      const { copy, clock, emulator, sendFollowUp } = await sequence(to);
      await clock.advance(10 * MINUTE);
      expect(emulator.inbox(USER.oid).map((m) => m.subject)).toEqual(['Automatic reply: Role at Contoso']);
      await sendFollowUp(copy.id);
      await clock.advance(DAY);
      const inbox = emulator.inbox(USER.oid);
      expect(inbox).toHaveLength(afterFollowUp);
      expect(inbox.every((m) => m.conversationId === copy.conversationId)).toBe(true);
    }
  });

  it('+bounce bounces the first message and is never delivered', async () => {
    const { clock, emulator } = await sequence('gus+bounce@example.org');
    await clock.advance(5 * MINUTE);
    expect(emulator.inbox(USER.oid).map((m) => m.subject)).toEqual(['Undeliverable: Role at Contoso']);
    expect(emulator.deliveries(USER.oid)).toHaveLength(0);
  });

  it('some untagged prospects stay silent on the first message and answer the 2nd or 3rd', async () => {
    const { defaultBehaviour } = await import('../../src/emulator/mailbox');
    const onMessage = Array.from({ length: 600 }, (_, i) => defaultBehaviour(`person${i}@example.org`))
      .map((b) => ('onMessage' in b ? b.onMessage : undefined))
      .filter((n) => n !== undefined);
    expect(onMessage.filter((n) => n === 2).length).toBeGreaterThan(600 * 0.03);
    expect(onMessage.filter((n) => n === 3).length).toBeGreaterThan(600 * 0.01);
  });
});
