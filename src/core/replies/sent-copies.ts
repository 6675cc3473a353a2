/**
 * Finding our own copy of each send in Sent Items, for its conversationId and Message-ID — what
 * reply matching joins on. sendMail answers 202 without an id and the copy lands later (seconds,
 * sometimes minutes), stamped by Exchange's clock, which may differ from the pane's by minutes. So
 * the search starts 15 minutes before the attempt and is repeated on every reply sync round for
 * 30 minutes after the send; the copy is recognised by the send engine's own rule (reconcile.ts:
 * x-candor-send-id when headers are there, else recipient + exact subject + time).
 */
import type { MailHeaderRecord } from '../mail';
import { findCopies, type RecipientRecord } from '../send';
import type { RecipientNote } from '../send/recipient-note';
import type { TrackedCampaign } from './ports';

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
    for (const recipient of c.recipients) {
      if (!awaitingCopy(recipient)) continue;
      const started = recipient.attempt?.startedAt ?? 0;
      (now - started > options.maxAgeMs ? expired : pending).push({ campaignId: c.campaignId, recipient });
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
  const byCampaign = new Map<string, RecipientRecord[]>();
  for (const p of pending)
    byCampaign.set(p.campaignId, [...(byCampaign.get(p.campaignId) ?? []), p.recipient]);
  for (const [campaignId, recipients] of byCampaign) {
    const copies = findCopies(
      items.filter((i) => !taken.has(i.id)),
      recipients,
      options.clockSkewMs,
    );
    for (const r of recipients) {
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
