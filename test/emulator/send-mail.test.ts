import { describe, expect, it } from 'vitest';
import { errorCode, setup, USER } from './harness';

describe('POST /me/sendMail', () => {
  it('answers 202 with an empty body and files the copy in Sent Items only after transport and a late filing', async () => {
    const { call, send, clock, emulator } = await setup({ transportDelayMs: 2000 });
    const res = await send('ana@example.org', 'Role at Contoso');
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect(emulator.sentItems(USER.oid)).toHaveLength(0);
    const before = await call('GET', '/me/mailFolders/sentitems/messages');
    expect(before.json.value).toHaveLength(0);
    await clock.advance(2000);
    // Copy timing is undocumented: by default the copy comes 90 s after transport.
    expect(emulator.sentItems(USER.oid)).toHaveLength(0);
    await clock.advance(90_000);
    const sent = emulator.sentItems(USER.oid);
    expect(sent).toHaveLength(1);
    const copy = sent[0]!;
    expect(copy.subject).toBe('Role at Contoso');
    expect(copy.toRecipients[0]!.emailAddress.address).toBe('ana@example.org');
    expect(copy.from.emailAddress.address).toBe(USER.mail);
    expect(copy.sender).toEqual(copy.from);
    expect(copy.body).toEqual({ contentType: 'html', content: '<p>Hello there</p>' });
    expect(copy.conversationId).toMatch(/^AAQk/);
    expect(copy.internetMessageId).toMatch(/^<.+@.+>$/);
    expect(copy.sentDateTime).toBe('2026-01-05T09:00:00Z');
    expect(copy.internetMessageHeaders).toBeUndefined();
  });

  it('keeps no copy when saveToSentItems is false (Boolean or the documented string form)', async () => {
    const { call, clock, emulator } = await setup();
    for (const saveToSentItems of [false, 'false']) {
      const res = await call('POST', '/me/sendMail', {
        body: {
          message: { subject: 's', toRecipients: [{ emailAddress: { address: 'a+silent@example.org' } }] },
          saveToSentItems,
        },
      });
      expect(res.status).toBe(202);
    }
    await clock.advance(60_000);
    expect(emulator.sentItems(USER.oid)).toHaveLength(0);
    expect(emulator.deliveries(USER.oid)).toHaveLength(2);
  });

  it('passes custom x- headers to the recipient copy but not to the Sent Items copy', async () => {
    const { send, clock, emulator } = await setup();
    const headers = [{ name: 'x-candor-send', value: 'abc' }];
    expect((await send('b+silent@example.org', 'S', { internetMessageHeaders: headers })).status).toBe(202);
    await clock.advance(95_000);
    expect(emulator.deliveries(USER.oid)[0]!.headers).toContainEqual({ name: 'x-candor-send', value: 'abc' });
    expect(emulator.sentItems(USER.oid)[0]!.internetMessageHeaders).toBeUndefined();
  });

  it('rejects a header name without x- and more than five headers, as Graph does', async () => {
    const { send, emulator } = await setup();
    const bad = await send('c@example.org', 'S', {
      internetMessageHeaders: [{ name: 'List-Unsubscribe', value: '<mailto:u@x>' }],
    });
    expect(bad.status).toBe(400);
    expect(errorCode(bad.json)).toBe('InvalidInternetMessageHeader');
    expect((bad.json.error as { message: string }).message).toContain("should start with 'x-' or 'X-'");
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `x-h${i}`, value: 'v' }));
    const many = await send('c@example.org', 'S', { internetMessageHeaders: six });
    expect(many.status).toBe(400);
    expect(errorCode(many.json)).toBe('InvalidInternetMessageHeaderCollection');
    const five = await send('c@example.org', 'S', { internetMessageHeaders: six.slice(0, 5) });
    expect(five.status).toBe(202);
    expect(emulator.stats.accepted).toBe(1);
  });

  it('validates the body: no message, no recipients, a malformed address', async () => {
    const { call, send } = await setup();
    const noMessage = await call('POST', '/me/sendMail', { body: { subject: 'flag at top level' } });
    expect(noMessage.status).toBe(400);
    const noRecipients = await call('POST', '/me/sendMail', { body: { message: { subject: 'x' } } });
    expect(noRecipients.status).toBe(400);
    expect(errorCode(noRecipients.json)).toBe('ErrorInvalidRecipients');
    const malformed = await send('not-an-address');
    expect(errorCode(malformed.json)).toBe('ErrorInvalidRecipients');
    const notJson = await call('POST', '/me/sendMail', { body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('accepts the MIME form and rejects malformed base64 with ErrorMimeContentInvalidBase64String', async () => {
    const { call, clock, emulator } = await setup();
    const mime = Buffer.from(
      'From: Adele <AdeleV@contoso.com>\r\nTo: Alex <alex+silent@example.org>\r\nSubject: Test Message\r\n\r\nbody',
    ).toString('base64');
    const ok = await call('POST', '/me/sendMail', { body: mime, headers: { 'Content-Type': 'text/plain' } });
    expect(ok.status).toBe(202);
    await clock.advance(95_000);
    expect(emulator.sentItems(USER.oid)[0]!.subject).toBe('Test Message');
    const bad = await call('POST', '/me/sendMail', {
      body: 'not base64!!',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(bad.status).toBe(400);
    expect(errorCode(bad.json)).toBe('ErrorMimeContentInvalidBase64String');
  });

  it('needs Mail.Send', async () => {
    const { send, tokenWith, emulator } = await setup();
    const res = await send('d@example.org', 'S', {}, await tokenWith(['User.Read', 'Mail.ReadBasic']));
    expect(res.status).toBe(403);
    expect(errorCode(res.json)).toBe('ErrorAccessDenied');
    expect(emulator.deliveries(USER.oid)).toHaveLength(0);
  });
});
