import type { Campaign } from '../campaign/campaign';
import type { EngineView, GateDecision } from '../send/gate';
import type { RecipientInput, RecipientRecord } from '../send/recipient';
import { nextFollowUp } from './next';
import { campaignTimeZone, prospectTimeZone } from './prospect-zone';
import { prospectOf, prospectRecords, stepOf, stopVerdict } from './stop-rule';
import { isInsideWindow, nextWindowOpen } from './window';

/** How long a follow-up waits for the previous step's Sent Items copy before looking again. */
export const THREAD_COPY_RECHECK_MS = 2 * 60_000;

/**
 * The oldest reply sync a follow-up goes out on, even when it ran after the unit fell due: a unit
 * held back for hours (daily limit, a long queue) must not go on a sync from before a reply came in.
 */
export const REPLY_SYNC_MAX_AGE_MS = 60 * 60_000;

function zoneOf(campaign: Campaign, unit: RecipientRecord): string {
  const prospectId = prospectOf(unit);
  const prospect = campaign.prospects.find((p) => p.id === prospectId);
  return prospect ? prospectTimeZone(campaign, prospect) : campaignTimeZone(campaign);
}

function windowDecision(campaign: Campaign, unit: RecipientRecord, now: number): GateDecision {
  const window = campaign.sequence?.window ?? null;
  const zone = zoneOf(campaign, unit);
  if (isInsideWindow(now, window, zone)) return { kind: 'send' };
  return { kind: 'wait', until: nextWindowOpen(now, window, zone), reason: 'window' };
}

/** Step 1 waits only for the sending window (its grace period is its `notBefore`, the engine's). */
export function stepOneGate(campaign: Campaign, unit: RecipientRecord, view: EngineView): GateDecision {
  return windowDecision(campaign, unit, view.now);
}

/**
 * The engine's `gate` for every unit (step 1 is handed to stepOneGate). A follow-up is dropped when
 * the prospect replied, bounced, is away under the "skip" rule, or was stopped by the recruiter; it
 * waits while the prospect is away under the "delay" rule, while the sending window is closed, until
 * a reply sync completed after it fell due and within the last hour (so a reply that came in
 * meanwhile stops it), and while
 * the previous step's Sent Items copy is still being looked for (it is the thread to reply in).
 */
export function followUpGate(
  campaign: Campaign,
  unit: RecipientRecord,
  view: EngineView,
  replySyncedAt: number | null,
  /** How old the last reply sync may be when the unit goes (the demo's fast clock stretches it). */
  maxSyncAgeMs = REPLY_SYNC_MAX_AGE_MS,
): GateDecision {
  if (stepOf(unit) === 1) return stepOneGate(campaign, unit, view);
  const prospectId = prospectOf(unit);
  const records = prospectRecords(campaign, prospectId, (id) => view.recipient(id));
  const verdict = stopVerdict(campaign, records, view.stopped(prospectId));
  if (verdict.kind === 'stop') return { kind: 'drop', code: verdict.code };
  let dueAt = unit.notBefore ?? 0;
  if (view.now < dueAt) return { kind: 'wait', until: dueAt, reason: 'delay' };
  if (verdict.kind === 'delay') {
    if (view.now < verdict.until) return { kind: 'wait', until: verdict.until, reason: 'out-of-office' };
    dueAt = Math.max(dueAt, verdict.until);
  }
  const window = windowDecision(campaign, unit, view.now);
  if (window.kind !== 'send') return window;
  // A sync from before it fell due (or too long ago) may have missed a reply.
  const fellDue = nextWindowOpen(dueAt, campaign.sequence?.window ?? null, zoneOf(campaign, unit));
  if (replySyncedAt === null || replySyncedAt < Math.max(fellDue, view.now - maxSyncAgeMs)) {
    return { kind: 'wait', until: null, reason: 'reply-sync' };
  }
  const previous = unit.threadOf === undefined ? undefined : view.recipient(unit.threadOf);
  if (previous && previous.sentItemId === null && previous.copySearchEndedAt === undefined) {
    return { kind: 'wait', until: view.now + THREAD_COPY_RECHECK_MS, reason: 'thread-copy' };
  }
  return { kind: 'send' };
}

/**
 * The engine options a sequence needs, bound to its campaign: `next` and `gate` as the send engine
 * calls them. `replySyncedAt` reads when the last reply sync completed (null: none yet).
 */
export function sequenceHooks(
  campaign: Campaign,
  replySyncedAt: () => number | null,
): {
  next: (sent: RecipientRecord, view: EngineView) => RecipientInput | null;
  gate: (unit: RecipientRecord, view: EngineView) => GateDecision;
} {
  return {
    next: (sent, view) => nextFollowUp(campaign, sent, view),
    gate: (unit, view) => followUpGate(campaign, unit, view, replySyncedAt()),
  };
}
