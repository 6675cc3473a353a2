/**
 * One round of reply sync, over injected ports (ports.ts):
 *
 * 1. Look for Sent Items copies of recent sends (sent-copies.ts) and record them.
 * 2. Read the Inbox and Junk Email deltas since the stored cursor — the first time only mail
 *    received since the oldest tracked send (minus the clock allowance).
 * 3. Classify and match each message (classify.ts, match.ts). Internet headers are fetched only for
 *    messages that are already plausibly ours (matched, or automatic), never for the rest.
 * 4. Stop campaigns on a recent sender-side bounce; record the prospects' responses (stop rule);
 *    upload matched messages (sealed by the uploader); then advance the cursors.
 *
 * Anything that matches no Candor send is dropped here: never uploaded, stored or shown. A message
 * reported again (read, flagged, moved) uploads under the same id — the backend keeps one row.
 * If the upload fails the cursors stay put and the next round redoes the work.
 */
import type { Clock } from '../../shared/clock';
import type { MailHeaderRecord } from '../mail';
import { applyRecipientNote, outranks, type RecipientNote } from '../send/recipient-note';
import { classify, isAnswer, isSystemSender, type Answer, type InboundMessage } from './classify';
import { connectingServerIp } from './headers';
import { DEFAULT_MATCH_OPTIONS, matchInbound, type Match, type MatchOptions } from './match';
import {
  SYNCED_FOLDERS,
  type CampaignStatePort,
  type DeltaCursor,
  type DeltaCursorStore,
  type MailFolder,
  type ReplyMailbox,
  type ReplyUpload,
  type TrackedCampaign,
} from './ports';
import { copyNotes, DEFAULT_COPY_SEARCH, planCopySearch, type CopySearchOptions } from './sent-copies';
import { SendIndex, type CandorSend } from './sends';
import { responseFor } from './stop-rule';
import { subjectKey } from './subject';

export interface ReplySyncOptions {
  match: MatchOptions;
  copies: CopySearchOptions;
  /** Replies are looked for this long after a campaign's last send. */
  trackForMs: number;
  /** A sender-side bounce stops sending only if it arrived this recently. */
  senderBlockFreshForMs: number;
}

export const DEFAULT_REPLY_SYNC: ReplySyncOptions = {
  match: DEFAULT_MATCH_OPTIONS,
  copies: DEFAULT_COPY_SEARCH,
  trackForMs: 90 * 24 * 3_600_000,
  senderBlockFreshForMs: 6 * 3_600_000,
};

export interface ReplySyncDeps {
  mailbox: ReplyMailbox;
  campaigns: CampaignStatePort;
  cursors: DeltaCursorStore;
  /** Seals and uploads; idempotent per (sendId, replyId). */
  upload(replies: readonly ReplyUpload[]): Promise<void>;
  clock: Clock;
  options?: Partial<ReplySyncOptions>;
}

export interface ReplySyncReport {
  /** Messages matched to a send and uploaded. */
  uploaded: number;
  /** Sends registered with the backend this round so their answers could be stored. */
  registered: number;
  /** Messages read and dropped (not ours, receipts, delay notices, unconnectable bounces). */
  dropped: number;
  /** Bounce reports that could not be connected to any send. */
  unmatchedBounces: number;
  /** Graph did not return internet headers for a message that needed them. */
  headersUnavailable: boolean;
  /** Campaigns stopped this round, with why. */
  stopped: { campaignId: string; code: string; message: string }[];
}

/** The sends matching compares with: sent recipients of every campaign, within the tracking period. */
export function candorSends(
  campaigns: readonly TrackedCampaign[],
  now: number,
  trackForMs: number,
): CandorSend[] {
  const out: CandorSend[] = [];
  for (const c of campaigns) {
    for (const r of c.recipients) {
      // An uncertain send may well have gone out (a timeout after Exchange took it): a reply in its
      // thread must not be credited to an earlier step just because Sent Items has not confirmed it yet.
      if ((r.state !== 'sent' && r.state !== 'uncertain') || !r.attempt) continue;
      // No answer can come before the request left: the 202 is stamped later, by however long the
      // request took, and a reply to this step may arrive sooner than that (a fast clock, a slow network).
      const sentAt = Math.min(r.sentAt ?? r.attempt.startedAt, r.attempt.startedAt);
      if (now - sentAt > trackForMs) continue;
      out.push({
        campaignId: c.campaignId,
        prospectId: r.prospectId ?? r.id,
        recordId: r.id,
        step: r.step ?? 1,
        sendId: c.backendSends[r.attempt.sendId] ?? null,
        attemptId: r.attempt.sendId,
        address: r.address,
        subjectKey: subjectKey(r.attempt.subject),
        sentAt,
        conversationId: r.conversationId ?? null,
        internetMessageId: r.internetMessageId ?? null,
      });
    }
  }
  return out;
}

