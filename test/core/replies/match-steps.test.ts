import { describe, expect, it } from 'vitest';
import { classify, isAnswer, type InboundMessage } from '../../../src/core/replies/classify';
import { matchInbound } from '../../../src/core/replies/match';
import { SendIndex, type CandorSend } from '../../../src/core/replies/sends';
import { subjectKey } from '../../../src/core/replies/subject';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const iso = (t: number) => new Date(t).toISOString();

/** Ana's three steps: step 1, then two follow-ups threaded into step 1's conversation ("RE: …"). */
function step(n: number, over: Partial<CandorSend> = {}): CandorSend {
  const recordId = n === 1 ? 'ana' : `ana#${n}`;
  return {
    campaignId: 'camp',
    prospectId: 'ana',
    recordId,
    step: n,
    sendId: `backend-${recordId}`,
    attemptId: `attempt-${recordId}`,
    address: 'ana@example.org',
    subjectKey: subjectKey(n === 1 ? 'Role at Acme' : 'RE: Role at Acme'),
    sentAt: T0 + (n - 1) * 2 * DAY,
    conversationId: 'conv-ana',
    internetMessageId: `<ANA-${n}@contoso.com>`,
    ...over,
  };
}

const ben: CandorSend = {
  campaignId: 'camp',
  prospectId: 'ben',
  recordId: 'ben',
  step: 1,
  sendId: 'backend-ben',
  attemptId: 'attempt-ben',
  address: 'ben@example.net',
  subjectKey: subjectKey('Role at Acme'),
  sentAt: T0 + MIN,
  conversationId: 'conv-ben',
  internetMessageId: '<BEN-1@contoso.com>',
};

function matchOf(m: Partial<InboundMessage>, sends: CandorSend[]) {
  const message: InboundMessage = {
    id: 'in1',
    conversationId: 'other-conv',
    subject: 'RE: Role at Acme',
    from: { address: 'ana@example.org' },
    receivedDateTime: iso(T0 + MIN),
    ...m,
  };
  const c = classify(message);
  if (!isAnswer(c)) throw new Error('not an answer');
  const match = matchInbound(message, c, new SendIndex(sends));
  return match && { record: match.send.recordId, step: match.send.step, by: match.matchedBy, kind: c.kind };
}

describe('matching answers to a sequence', () => {
  const all = [step(1), step(2), step(3), ben];

  it('credits a reply between step 2 and step 3 to step 2, in the shared conversation', () => {
    expect(matchOf({ conversationId: 'conv-ana', receivedDateTime: iso(T0 + 3 * DAY) }, all)).toEqual({
      record: 'ana#2',
      step: 2,
      by: 'conversation',
      kind: 'reply',
    });
  });

  it('credits a reply after step 1 only to step 1, though later steps share the conversation', () => {
    expect(matchOf({ conversationId: 'conv-ana', receivedDateTime: iso(T0 + DAY) }, all)?.step).toBe(1);
  });

  it('credits the latest step even when the reply quotes step 1 (In-Reply-To names it)', () => {
    const m = {
      conversationId: 'new-conv-from-another-client',
      receivedDateTime: iso(T0 + 5 * DAY),
      headers: [{ name: 'In-Reply-To', value: '<ANA-1@contoso.com>' }],
    };
    expect(matchOf(m, all)).toMatchObject({ record: 'ana#3', step: 3, by: 'headers' });
  });

  it('does not credit a step sent just after the reply, even within the clock allowance', () => {
    const m = { conversationId: 'conv-ana', receivedDateTime: iso(step(3).sentAt - 5 * MIN) };
    expect(matchOf(m, all)?.step).toBe(2);
  });

  it('matches "RE:" follow-ups by address and subject when no copy was found', () => {
    const noCopies = [1, 2, 3].map((n) => step(n, { conversationId: null, internetMessageId: null }));
    const m = { subject: 'AW: RE: Role at Acme', receivedDateTime: iso(T0 + 3 * DAY) };
    expect(matchOf(m, [...noCopies, ben])).toEqual({
      record: 'ana#2',
      step: 2,
      by: 'address-subject',
      kind: 'reply',
    });
  });

  it('matches a follow-up sent as a new message (its own conversation), and a later reply in step 1’s thread to it', () => {
    const fallback = step(2, { conversationId: 'conv-ana-2' });
    const sends = [step(1), fallback, ben];
    expect(matchOf({ conversationId: 'conv-ana-2', receivedDateTime: iso(T0 + 3 * DAY) }, sends)).toEqual({
      record: 'ana#2',
      step: 2,
      by: 'conversation',
      kind: 'reply',
    });
    expect(matchOf({ conversationId: 'conv-ana', receivedDateTime: iso(T0 + 3 * DAY) }, sends)?.step).toBe(2);
  });

  it('credits an out-of-office to the step that prompted it', () => {
    const m = {
      conversationId: 'conv-ana',
      subject: 'Automatic reply: RE: Role at Acme',
      receivedDateTime: iso(T0 + 2 * DAY + 2 * MIN),
    };
    expect(matchOf(m, all)).toEqual({ record: 'ana#2', step: 2, by: 'conversation', kind: 'out-of-office' });
  });

  it('credits a bounce of step 1 to step 1', () => {
    const m = {
      from: { address: 'postmaster@example.org', name: 'Mail Delivery System' },
      subject: 'Undeliverable: Role at Acme',
      conversationId: 'ndr-conv',
      receivedDateTime: iso(T0 + 2 * MIN),
      headers: [{ name: 'X-Failed-Recipients', value: 'ana@example.org' }],
    };
    expect(matchOf(m, [step(1), ben])).toEqual({ record: 'ana', step: 1, by: 'headers', kind: 'bounce' });
  });

  it('credits a bounce in the thread to the step its headers name', () => {
    const m = {
      from: { address: 'postmaster@contoso.com', name: 'Microsoft Outlook' },
      subject: 'Undeliverable: RE: Role at Acme',
      conversationId: 'conv-ana',
      receivedDateTime: iso(T0 + 4 * DAY + 5 * MIN),
      headers: [{ name: 'In-Reply-To', value: '<ANA-2@contoso.com>' }],
    };
    expect(matchOf(m, all)).toMatchObject({ record: 'ana#2', step: 2, kind: 'bounce' });
  });

  it('takes one prospect’s steps sharing a subject as one candidate for a subject-only bounce', () => {
    const close = [step(1), step(2, { sentAt: T0 + DAY, conversationId: null })].map((s) => ({
      ...s,
      conversationId: null,
      internetMessageId: null,
    }));
    const m = {
      from: { address: 'postmaster@contoso.com', name: 'Microsoft Outlook' },
      subject: 'Undeliverable: RE: Role at Acme',
      receivedDateTime: iso(T0 + DAY + 3 * MIN),
    };
    expect(matchOf(m, close)).toMatchObject({ record: 'ana#2', step: 2, kind: 'bounce' });
    // …but still refuses to guess between two prospects.
    expect(matchOf(m, [...close, { ...ben, sentAt: T0 + DAY, conversationId: null }])).toBeNull();
  });
});
