import type { Pacer } from './pacer';
import type { RecipientRecord } from './recipient';
import type { EngineStatus, StopReason } from './snapshot';

export interface SendProgress {
  status: EngineStatus;
  stopReason: StopReason | null;
  total: number;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  /** All uncertain recipients, including those awaiting a decision. */
  uncertain: number;
  /** Uncertain recipients not found in Sent Items after the full wait: the recruiter decides. */
  awaitingDecision: number;
  /** Sends per minute over the last few minutes, or null before there is a pace to measure. */
  pacePerMinute: number | null;
  /** When the last queued message should have gone, or null when not running. */
  etaAt: number | null;
  /** A 429 pause in force until this time, or null. */
  throttledUntil: number | null;
  /**
   * The connection is down: nothing is sent until a Sent Items read at `nextTryAt` (or sooner, when
   * the device reports it is back online) gets through; then sending resumes by itself. Null otherwise.
   */
  offline: { since: number; nextTryAt: number } | null;
  /** Queued units not due yet (grace period, a follow-up's delay, a gate's wait); part of `queued`. */
  waiting: number;
  /** The queued unit due soonest among those not due yet, or null. */
  nextDue: { at: number; recipientId: string; step: number } | null;
}

/** How far back the measured pace looks. */
export const PACE_WINDOW_MS = 5 * 60_000;

/**
 * Counts per state and an ETA that is the later of what the pacer allows and what the measured
 * pace (slower when Exchange throttles or requests are slow) predicts.
 */
export function computeProgress(
  records: Iterable<RecipientRecord>,
  status: EngineStatus,
  stopReason: StopReason | null,
  pacer: Pacer,
  dispatchTimes: number[],
  now: number,
  offline: SendProgress['offline'] = null,
  /** The mailbox-wide 429 pause (shared by every campaign of the mailbox); default: the pacer's own. */
  pausedUntil: number = pacer.pausedUntil(),
): SendProgress {
  const p: SendProgress = {
    status,
    stopReason,
    total: 0,
    queued: 0,
    sending: 0,
    sent: 0,
    failed: 0,
    uncertain: 0,
    awaitingDecision: 0,
    pacePerMinute: null,
    etaAt: null,
    throttledUntil: pausedUntil > now ? pausedUntil : null,
    offline,
    waiting: 0,
    nextDue: null,
  };
  for (const r of records) {
    p.total++;
    p[r.state]++;
    if (r.state === 'uncertain' && r.uncertain?.awaitingDecision) p.awaitingDecision++;
    if (r.state === 'queued' && r.notBefore !== undefined && r.notBefore > now) {
      p.waiting++;
      if (!p.nextDue || r.notBefore < p.nextDue.at)
        p.nextDue = { at: r.notBefore, recipientId: r.id, step: r.step ?? 1 };
    }
  }
  const recent = dispatchTimes.filter((t) => t > now - PACE_WINDOW_MS);
  const first = recent[0];
  const span = first === undefined ? 0 : now - first;
  // Under a minute of history, a burst would look like an absurd pace; wait for real evidence.
  if (recent.length >= 2 && span >= 60_000) p.pacePerMinute = (recent.length / span) * 60_000;
  if (status === 'running' && !offline) {
    // Units not due yet are not paced now: the ETA is for those that are.
    const due = p.queued - p.waiting;
    const start = Math.max(now, pausedUntil);
    const byPacer = pacer.lastSendAt(start, due);
    const byPace = p.pacePerMinute ? start + (due / p.pacePerMinute) * 60_000 : byPacer;
    p.etaAt = Math.max(byPacer, byPace);
  }
  return p;
}
