import { type Campaign, stepCount } from '../campaign/campaign';
import type { DropCode, StoppedProspect, WaitReason } from '../send/gate';
import type { RecipientRecord } from '../send/recipient';
import { addDelay } from './delay';
import { campaignTimeZone, prospectTimeZone } from './prospect-zone';
import { prospectOf, prospectRecords, stepOf, stopVerdict } from './stop-rule';
import { nextWindowOpen } from './window';

/** Where one step stands across the campaign's prospects. */
export interface StepProgress {
  step: number;
  sent: number;
  /** Queued and due now (they go as the mailbox's limits allow). */
  queued: number;
  /** Queued for later: grace period, delay, window or out-of-office. */
  waiting: number;
  sending: number;
  failed: number;
  uncertain: number;
  /** Prospects this step will not go to, by why (counted in every step after they stopped). */
  stopped: Record<DropCode, number>;
}

export interface NextDue {
  at: number;
  step: number;
  reason: WaitReason;
}

export interface SequenceProgress {
  steps: StepProgress[];
  /** The earliest unit that waits, when it goes and why not sooner; null when nothing waits. */
  nextDue: NextDue | null;
  /** Units due now (queued, not waiting). */
  dueNow: number;
}

const noStops = (): Record<DropCode, number> => ({
  replied: 0,
  bounced: 0,
  'out-of-office': 0,
  removed: 0,
  'do-not-contact': 0,
});

/**
 * When a queued unit can go, read from the campaign's rules, and why not before then. `delay` for a
 * follow-up may turn out to be the window its due time was already moved to: see `delayOrWindow`.
 */
function dueTime(
  campaign: Campaign,
  unit: RecipientRecord,
  delayedUntil: number | null,
  zone: string,
  now: number,
): { at: number; reason: WaitReason } {
  let at = unit.notBefore ?? now;
  let reason: WaitReason = stepOf(unit) === 1 ? 'grace' : 'delay';
  if (delayedUntil !== null && delayedUntil > at) {
    at = delayedUntil;
    reason = 'out-of-office';
  }
  const from = Math.max(at, now);
  const open = nextWindowOpen(from, campaign.sequence?.window ?? null, zone);
  if (open > from) return { at: open, reason: 'window' };
  return { at, reason };
}

/** A follow-up's due time already includes the window: it waits on the window if the delay ended before. */
function delayOrWindow(
  campaign: Campaign,
  unit: RecipientRecord,
  byId: Map<string, RecipientRecord>,
  zone: string,
): WaitReason {
  const step = stepOf(unit);
  const previous = unit.threadOf === undefined ? undefined : byId.get(unit.threadOf);
  const delay = campaign.sequence?.followUps[step - 2]?.delay;
  if (previous?.sentAt == null || !delay || unit.notBefore === undefined) return 'delay';
  return addDelay(previous.sentAt, delay, zone) < unit.notBefore ? 'window' : 'delay';
}

/**
 * Per step: sent, due, waiting, failed, uncertain, and the prospects it will not go to (replied,
 * bounced, away, removed, do-not-contact); plus the next unit that waits and why. Waiting is read
 * from the campaign's rules (grace, delay, out-of-office, window), as the recruiter thinks of it.
 */
export function sequenceProgress(
  campaign: Campaign,
  records: RecipientRecord[],
  stopped: Record<string, StoppedProspect> | undefined,
  now: number,
): SequenceProgress {
  const steps: StepProgress[] = [];
  for (let step = 1; step <= stepCount(campaign); step++) {
    steps.push({
      step,
      sent: 0,
      queued: 0,
      waiting: 0,
      sending: 0,
      failed: 0,
      uncertain: 0,
      stopped: noStops(),
    });
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  const prospects = new Map(campaign.prospects.map((p) => [p.id, p]));
  const zone = (prospectId: string) => {
    const prospect = prospects.get(prospectId);
    return prospect ? prospectTimeZone(campaign, prospect) : campaignTimeZone(campaign);
  };
  let nextDue: NextDue | null = null;
  let nextUnit: RecipientRecord | null = null;
  let dueNow = 0;

  const prospectIds = new Set([...campaign.prospects.map((p) => p.id), ...records.map(prospectOf)]);
  for (const prospectId of prospectIds) {
    const own = prospectRecords(campaign, prospectId, (id) => byId.get(id));
    const verdict = stopVerdict(campaign, own, stopped?.[prospectId]);
    const atStep = new Map(own.map((r) => [stepOf(r), r]));
    for (const progress of steps) {
      const record = atStep.get(progress.step);
      if (verdict.kind === 'stop' && (!record || record.state === 'queued')) {
        // Step 1 of a stopped prospect is failed by the engine; later steps are never created.
        if (progress.step > 1 || record) progress.stopped[verdict.code]++;
        continue;
      }
      if (!record) continue;
      if (record.state !== 'queued') {
        progress[record.state]++;
        continue;
      }
      const due = dueTime(
        campaign,
        record,
        verdict.kind === 'delay' && progress.step > 1 ? verdict.until : null,
        zone(prospectId),
        now,
      );
      if (due.at <= now) {
        progress.queued++;
        dueNow++;
      } else {
        progress.waiting++;
        if (!nextDue || due.at < nextDue.at) {
          nextDue = { at: due.at, step: progress.step, reason: due.reason };
          nextUnit = record;
        }
      }
    }
  }
  if (nextDue && nextUnit && nextDue.reason === 'delay') {
    nextDue.reason = delayOrWindow(campaign, nextUnit, byId, zone(prospectOf(nextUnit)));
  }
  return { steps, nextDue, dueNow };
}

/** How many queued units were already due when the pane opened (they had fallen due while it was closed). */
export function dueOnOpen(records: RecipientRecord[], openedAt: number): number {
  return records.filter((r) => r.state === 'queued' && (r.notBefore ?? -Infinity) <= openedAt).length;
}
