/** What prospects and their servers send back: replies, out-of-office answers and bounces in many shapes. */
import { describe, expect, it } from 'vitest';
import { LOCALES, type GraphMessage, type Language } from '../../src/emulator/mailbox';
import { setup, USER } from './harness';

const HOUR = 3_600_000;

function header(m: GraphMessage, name: string): string | undefined {
  return m.internetMessageHeaders?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

async function answered(address: string, subject = 'Role at Contoso', options = {}) {
  const env = await setup(options);
  await env.send(address, subject);
  await env.clock.advance(4 * 24 * HOUR);
  const ours = env.emulator.sentItems(USER.oid)[0]!;
  return { ...env, ours, inbox: env.emulator.inbox(USER.oid) };
}

describe('replies', () => {
  it.each<[Language, string]>([
    ['de', 'AW: '],
    ['sv', 'SV: '],
    ['fi', 'VS: '],
    ['nl', 'Antw: '],
    ['fr', 'RE : '],
    ['it', 'R: '],
    ['zh', '答复: '],
    ['ru', 'Ответ: '],
  ])('in %s: subject %s…, same conversation, body in the language', async (language, prefix) => {
    const { inbox, ours } = await answered(`ana+reply+lang-${language}@example.org`);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.subject).toBe(`${prefix}Role at Contoso`);
    expect(inbox[0]!.conversationId).toBe(ours.conversationId);
    expect(inbox[0]!.body.content).toContain(LOCALES[language].replyText);
  });

  it('other prefixes of a language are reachable (Réf. :, RIF:, 回复:) through a behaviour', async () => {
    const { send, clock, emulator } = await setup();
    for (const [address, language] of [
      ['a@fr.example', 'fr'],
      ['b@it.example', 'it'],
      ['c@zh.example', 'zh'],
    ] as const) {
      emulator.setProspectBehaviour(address, { kind: 'reply', delayMs: 1000, language, prefixVariant: 1 });
      await send(address, 'Role');
    }
    await clock.advance(HOUR);
    expect(
      emulator
        .inbox(USER.oid)
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['RIF: Role', 'Réf. : Role', '回复: Role'].sort());
  });

  it('a reply with an edited subject starts a new conversation but still points at ours', async () => {
    const { inbox, ours } = await answered('ana+reply-new-subject+lang-de@example.org');
    expect(inbox[0]!.subject).toBe('Frage zur Stelle');
    expect(inbox[0]!.conversationId).not.toBe(ours.conversationId);
    expect(header(inbox[0]!, 'In-Reply-To')).toBe(ours.internetMessageId);
    expect(inbox[0]!.from.emailAddress.address).toBe('ana+reply-new-subject+lang-de@example.org');
  });

  it('a reply from another address of the prospect stays in our conversation', async () => {
    const { inbox, ours } = await answered('ana.lima+reply-other-address@example.org');
    expect(inbox[0]!.from.emailAddress.address).toBe('ana.lima@personal-mail.example');
    expect(inbox[0]!.subject).toBe('RE: Role at Contoso');
    expect(inbox[0]!.conversationId).toBe(ours.conversationId);
  });

  it('a reply can land in Junk Email instead of the Inbox', async () => {
    const { inbox, emulator } = await answered('ana+reply+junk@example.org');
    expect(inbox).toHaveLength(0);
    expect(emulator.folder(USER.oid, 'junkemail').map((m) => m.subject)).toEqual(['RE: Role at Contoso']);
  });

  it('the recruiter reads, flags, moves and deletes answers on the clock (+read +flagged +moved +deleted)', async () => {
    const { emulator, send, clock } = await setup();
    await send('a+reply+read@example.org', 'A');
    await send('b+reply+flagged@example.org', 'B');
    await send('c+reply+moved@example.org', 'C');
    await send('d+reply+deleted@example.org', 'D');
    await clock.advance(2_000 + 30 * 60_000);
    const arrived = emulator.inbox(USER.oid);
    expect(arrived.map((m) => m.isRead)).toEqual([false, false, false, false]);
    const idOfC = arrived.find((m) => m.subject === 'RE: C')!.id;
    await clock.advance(20 * 60_000);
    const inbox = emulator.inbox(USER.oid);
    expect(inbox.map((m) => m.subject).sort()).toEqual(['RE: A', 'RE: B']);
    expect(inbox.find((m) => m.subject === 'RE: A')!.isRead).toBe(true);
    expect(inbox.find((m) => m.subject === 'RE: B')!.flag.flagStatus).toBe('flagged');
    const archived = emulator.folder(USER.oid, 'archive');
    expect(archived.map((m) => m.subject)).toEqual(['RE: C']);
    expect(archived[0]!.id).not.toBe(idOfC);
    expect(emulator.folder(USER.oid, 'deleteditems').map((m) => m.subject)).toEqual(['RE: D']);
  });
});