function received(m: MailHeaderRecord): number {
  return m.receivedDateTime ? Date.parse(m.receivedDateTime) : NaN;
}

export async function syncReplies(deps: ReplySyncDeps, signal?: AbortSignal): Promise<ReplySyncReport> {
  const options = { ...DEFAULT_REPLY_SYNC, ...deps.options };
  const report: ReplySyncReport = {
    uploaded: 0,
    registered: 0,
    dropped: 0,
    unmatchedBounces: 0,
    headersUnavailable: false,
    stopped: [],
  };
  let campaigns = await deps.campaigns.list();

  // 1. Sent Items copies.
  const plan = planCopySearch(campaigns, deps.clock.now(), options.copies);
  if (plan.pending.length || plan.expired.length) {
    const items = plan.since ? await deps.mailbox.listSentSince(plan.since, signal) : [];
    const notes = copyNotes(items, plan.pending, plan.expired, deps.clock.now(), options.copies);
    await applyNotes(deps.campaigns, campaigns, notes, deps.clock.now());
  }

  // 2. Inbox and Junk Email.
  const sends = candorSends(campaigns, deps.clock.now(), options.trackForMs);
  if (sends.length === 0) return report;
  let index = new SendIndex(sends);
  const oldest = Math.min(...sends.map((s) => s.sentAt));
  const since = new Date(oldest - options.match.clockSkewMs).toISOString();

  const uploads = new Map<string, ReplyUpload>();
  const responses = new Map<string, Map<string, RecipientNote>>();
  const blocks: { at: number; code: string; message: string }[] = [];
  const seen = new Set<string>();
  const headerState = { unavailable: false };
  /** Matched messages whose send has no backend id yet (opens not tracked): registered below. */
  const unregistered: { send: CandorSend; upload: Omit<ReplyUpload, 'sendId'> }[] = [];
  const cursors: [(typeof SYNCED_FOLDERS)[number], { deltaLink: string; since: string }][] = [];

  const usableCursors = new Map<MailFolder, DeltaCursor>();
  for (const folder of SYNCED_FOLDERS) {
    const cursor = await deps.cursors.load(folder);
    // A cursor scoped later than the oldest send (a campaign from another device) starts over.
    if (cursor && Date.parse(cursor.since) <= Date.parse(since)) usableCursors.set(folder, cursor);
  }
  // Idle polls ask every folder in one request; a folder with more to read gets its own round.
  const polled =
    deps.mailbox.pollFolderDeltas && usableCursors.size > 1
      ? await deps.mailbox.pollFolderDeltas(
          Object.fromEntries([...usableCursors].map(([f, c]) => [f, c.deltaLink])),
          signal,
        )
      : {};

  for (const folder of SYNCED_FOLDERS) {
    const usable = usableCursors.get(folder) ?? null;
    const delta =
      polled[folder] ??
      (await deps.mailbox.mailFolderDelta(
        folder,
        usable ? { deltaLink: usable.deltaLink } : { receivedSince: since },
        signal,
      ));
    cursors.push([folder, { deltaLink: delta.deltaLink, since: usable?.since ?? since }]);
    // Mail read now may answer a step that went out since the campaigns were listed (a follow-up
    // sent while this round read Sent Items): match against the state as it is now.
    if (delta.messages.length > 0) {
      campaigns = await deps.campaigns.list();
      index = new SendIndex(candorSends(campaigns, deps.clock.now(), options.trackForMs));
    }

    for (const item of delta.messages) {
      const key = item.internetMessageId ?? item.id;
      if (seen.has(key)) continue;
      seen.add(key);
      // Graph may have ignored the date filter (fallbackUnfiltered): the same bound applies here.
      if (!(received(item) >= Date.parse(since))) {
        report.dropped++;
        continue;
      }
      const read = await readMessage(deps.mailbox, item, index, options.match, headerState, signal);
      if (read === 'gone') continue;
      if (read === 'dropped') {
        report.dropped++;
        continue;
      }
      const { message, c, match } = read;
      const at = received(item);
      if (!message.from) {
        report.dropped++;
        continue;
      }
      if (c.kind === 'bounce' && c.senderBlock) blocks.push({ at, ...c.senderBlock });
      if (!match) {
        report.dropped++;
        if (c.kind === 'bounce') report.unmatchedBounces++;
        continue;
      }
      const response = responseFor(c, match, at);
      if (response) {
        const forCampaign = responses.get(match.send.campaignId) ?? new Map<string, RecipientNote>();
        // On the record of the step it answered (the stop rule reads every step of the prospect).
        const prior = forCampaign.get(match.send.recordId)?.response;
        // The strongest response wins (applyRecipientNote ranks them again against the saved one).
        if (outranks(response, prior)) forCampaign.set(match.send.recordId, { response });
        responses.set(match.send.campaignId, forCampaign);
      }
      const upload: Omit<ReplyUpload, 'sendId'> = {
        replyId: key,
        payload: {
          subject: message.subject.slice(0, 2000),
          from: message.from.address,
          receivedAt: at,
          ip: connectingServerIp(message.headers),
          kind: c.kind,
          confidence: match.confidence,
          matchedBy: match.matchedBy,
          statusCode: c.statusCode,
        },
      };
      if (match.send.sendId)
        uploads.set(`${match.send.sendId}\n${key}`, { sendId: match.send.sendId, ...upload });
      else unregistered.push({ send: match.send, upload });
    }
  }

  report.headersUnavailable = headerState.unavailable;

  // 3. Act: stop first (sending more would bounce too), record responses, register sends that
  // have no backend id, upload, and only then advance the cursors.
  const now = deps.clock.now();
  for (const block of blocks) {
    // An old report (read again after a full resync) says nothing about whether sending works now.
    if (now - block.at > options.senderBlockFreshForMs) continue;
    for (const c of campaigns) {
      const started = Math.min(...c.recipients.map((r) => r.attempt?.startedAt ?? Infinity));
      const sending = c.status === 'running' || c.status === 'paused';
      if (!sending || block.at < started - options.match.clockSkewMs) continue;
      if (report.stopped.some((s) => s.campaignId === c.campaignId)) continue;
      await deps.campaigns.stop(c.campaignId, { code: block.code, message: block.message });
      report.stopped.push({ campaignId: c.campaignId, code: block.code, message: block.message });
    }
  }
  await applyNotes(deps.campaigns, campaigns, responses, deps.clock.now());
  // Sends never registered with the backend (opens not tracked) get an id now. A failure here
  // fails the round like a failed upload: the cursors stay, and the next round tries again.
  const lateIds = new Map<string, string>();
  for (const { send, upload } of unregistered) {
    let sendId = lateIds.get(send.attemptId);
    if (!sendId) {
      sendId = await deps.campaigns.registerSend(send.campaignId, send.attemptId);
      lateIds.set(send.attemptId, sendId);
    }
    uploads.set(`${sendId}\n${upload.replyId}`, { sendId, ...upload });
  }
  report.registered = lateIds.size;
  const batch = [...uploads.values()];
  if (batch.length) await deps.upload(batch);
  report.uploaded = batch.length;
  // An empty link means the folder could not be read as a delta (nothing to continue from).
  for (const [folder, cursor] of cursors) if (cursor.deltaLink) await deps.cursors.save(folder, cursor);
  return report;
}

