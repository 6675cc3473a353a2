import type { StoppedProspect } from './gate';
import type { PacerState } from './pacer';
import type { RecipientRecord } from './recipient';

export type EngineStatus = 'ready' | 'running' | 'paused' | 'stopped' | 'cancelled' | 'finished';

/** Why the engine stopped by itself: an error that will not heal by waiting (auth, quota, daily limit). */
export interface StopReason {
  code: string;
  message: string;
  at: number;
  /** When resuming can work again, if known (e.g. the 24-hour recipient window frees up). */
  retryAt?: number;
}

/** Everything needed to continue after a reload. Plain JSON; persist it encrypted (it holds addresses). */
export interface SendSnapshot {
  version: 1;
  savedAt: number;
  status: EngineStatus;
  stopReason: StopReason | null;
  recipients: RecipientRecord[];
  pacer: PacerState;
  /** Prospects the recruiter stopped (removed by hand, do-not-contact): no further step. Absent: none. */
  stopped?: Record<string, StoppedProspect>;
}

export const INTERRUPTED_REASON = 'The task pane closed while this message was being sent.';

/**
 * A snapshot as a new engine must see it. A recipient caught in `sending` may or may not have
 * reached Exchange, so it becomes `uncertain` and is reconciled against Sent Items — never re-sent.
 */
export function restoreRecipients(
  snapshot: SendSnapshot,
  now: number,
  firstCheckAfterMs: number,
): RecipientRecord[] {
  if (snapshot.version !== 1)
    throw new Error(`Unsupported send snapshot version ${String(snapshot.version)}`);
  return snapshot.recipients.map((r) => {
    const copy: RecipientRecord = structuredClone(r);
    if (copy.state === 'sending') {
      copy.state = 'uncertain';
      copy.uncertain = {
        reason: INTERRUPTED_REASON,
        since: now,
        nextCheckAt: now + firstCheckAfterMs,
        awaitingDecision: false,
      };
    }
    return copy;
  });
}
