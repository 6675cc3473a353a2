import { describe, expect, it } from 'vitest';
import { classify, type InboundMessage } from '../../../src/core/replies/classify';
import { senderBlock, statusCodeIn } from '../../../src/core/replies/bounce-codes';

const base: InboundMessage = {
  id: 'm1',
  conversationId: 'c1',
  subject: 'RE: Role at Acme',
  from: { address: 'ana@example.org', name: 'Ana Lima' },
  receivedDateTime: '2026-01-05T10:00:00Z',
};

const msg = (over: Partial<InboundMessage>): InboundMessage => ({ ...base, ...over });

describe('classify: bounces', () => {
  it.each([
    'Undeliverable: Role at Acme',
    'Unzustellbar: Role at Acme',
    'Non remis : Role at Acme',
    'Non recapitabile: Role at Acme',
    'Onbestelbaar: Role at Acme',
    'No se puede entregar: Role at Acme',
    'Olevererbart: Role at Acme',
    '无法投递: Role at Acme',
  ])('subject %j from a person-looking sender is a bounce of "Role at Acme"', (subject) => {
    const c = classify(msg({ subject, from: { address: 'someone@example.org' } }));
    expect(c.kind).toBe('bounce');
    if (c.kind === 'bounce') expect(c.answeredSubjectKey).toBe('role at acme');
  });

  it.each([
    ['Delivery Status Notification (Failure)', { address: 'mailer-daemon@googlemail.com' }],
    ['Mail delivery failed: returning message to sender', { address: 'Mailer-Daemon@mx.example.net' }],
    ['Undelivered Mail Returned to Sender', { address: 'MAILER-DAEMON@mail.example.org' }],
    ['Some notice', { address: 'postmaster@contoso.com' }],
    ['Some notice', { address: 'x@contoso.com', name: 'Microsoft Outlook' }],
  ])('%j from %j is a bounce', (subject, from) => {
    expect(classify(msg({ subject, from })).kind).toBe('bounce');
  });

  it.each([
    [{ name: 'X-MS-Exchange-Message-Is-Ndr', value: '' }],
    [{ name: 'Content-Type', value: 'multipart/report; report-type=delivery-status; boundary="x"' }],
    [{ name: 'X-Failed-Recipients', value: 'ana@example.org' }],
  ])('header %j makes a bounce even with a plain subject', (header) => {
    expect(classify(msg({ subject: 'Role at Acme', headers: [header] })).kind).toBe('bounce');
  });

  it('reads the status code from the subject or headers, never needs a body', () => {
    const c = classify(
      msg({
        subject: 'Undeliverable: Role at Acme',
        headers: [{ name: 'Diagnostic-Code', value: 'smtp; 550 5.1.1 RESOLVER.ADR.RecipNotFound' }],
      }),
    );
    expect(c.kind === 'bounce' && c.statusCode).toBe('5.1.1');
    expect(c.kind === 'bounce' && c.senderBlock).toBeNull();
  });

  it('names failed recipients from headers', () => {
    const c = classify(
      msg({
        subject: 'Mail delivery failed',
        from: { address: 'mailer-daemon@x.net' },
        headers: [{ name: 'X-Failed-Recipients', value: 'Ana@Example.org' }],
      }),
    );
    expect(c.kind === 'bounce' && c.failedRecipients).toEqual(['ana@example.org']);
  });
});

describe('bounce codes that stop the campaign', () => {
  it.each([
    ['550 5.7.233 Tenant has exceeded its external recipient rate limit', true],
    ['550 5.1.8 Access denied, bad outbound sender', true],
    ['554 5.2.2 mailbox full; STOREDRV.Submission.Exception:SubmissionQuotaExceededException', true],
    ['552 5.2.2 mailbox full', false],
    ['550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP', true],
    ['550 5.1.1 User unknown', false],
    ['550 5.7.1 Delivery not authorized', false],
  ])('%j → stop %s', (text, stops) => {
    const code = statusCodeIn(text);
    expect(code).not.toBeNull();
    expect(senderBlock(code, text) !== null).toBe(stops);
  });

  it('explains the stop in plain words', () => {
    const block = senderBlock('5.7.233', '');
    expect(block?.message).toMatch(/daily limit/);
    expect(block?.code).toBe('bounce-5.7.233');
  });

  it('a sender-side code in an NDR subject gives the stop signal', () => {
    const c = classify(
      msg({ subject: 'Undeliverable: Role at Acme', from: { address: 'postmaster@contoso.com' } }),
    );
    expect(c.kind === 'bounce' && c.senderBlock).toBeNull();
    const blocked = classify(
      msg({
        subject: 'Undeliverable: Role at Acme',
        headers: [
          { name: 'X-MS-Exchange-Message-Is-Ndr', value: '' },
          { name: 'Diagnostic-Code', value: '550 5.1.8 Access denied' },
        ],
      }),
    );
    expect(blocked.kind === 'bounce' && blocked.senderBlock?.code).toBe('bounce-5.1.8');
  });
});

describe('classify: out of office', () => {
  it.each([
    'Automatic reply: Role at Acme',
    'Automatische Antwort: Role at Acme',
    'Réponse automatique : Role at Acme',
    'Risposta automatica: Role at Acme',
    'Abwesend: Role at Acme',
    'Respuesta automática: Role at Acme',
    '自动回复: Role at Acme',
    'Automatic reply: RE: Role at Acme',
  ])('%j is out-of-office answering "Role at Acme"', (subject) => {
    const c = classify(msg({ subject }));
    expect(c.kind).toBe('out-of-office');
    if (c.kind === 'out-of-office') expect(c.answeredSubjectKey).toBe('role at acme');
  });

  it.each([
    [{ name: 'Auto-Submitted', value: 'auto-replied' }],
    [{ name: 'Auto-Submitted', value: 'auto-generated' }],
    [{ name: 'X-Autoreply', value: 'yes' }],
    [{ name: 'Precedence', value: 'auto_reply' }],
  ])('header %j makes an out-of-office even with a reply subject', (header) => {
    expect(classify(msg({ headers: [header] })).kind).toBe('out-of-office');
  });

  it('Auto-Submitted: no is an ordinary reply', () => {
    expect(classify(msg({ headers: [{ name: 'Auto-Submitted', value: 'no' }] })).kind).toBe('reply');
  });

  it('X-Auto-Response-Suppress alone is an ordinary reply (clients put it on ordinary mail)', () => {
    expect(classify(msg({ headers: [{ name: 'X-Auto-Response-Suppress', value: 'All' }] })).kind).toBe(
      'reply',
    );
  });

  it('an NDR with Auto-Submitted is a bounce, not out-of-office', () => {
    const c = classify(
      msg({
        subject: 'Undeliverable: Role at Acme',
        headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }],
      }),
    );
    expect(c.kind).toBe('bounce');
  });
});

describe('classify: neither', () => {
  it.each(['Delivery delayed: Role at Acme', 'Delivery Status Notification (Delay)'])(
    '%j is a delay notice',
    (subject) => {
      expect(classify(msg({ subject, from: { address: 'postmaster@contoso.com' } })).kind).toBe('delay');
    },
  );

  it.each(['Read: Role at Acme', 'Gelesen: Role at Acme', 'Lu : Role at Acme'])(
    '%j is a receipt',
    (subject) => {
      expect(classify(msg({ subject })).kind).toBe('receipt');
    },
  );

  it.each(['RE: Role at Acme', 'Ready to talk', 'Lunch: Tuesday?'])('%j is a reply', (subject) => {
    expect(classify(msg({ subject })).kind).toBe('reply');
  });
});
