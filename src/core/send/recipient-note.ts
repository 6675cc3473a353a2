import type { MailHeaderRecord } from '../mail';
import type { ProspectResponse, RecipientRecord } from './recipient';

/**
 * What reply tracking learns about a recipient after the send: its copy in Sent Items (found late,
 * or never), and what the prospect did. Applied to the campaign state by the engine when the
 * campaign is open, or straight to the saved snapshot otherwise — the same function either way.
 */
export interface RecipientNote {
  copy?: Pick<MailHeaderRecord, 'id' | 'conversationId' | 'internetMessageId' | 'sentDateTime'>;
  copySearchEndedAt?: number;
  response?: ProspectResponse;
}

/** A reply outranks an out-of-office (the person is back) and a bounce outranks nothing it follows. */
const RANK: Record<ProspectResponse['kind'], number> = { 'out-of-office': 0, bounced: 1, replied: 2 };

/** Does `a` say more about the prospect than `b` (absent: nothing known)? */
export function outranks(a: ProspectResponse, b: ProspectResponse | undefined): boolean {
  return !b || RANK[a.kind] > RANK[b.kind];
}

/** Applies a note in place; returns whether anything changed. */
export function applyRecipientNote(r: RecipientRecord, note: RecipientNote, now: number): boolean {
  let changed = false;
  const { copy } = note;
  if (copy && r.state === 'uncertain') {
    // Found in Sent Items: it did go out — the same conclusion the engine's own reconciliation draws.
    r.state = 'sent';
    r.sentAt = copy.sentDateTime ? Date.parse(copy.sentDateTime) : now;
    r.confirmedBy = 'sent-items';
    r.uncertain = null;
    r.failure = null;
    changed = true;
  }
  if (copy && r.state === 'sent' && r.conversationId === undefined) {
    r.sentItemId ??= copy.id;
    if (copy.conversationId) r.conversationId = copy.conversationId;
    if (copy.internetMessageId) r.internetMessageId = copy.internetMessageId;
    delete r.copySearchEndedAt;
    changed = true;
  }
  if (
    note.copySearchEndedAt !== undefined &&
    r.conversationId === undefined &&
    r.copySearchEndedAt === undefined
  ) {
    r.copySearchEndedAt = note.copySearchEndedAt;
    changed = true;
  }
  const incoming = note.response;
  if (incoming && outranks(incoming, r.response)) {
    r.response = { ...incoming };
    changed = true;
  }
  return changed;
}
