/**
 * Connecting an inbound message to the Candor send it answers, with a confidence the recruiter
 * sees. Rules, strongest first (docs/replies.md):
 *
 *   conversation     same conversationId as our Sent Items copy                      high
 *   headers          In-Reply-To/References name our Message-ID; for a bounce,
 *                    X-Failed-Recipients (or Original-/Final-Recipient) names the
 *                    prospect                                                         high
 *   address-subject  reply/out-of-office: from the prospect, after our send, same
 *                    subject once prefixes are stripped                               medium
 *                    …from the prospect, after our send, different subject, within
 *                    30 days                                                          low
 *                    bounce: the prospect's address in the subject                    medium
 *                    bounce: our subject in its subject, one send fits the window     medium
 *                    bounce: no subject or address, exactly one send just before it   low
 *
 * Anything else returns null: it is not ours, and reply sync drops it without storing anything.
 *
 * Sequences: a prospect's follow-ups share step 1's subject ("RE: …") and, when threaded, its
 * conversation. A reply or out-of-office is credited to the latest step sent to that prospect
 * before it arrived; a bounce to the message it reports (its headers, else the latest step).
 */
import type { MatchConfidence, MatchRule } from '../results/types';
import type { Answer, InboundMessage } from './classify';
import { addressesIn, referencedMessageIds } from './headers';
import type { CandorSend, SendIndex } from './sends';

export interface MatchOptions {
  /** How far the pane's clock (which stamped sentAt) may run ahead of Exchange's. */
  clockSkewMs: number;
  /** A same-address message with a new subject counts (low) only this long after our send. */
  newSubjectWindowMs: number;
  /** A bounce arrives within this long of the send it reports (Exchange retries for up to 2 days). */
  bounceWindowMs: number;
  /** A bounce with nothing but its timing is ours only if exactly one send went out this long before it. */
  bounceTimingWindowMs: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = {
  clockSkewMs: 15 * 60_000,
  newSubjectWindowMs: 30 * 24 * 3_600_000,
  bounceWindowMs: 2 * 24 * 3_600_000,
  bounceTimingWindowMs: 10 * 60_000,
};

export interface Match {
  send: CandorSend;
  confidence: MatchConfidence;
  matchedBy: MatchRule;
}

export function matchInbound(
  m: InboundMessage,
  c: Answer,
  index: SendIndex,
  options: MatchOptions = DEFAULT_MATCH_OPTIONS,
): Match | null {
  const received = m.receivedDateTime ? Date.parse(m.receivedDateTime) : NaN;
  if (!Number.isFinite(received)) return null;
  const found = findSend(m, c, index, received, options);
  if (!found || c.kind === 'bounce') return found;
  return { ...found, send: latestStepBefore(found.send, index, received, options.clockSkewMs) };
}

function findSend(
  m: InboundMessage,
  c: Answer,
  index: SendIndex,
  received: number,
  options: MatchOptions,
): Match | null {
  const after = (s: CandorSend) => received >= s.sentAt - options.clockSkewMs;
  let referenced: CandorSend | undefined;
  for (const id of referencedMessageIds(m.headers)) {
    const send = index.byMessageId(id);
    if (send && after(send)) {
      referenced = send;
      break;
    }
  }
  const inConversation = index.byConversation(m.conversationId).find(after);
  if (inConversation) {
    // A bounce reports one message: when its headers name which step of this thread, that one.
    const exact =
      c.kind === 'bounce' && referenced && sameProspect(referenced, inConversation) ? referenced : null;
    return { send: exact ?? inConversation, confidence: 'high', matchedBy: 'conversation' };
  }
  if (referenced) return { send: referenced, confidence: 'high', matchedBy: 'headers' };
  return c.kind === 'bounce'
    ? matchBounce(m, c, index, received, options)
    : matchAnswer(m, c, index, received, options);
}

const sameProspect = (a: CandorSend, b: CandorSend) =>
  a.campaignId === b.campaignId && a.prospectId === b.prospectId;

/**
 * With follow-ups several sends go to one prospect, threaded ones in one conversation. A reply or
 * an out-of-office is credited to the latest step sent to that prospect before it was received —
 * the message that prompted it, whichever earlier one the client quoted. sentAt is the pane's
 * clock: a step stamped after the answer (within the clock allowance) is chosen only when no step
 * was sent strictly before it.
 */
function latestStepBefore(
  send: CandorSend,
  index: SendIndex,
  received: number,
  clockSkewMs: number,
): CandorSend {
  const steps = index.ofProspect(send); // newest first
  if (steps.length < 2) return send;
  return (
    steps.find((s) => s.sentAt <= received) ?? steps.find((s) => received >= s.sentAt - clockSkewMs) ?? send
  );
}

/** Sends (newest first) that go to one prospect only, or null when they name several. */
function oneProspect(sends: readonly CandorSend[]): CandorSend | null {
  const first = sends[0];
  return first && sends.every((s) => sameProspect(s, first)) ? first : null;
}

function matchAnswer(
  m: InboundMessage,
  c: Answer,
  index: SendIndex,
  received: number,
  options: MatchOptions,
): Match | null {
  if (!m.from) return null;
  const sends = index.byAddress(m.from.address).filter((s) => received >= s.sentAt - options.clockSkewMs);
  const sameSubject = sends.find((s) => s.subjectKey === c.answeredSubjectKey);
  if (sameSubject) return { send: sameSubject, confidence: 'medium', matchedBy: 'address-subject' };
  const latest = sends[0];
  if (latest && received - latest.sentAt <= options.newSubjectWindowMs)
    return { send: latest, confidence: 'low', matchedBy: 'address-subject' };
  return null;
}

function matchBounce(
  m: InboundMessage,
  c: Answer,
  index: SendIndex,
  received: number,
  options: MatchOptions,
): Match | null {
  const inWindow = (s: CandorSend, windowMs: number) =>
    received >= s.sentAt - options.clockSkewMs && received - s.sentAt <= windowMs;
  const latestTo = (address: string) =>
    index.byAddress(address).find((s) => inWindow(s, options.bounceWindowMs));

  for (const address of c.failedRecipients) {
    const send = latestTo(address);
    if (send) return { send, confidence: 'high', matchedBy: 'headers' };
  }
  for (const address of addressesIn(m.subject)) {
    const send = latestTo(address);
    if (send) return { send, confidence: 'medium', matchedBy: 'address-subject' };
  }
  if (c.answeredSubjectKey) {
    const sameSubject = index.all.filter(
      (s) => s.subjectKey === c.answeredSubjectKey && inWindow(s, options.bounceWindowMs),
    );
    // A subject many prospects shared says nothing about which of them bounced. One prospect's
    // steps share it too ("RE: …"): then the latest of them.
    const only = oneProspect(sameSubject);
    if (only) return { send: only, confidence: 'medium', matchedBy: 'address-subject' };
    if (sameSubject.length > 1) return null;
  }
  const justBefore = oneProspect(index.all.filter((s) => inWindow(s, options.bounceTimingWindowMs)));
  if (justBefore) return { send: justBefore, confidence: 'low', matchedBy: 'address-subject' };
  return null;
}
