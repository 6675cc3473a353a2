import { describe, expect, it } from 'vitest';
import { classify, isAnswer, type InboundMessage } from '../../../src/core/replies/classify';
import { matchInbound } from '../../../src/core/replies/match';
import { SendIndex, type CandorSend } from '../../../src/core/replies/sends';
import { subjectKey } from '../../../src/core/replies/subject';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

function send(over: Partial<CandorSend> & { prospectId: string; address: string }): CandorSend {
  return {
    campaignId: 'camp',
    recordId: over.prospectId,
    step: 1,
    sendId: `backend-${over.prospectId}`,
    attemptId: `attempt-${over.prospectId}`,
    subjectKey: subjectKey('Role at Acme'),
    sentAt: T0,
    conversationId: `conv-${over.prospectId}`,
    internetMessageId: `<MSG-${over.prospectId}@contoso.com>`,
    ...over,
  };
}

const ana = send({ prospectId: 'ana', address: 'ana@example.org' });
const ben = send({ prospectId: 'ben', address: 'ben@example.net', sentAt: T0 + 2 * MIN });
const cy = send({
  prospectId: 'cy',
  address: 'cy@example.com',
  subjectKey: subjectKey('Cy, a role for you'),
  sentAt: T0 + 4 * MIN,
  conversationId: null,
  internetMessageId: null,
});
const index = new SendIndex([ana, ben, cy]);

function inbound(over: Partial<InboundMessage>): InboundMessage {
  return {
    id: 'in1',
    conversationId: 'other-conv',
    subject: 'RE: Role at Acme',
    from: { address: 'stranger@example.com' },
    receivedDateTime: new Date(T0 + 60 * MIN).toISOString(),
    ...over,
  };
}

function matchOf(m: InboundMessage, within = index) {
  const c = classify(m);
  if (!isAnswer(c)) throw new Error('not an answer');
  const match = matchInbound(m, c, within);
  return (
    match && {
      prospect: match.send.prospectId,
      confidence: match.confidence,
      by: match.matchedBy,
      kind: c.kind,
    }
  );
}

describe('matching replies', () => {
  it.each<[string, Partial<InboundMessage>, ReturnType<typeof matchOf>]>([
    [
      'same conversation → high',
      { conversationId: 'conv-ana', from: { address: 'ana@example.org' } },
      { prospect: 'ana', confidence: 'high', by: 'conversation', kind: 'reply' },
    ],
    [
      'same conversation from another address (prospect answered from their phone) → high',
      { conversationId: 'conv-ana', from: { address: 'ana.lima@gmail.com' }, subject: 'Sure' },
      { prospect: 'ana', confidence: 'high', by: 'conversation', kind: 'reply' },
    ],
    [
      'In-Reply-To names our Message-ID → high',
      {
        from: { address: 'someone@else.org' },
        subject: 'new subject',
        headers: [{ name: 'In-Reply-To', value: '<msg-ben@contoso.com>' }],
      },
      { prospect: 'ben', confidence: 'high', by: 'headers', kind: 'reply' },
    ],
    [
      'References names our Message-ID among others → high',
      {
        from: { address: 'someone@else.org' },
        headers: [{ name: 'References', value: '<a@x> <MSG-ana@contoso.com>\r\n <b@y>' }],
      },
      { prospect: 'ana', confidence: 'high', by: 'headers', kind: 'reply' },
    ],
    [
      'prospect address + same subject after prefixes → medium',
      { from: { address: 'CY@Example.com' }, subject: 'AW: SV: Cy, a role for you' },
      { prospect: 'cy', confidence: 'medium', by: 'address-subject', kind: 'reply' },
    ],
    [
      'prospect address + new subject → low',
      { from: { address: 'cy@example.com' }, subject: 'Question about your company' },
      { prospect: 'cy', confidence: 'low', by: 'address-subject', kind: 'reply' },
    ],
    [
      'out-of-office in our conversation → high, labelled out-of-office',
      {
        conversationId: 'conv-ben',
        from: { address: 'ben@example.net' },
        subject: 'Automatic reply: Role at Acme',
      },
      { prospect: 'ben', confidence: 'high', by: 'conversation', kind: 'out-of-office' },
    ],
  ])('%s', (_, over, expected) => {
    expect(matchOf(inbound(over))).toEqual(expected);
  });

  it.each<[string, Partial<InboundMessage>]>([
    ['a stranger with our subject', { from: { address: 'stranger@example.com' } }],
    [
      'a different address with a new subject',
      { from: { address: 'ana.private@gmail.com' }, subject: 'Hello' },
    ],
    [
      'the prospect, but before our send (beyond the clock allowance)',
      { from: { address: 'cy@example.com' }, receivedDateTime: new Date(T0 - 60 * MIN).toISOString() },
    ],
    [
      'the prospect with a new subject long after the send',
      {
        from: { address: 'cy@example.com' },
        subject: 'Hi',
        receivedDateTime: new Date(T0 + 60 * 24 * 60 * MIN).toISOString(),
      },
    ],
  ])('cannot match %s', (_, over) => {
    expect(matchOf(inbound(over))).toBeNull();
  });

  it('accepts a reply stamped a few minutes before our send when the pane clock ran ahead', () => {
    const m = inbound({
      from: { address: 'cy@example.com' },
      subject: 'RE: Cy, a role for you',
      receivedDateTime: new Date(cy.sentAt - 5 * MIN).toISOString(),
    });
    expect(matchOf(m)?.prospect).toBe('cy');
  });
});