/**
 * Classifies and matches one message. Headers are fetched (once Graph has refused them, no more
 * this round) only when the message is already plausibly ours: matched, or automatic.
 */
async function readMessage(
  mailbox: ReplyMailbox,
  item: MailHeaderRecord,
  index: SendIndex,
  options: MatchOptions,
  headerState: { unavailable: boolean },
  signal: AbortSignal | undefined,
): Promise<{ message: InboundMessage; c: Answer; match: Match | null } | 'dropped' | 'gone'> {
  const judge = (message: InboundMessage) => {
    const c = classify(message);
    if (!isAnswer(c)) return null;
    return { message, c, match: matchInbound(message, c, index, options) };
  };
  const first = judge({ ...item, headers: item.internetMessageHeaders });
  if (!first) return 'dropped';
  const automatic = first.c.kind !== 'reply' || isSystemSender(item.from);
  if (first.message.headers || headerState.unavailable || !(first.match || automatic)) return first;
  const h = await mailbox.getInternetHeaders(item.id, signal);
  if (h.status === 'gone') return 'gone';
  if (h.status === 'unavailable') {
    headerState.unavailable = true;
    return first;
  }
  return judge({ ...first.message, headers: h.headers }) ?? 'dropped';
}

/** Writes notes per campaign and mirrors them in this round's copy of the state. */
async function applyNotes(
  port: CampaignStatePort,
  campaigns: readonly TrackedCampaign[],
  notes: ReadonlyMap<string, ReadonlyMap<string, RecipientNote>>,
  now: number,
): Promise<void> {
  for (const [campaignId, forCampaign] of notes) {
    if (forCampaign.size === 0) continue;
    await port.annotate(campaignId, forCampaign);
    const c = campaigns.find((x) => x.campaignId === campaignId);
    for (const r of c?.recipients ?? []) {
      const note = forCampaign.get(r.id);
      if (note) applyRecipientNote(r, note, now);
    }
  }
}