describe('out-of-office answers', () => {
  it.each<[string, string]>([
    ['eve+ooo@example.org', 'Automatic reply: '],
    ['eve+ooo+lang-de@example.org', 'Automatische Antwort: '],
    ['eve+ooo+lang-fr@example.org', 'Réponse automatique : '],
    ['eve+ooo+lang-it@example.org', 'Risposta automatica: '],
  ])(
    '%s answers "%s…" in our conversation with Auto-Submitted and X-Auto-Response-Suppress',
    async (address, prefix) => {
      const { inbox, ours } = await answered(address, 'Hello');
      expect(inbox[0]!.subject).toBe(`${prefix}Hello`);
      expect(inbox[0]!.conversationId).toBe(ours.conversationId);
      expect(header(inbox[0]!, 'Auto-Submitted')).toBe('auto-replied');
      expect(header(inbox[0]!, 'X-Auto-Response-Suppress')).toBe('All');
    },
  );

  it('"Abwesend:" is the other German form', async () => {
    const { send, clock, emulator } = await setup();
    emulator.setProspectBehaviour('x@example.de', {
      kind: 'out-of-office',
      delayMs: 1000,
      language: 'de',
      prefixVariant: 1,
    });
    await send('x@example.de', 'Hallo');
    await clock.advance(HOUR);
    expect(emulator.inbox(USER.oid)[0]!.subject).toBe('Abwesend: Hallo');
  });

  it('a vacation responder looks like a reply ("Re: …", our conversation); only Auto-Submitted tells', async () => {
    const { inbox, ours } = await answered('eve+ooo-vacation@example.org', 'Hello');
    expect(inbox[0]!.subject).toBe('Re: Hello');
    expect(inbox[0]!.conversationId).toBe(ours.conversationId);
    expect(header(inbox[0]!, 'Auto-Submitted')).toBe('auto-replied');
  });

  it('+ooo-then-reply: an automatic answer now, a real reply days later', async () => {
    const { inbox } = await answered('eve+ooo-then-reply@example.org', 'Hello');
    expect(inbox.map((m) => m.subject)).toEqual(['RE: Hello', 'Automatic reply: Hello']);
  });
});

describe('bounces', () => {
  it.each([
    ['+bounce-postfix', 'Undelivered Mail Returned to Sender', /^MAILER-DAEMON@mx\./, false],
    ['+bounce-gmail', 'Delivery Status Notification (Failure)', /^mailer-daemon@googlemail\.com$/, true],
    ['+bounce-exim', 'Mail delivery failed: returning message to sender', /^Mailer-Daemon@mail\./, false],
  ] as const)('%s: "%s" from a mailer daemon, multipart/report', async (tag, subject, from, threaded) => {
    const { inbox, ours, emulator } = await answered(`dee${tag}@example.org`, 'Hello');
    const ndr = inbox[0]!;
    expect(ndr.subject).toBe(subject);
    expect(ndr.from.emailAddress.address).toMatch(from);
    expect(header(ndr, 'Content-Type')).toMatch(/^multipart\/report; report-type=delivery-status/);
    expect(ndr.conversationId === ours.conversationId).toBe(threaded);
    if (tag !== '+bounce-postfix') expect(header(ndr, 'X-Failed-Recipients')).toBe(`dee${tag}@example.org`);
    expect(emulator.deliveries(USER.oid)).toHaveLength(0);
  });

  it('a server that puts the status code in the subject', async () => {
    const { inbox } = await answered('dee+bounce-code@example.org', 'Hello');
    expect(inbox[0]!.subject).toBe('Delivery failure: 550 5.1.1 dee+bounce-code@example.org');
  });

  it('Exchange NDRs are localized (Unzustellbar:, Non remis :) and carry the code only in the body', async () => {
    const de = await answered('dee+bounce+lang-de@example.org', 'Hallo');
    expect(de.inbox[0]!.subject).toBe('Unzustellbar: Hallo');
    expect(de.inbox[0]!.body.content).toContain('550 5.1.1');
    expect(de.inbox[0]!.internetMessageHeaders!.some((h) => h.value.includes('5.1.1'))).toBe(false);
    const fr = await answered('dee+bounce-full+lang-fr@example.org', 'Bonjour');
    expect(fr.inbox[0]!.subject).toBe('Non remis : Bonjour');
    expect(fr.inbox[0]!.body.content).toContain('552 5.2.2');
  });

  it.each([
    ['tenant-limit', '550 5.7.233'],
    ['spam-restricted', '550 5.1.8'],
    ['sender-quota', '550 5.2.2'],
  ] as const)(
    'a mailbox blocked for %s: sendMail 202, then our own Exchange bounces it (%s)',
    async (reason, code) => {
      const { send, clock, emulator } = await setup();
      emulator.blockSending(USER.oid, reason);
      expect((await send('ana+reply@example.org', 'Hello')).status).toBe(202);
      await clock.advance(HOUR);
      const inbox = emulator.inbox(USER.oid);
      expect(inbox.map((m) => m.subject)).toEqual(['Undeliverable: Hello']);
      expect(inbox[0]!.from.emailAddress).toEqual({
        name: 'Microsoft Outlook',
        address: 'postmaster@contoso.com',
      });
      expect(inbox[0]!.body.content).toContain(code);
      expect(emulator.deliveries(USER.oid)).toHaveLength(0);
      emulator.blockSending(USER.oid, null);
      await send('bo+silent@example.org', 'Again');
      expect(emulator.deliveries(USER.oid)).toHaveLength(1);
    },
  );
});