describe('matching bounces', () => {
  const ndr = (over: Partial<InboundMessage>) =>
    inbound({ from: { address: 'postmaster@contoso.com', name: 'Microsoft Outlook' }, ...over });

  it.each<[string, Partial<InboundMessage>, ReturnType<typeof matchOf>]>([
    [
      'threaded into our conversation → high',
      { conversationId: 'conv-ana', subject: 'Undeliverable: Role at Acme' },
      { prospect: 'ana', confidence: 'high', by: 'conversation', kind: 'bounce' },
    ],
    [
      'new conversation, X-Failed-Recipients names the prospect → high',
      {
        subject: 'Mail delivery failed',
        headers: [{ name: 'X-Failed-Recipients', value: 'ben@example.net' }],
      },
      { prospect: 'ben', confidence: 'high', by: 'headers', kind: 'bounce' },
    ],
    [
      'new conversation, In-Reply-To names our Message-ID → high',
      {
        subject: 'Undeliverable: Role at Acme',
        headers: [{ name: 'In-Reply-To', value: '<MSG-ana@contoso.com>' }],
      },
      { prospect: 'ana', confidence: 'high', by: 'headers', kind: 'bounce' },
    ],
    [
      'new conversation, the address is in the subject → medium',
      { subject: 'Undeliverable: ben@example.net' },
      { prospect: 'ben', confidence: 'medium', by: 'address-subject', kind: 'bounce' },
    ],
    [
      'new conversation, our subject and only one send had it → medium',
      { subject: 'Unzustellbar: Cy, a role for you' },
      { prospect: 'cy', confidence: 'medium', by: 'address-subject', kind: 'bounce' },
    ],
  ])('%s', (_, over, expected) => {
    expect(matchOf(ndr(over))).toEqual(expected);
  });

  it('does not guess when several prospects got the same subject', () => {
    expect(matchOf(ndr({ subject: 'Undeliverable: Role at Acme' }))).toBeNull();
  });

  it('nothing but timing, exactly one send minutes before → low', () => {
    const later = { ...cy, sentAt: T0 + 3 * 60 * MIN };
    const m = ndr({
      subject: 'Delivery Status Notification (Failure)',
      receivedDateTime: new Date(later.sentAt + 3 * MIN).toISOString(),
    });
    expect(matchOf(m, new SendIndex([ana, ben, later]))).toEqual({
      prospect: 'cy',
      confidence: 'low',
      by: 'address-subject',
      kind: 'bounce',
    });
  });

  it('does not guess from timing when several sends went out just before', () => {
    expect(
      matchOf(
        ndr({
          subject: 'Delivery Status Notification (Failure)',
          receivedDateTime: new Date(T0 + 5 * MIN).toISOString(),
        }),
      ),
    ).toBeNull();
  });
});
