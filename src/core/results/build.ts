/**
 * Joins a campaign's state with the user's opened events into the report's CampaignResults. Pure:
 * the sealed events are already opened, the campaign already decrypted.
 */
import type { CampaignSnapshot } from '../campaign/snapshot';
import type { RecipientRecord } from '../send';
import type { SendSnapshot } from '../send/snapshot';
import type {
  CampaignResults,
  MatchConfidence,
  OpenRecord,
  OpenVerdict,
  ProspectSend,
  ReplyRecord,
} from './types';

/** An opened sealed event, as src/crypto/open-event.ts yields it (only the fields used here). */
export type OpenedResultEvent =
  | {
      kind: 'open';
      eventId: string;
      sendId: string;
      payload: { ip: string | null; at: number; verdict: OpenVerdict };
    }
  | {
      kind: 'reply';
      eventId: string;
      sendId: string;
      payload: {
        subject: string;
        from: string;
        receivedAt: number;
        ip: string | null;
        kind?: ReplyRecord['kind'];
        confidence?: MatchConfidence;
        matchedBy?: ReplyRecord['matchedBy'];
        statusCode?: string | null;
      };
    };

/**
 * A pixel fetched this soon after the send was not a person reading: mail security scanners open
 * every link and image on arrival. The intake judges by the same idea with the server's own clock;
 * the pane knows the exact send time, so it applies the rule again.
 */
export const SCANNER_WINDOW_MS = 10_000;

const NAME_FIELDS = ['name', 'full name', 'fullname', 'display name', 'displayname'];
const FIRST = ['first name', 'firstname', 'first_name', 'first', 'given name'];
const LAST = ['last name', 'lastname', 'last_name', 'last', 'surname', 'family name'];

function field(fields: Record<string, string>, names: readonly string[]): string {
  for (const [k, v] of Object.entries(fields))
    if (names.includes(k.trim().toLowerCase()) && v.trim()) return v.trim();
  return '';
}

export function displayNameOf(fields: Record<string, string>, address: string): string {
  const full = field(fields, NAME_FIELDS);
  if (full) return full;
  const joined = [field(fields, FIRST), field(fields, LAST)].filter(Boolean).join(' ');
  return joined || address;
}

const CONFIDENCE_RANK: Record<MatchConfidence, number> = { low: 0, medium: 1, high: 2 };

export interface BuildResultsInput {
  snapshot: CampaignSnapshot;
  /** Engine send id (x-candor-send-id) → the backend's send id. */
  backendSends: Record<string, string>;
  events: readonly OpenedResultEvent[];
  syncedAt: number | null;
  notes: string[];
}

export function buildCampaignResults({
  snapshot,
  backendSends,
  events,
  syncedAt,
  notes,
}: BuildResultsInput): CampaignResults {
  const { campaign } = snapshot;
  // Step 1's record has the prospect's id; a follow-up's names its prospect.
  const records = new Map<string, RecipientRecord[]>();
  for (const r of snapshot.send?.recipients ?? []) {
    const id = r.prospectId ?? r.id;
    records.set(id, [...(records.get(id) ?? []), r]);
  }
  const prospects: ProspectSend[] = [];
  let lastStep = 1;
  for (const p of campaign.prospects) {
    const base = { prospectId: p.id, displayName: displayNameOf(p.fields, p.email), address: p.email };
    const own = (records.get(p.id) ?? []).sort((a, b) => (a.step ?? 1) - (b.step ?? 1));
    if (own.length === 0) prospects.push({ ...base, step: 1, state: 'queued', sentAt: null, sendId: null });
    for (const r of own) {
      const send: ProspectSend = {
        ...base,
        step: r.step ?? 1,
        state: r.state,
        sentAt: r.sentAt ?? null,
        sendId: r.attempt ? (backendSends[r.attempt.sendId] ?? null) : null,
      };
      if (r.threading) send.threading = { ...r.threading };
      if (r.response) send.response = { ...r.response };
      lastStep = Math.max(lastStep, send.step);
      prospects.push(send);
    }
  }
  // Structural reads: the sequence settings and the stopped list are optional parts of the state.
  const followUps = (campaign as { sequence?: { followUps?: unknown[] } }).sequence?.followUps?.length ?? 0;
  const stopped = (snapshot.send as (SendSnapshot & { stopped?: CampaignResults['stopped'] }) | null)
    ?.stopped;
  const sentAtBySend = new Map<string, number | null>();
  for (const p of prospects) if (p.sendId) sentAtBySend.set(p.sendId, p.sentAt);

  const opens: OpenRecord[] = [];
  const replies = new Map<string, ReplyRecord>();
  for (const e of events) {
    if (!sentAtBySend.has(e.sendId)) continue;
    if (e.kind === 'open') {
      const sentAt = sentAtBySend.get(e.sendId) ?? null;
      const early = sentAt !== null && e.payload.at - sentAt < SCANNER_WINDOW_MS;
      opens.push({
        eventId: e.eventId,
        sendId: e.sendId,
        at: e.payload.at,
        ip: e.payload.ip,
        verdict: e.payload.verdict === 'human' && early ? 'scanner' : e.payload.verdict,
      });
      continue;
    }
    const p = e.payload;
    const record: ReplyRecord = {
      eventId: e.eventId,
      sendId: e.sendId,
      kind: p.kind ?? 'reply',
      subject: p.subject,
      from: p.from,
      receivedAt: p.receivedAt,
      ip: p.ip,
      confidence: p.confidence ?? 'medium',
      matchedBy: p.matchedBy ?? 'address-subject',
      statusCode: p.statusCode ?? null,
    };
    // One message matched to two sends over time (e.g. first by address, later by conversation
    // once our copy was found) is one reply: keep the more confident match.
    const key = JSON.stringify([p.from.toLowerCase(), p.receivedAt, p.subject]);
    const prior = replies.get(key);
    if (!prior || CONFIDENCE_RANK[record.confidence] > CONFIDENCE_RANK[prior.confidence])
      replies.set(key, record);
  }
  const sentTimes = prospects.map((p) => p.sentAt).filter((t): t is number => t !== null);
  return {
    campaignId: campaign.id,
    name: campaign.name,
    startedAt: sentTimes.length ? Math.min(...sentTimes) : null,
    prospects,
    steps: Math.max(lastStep, 1 + followUps),
    ...(stopped && Object.keys(stopped).length ? { stopped: structuredClone(stopped) } : {}),
    opens: opens.sort((a, b) => a.at - b.at),
    replies: [...replies.values()].sort((a, b) => a.receivedAt - b.receivedAt),
    syncedAt,
    notes,
  };
}
