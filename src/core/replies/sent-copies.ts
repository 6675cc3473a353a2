/**
 * Finding our own copy of each send in Sent Items, for its conversationId and Message-ID — what
 * reply matching joins on. sendMail answers 202 without an id and the copy lands later (seconds,
 * sometimes minutes), stamped by Exchange's clock, which may differ from the pane's by minutes. So
 * the search starts 15 minutes before the attempt and is repeated on every reply sync round for
 * 30 minutes after the send; the copy is recognised by the send engine's own rule (reconcile.ts:
 * x-candor-send-id when headers are there, else recipient + exact subject + time).
 *
 * Follow-ups: a prospect's steps 2… all carry step 1's subject with "RE: " and, sent as replies, its
 * conversation. Two of them looked for in one round (a fast clock, a long outage) must each get their
 * own copy: the newest attempt takes the newest copy that fits. A threaded reply's subject is written
 * by Exchange, so when the exact subject is not there, a copy to the prospect in the previous step's
 * conversation with the same subject once prefixes are stripped is accepted.
 */
import type { MailHeaderRecord } from '../mail';
import { normalizeEmail } from '../prospects/email';
import { findCopies, SEND_ID_HEADER, type RecipientRecord } from '../send';
import type { RecipientNote } from '../send/recipient-note';
import type { TrackedCampaign } from './ports';
import { subjectKey } from './subject';

export interface CopySearchOptions {
  /** Exchange's sentDateTime may be this much earlier than the pane's attempt start. */
  clockSkewMs: number;
  /** Keep looking this long after the attempt; then reply matching falls back to address and subject. */
  searchForMs: number;
  /** Sends older than this are not searched at all (state saved before copies were recorded). */
  maxAgeMs: number;
}

export const DEFAULT_COPY_SEARCH: CopySearchOptions = {
  clockSkewMs: 15 * 60_000,
  searchForMs: 30 * 60_000,
  maxAgeMs: 30 * 24 * 3_600_000,
};

export interface PendingCopy {
  campaignId: string;
  recipient: RecipientRecord;
  /** For a follow-up sent as a reply: the conversation of the step it replied to, once known. */
  threadConversationId?: string;
}

function awaitingCopy(r: RecipientRecord): boolean {
  return (
    r.attempt !== null &&
    (r.state === 'sent' || r.state === 'uncertain') &&
    r.conversationId === undefined &&
    r.copySearchEndedAt === undefined
  );
}

/** The recipients still without a copy, and where the Sent Items search must start (null: none). */
export function planCopySearch(
  campaigns: readonly TrackedCampaign[],
  now: number,
  options: CopySearchOptions = DEFAULT_COPY_SEARCH,
): { since: string | null; pending: PendingCopy[]; expired: PendingCopy[] } {
  const pending: PendingCopy[] = [];
  const expired: PendingCopy[] = [];
  for (const c of campaigns) {
    const byId = new Map(c.recipients.map((r) => [r.id, r]));
    for (const recipient of c.recipients) {
      if (!awaitingCopy(recipient)) continue;
      const started = recipient.attempt?.startedAt ?? 0;
      const item: PendingCopy = { campaignId: c.campaignId, recipient };
      const previous = recipient.threadOf ? byId.get(recipient.threadOf) : undefined;
      if (previous?.conversationId && recipient.threading?.how !== 'new-message')
        item.threadConversationId = previous.conversationId;
      (now - started > options.maxAgeMs ? expired : pending).push(item);
    }
  }
  const oldest = Math.min(...pending.map((p) => p.recipient.attempt?.startedAt ?? now));
  return {
    since: pending.length ? new Date(oldest - options.clockSkewMs).toISOString() : null,
    pending,
    expired,
  };
}

/** Notes per campaign: the copy where found; "search ended" where the search time is over. */
export function copyNotes(
  items: readonly MailHeaderRecord[],
  pending: readonly PendingCopy[],
  expired: readonly PendingCopy[],
  now: number,
  options: CopySearchOptions = DEFAULT_COPY_SEARCH,
): Map<string, Map<string, RecipientNote>> {
  const notes = new Map<string, Map<string, RecipientNote>>();
  const note = (campaignId: string, recipientId: string, n: RecipientNote) => {
    let forCampaign = notes.get(campaignId);
    if (!forCampaign) notes.set(campaignId, (forCampaign = new Map()));
    forCampaign.set(recipientId, n);
  };
  // Recipient ids are unique per campaign only: match each campaign's recipients on their own,
  // with the copies another campaign already took left out.
  const taken = new Set<string>();
  const byCampaign = new Map<string, PendingCopy[]>();
  for (const p of pending) byCampaign.set(p.campaignId, [...(byCampaign.get(p.campaignId) ?? []), p]);
  for (const [campaignId, forCampaign] of byCampaign) {
    const copies = copiesOf(
      items.filter((i) => !taken.has(i.id)),
      forCampaign,
      options.clockSkewMs,
    );
    for (const { recipient: r } of forCampaign) {
      const copy = copies.get(r.id);
      if (copy) {
        taken.add(copy.id);
        note(campaignId, r.id, { copy });
      } else if (now - (r.attempt?.startedAt ?? now) >= options.searchForMs) {
        note(campaignId, r.id, { copySearchEndedAt: now });
      }
    }
  }
  for (const p of expired) note(p.campaignId, p.recipient.id, { copySearchEndedAt: now });
  return notes;
}

const sentTime = (i: MailHeaderRecord) => (i.sentDateTime ? Date.parse(i.sentDateTime) : NaN);
const startedAt = (r: RecipientRecord) => r.attempt?.startedAt ?? 0;

/** One campaign's copies: the engine's rule, newest attempt first; then threaded follow-ups' copies. */
function copiesOf(
  items: readonly MailHeaderRecord[],
  pending: readonly PendingCopy[],
  clockSkewMs: number,
): Map<string, MailHeaderRecord> {
  const newestItems = [...items].sort((a, b) => (sentTime(b) || 0) - (sentTime(a) || 0));
  const newest = [...pending].sort((a, b) => startedAt(b.recipient) - startedAt(a.recipient));
  const found = findCopies(
    newestItems,
    newest.map((p) => p.recipient),
    clockSkewMs,
  );
  const used = new Set([...found.values()].map((c) => c.id));
  for (const { recipient: r, threadConversationId } of newest) {
    if (found.has(r.id) || !threadConversationId || !r.attempt) continue;
    const key = subjectKey(r.attempt.subject);
    const address = normalizeEmail(r.address);
    const copy = newestItems.find(
      (i) =>
        !used.has(i.id) &&
        i.conversationId === threadConversationId &&
        // A copy carrying our header belongs to the attempt it names (the engine's rule decided).
        !i.internetMessageHeaders?.some((h) => h.name.toLowerCase() === SEND_ID_HEADER) &&
        i.toRecipients.some((t) => normalizeEmail(t.address) === address) &&
        subjectKey(i.subject) === key &&
        sentTime(i) >= startedAt(r) - clockSkewMs,
    );
    if (copy) {
      used.add(copy.id);
      found.set(r.id, copy);
    }
  }
  return found;
}
