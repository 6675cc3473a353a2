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
    throttledUntil: pacer.pausedUntil() > now ? pacer.pausedUntil() : null,
    offline,
  };
  for (const r of records) {
    p.total++;
    p[r.state]++;
    if (r.state === 'uncertain' && r.uncertain?.awaitingDecision) p.awaitingDecision++;
  }
  const recent = dispatchTimes.filter((t) => t > now - PACE_WINDOW_MS);
  const first = recent[0];
  const span = first === undefined ? 0 : now - first;
  // Under a minute of history, a burst would look like an absurd pace; wait for real evidence.
  if (recent.length >= 2 && span >= 60_000) p.pacePerMinute = (recent.length / span) * 60_000;
  if (status === 'running' && !offline) {
    const byPacer = pacer.lastSendAt(now, p.queued);
    const byPace = p.pacePerMinute ? now + (p.queued / p.pacePerMinute) * 60_000 : byPacer;
    p.etaAt = Math.max(byPacer, byPace);
  }
  return p;
}
