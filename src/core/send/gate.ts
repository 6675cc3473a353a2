/**
 * What a step scheduler tells the send engine about one queued unit, right before it would go out.
 * The engine stays generic: it asks, and obeys (send, drop unsent, or wait).
 */
import type { RecipientRecord } from './recipient';

/** The engine's state as a gate or scheduler may read it (records are copies). */
export interface EngineView {
  now: number;
  recipient(id: string): RecipientRecord | undefined;
  /** The recruiter stopped this prospect's later steps (removed by hand, or do-not-contact). */
  stopped(prospectId: string): StoppedProspect | undefined;
}

export interface StoppedProspect {
  code: 'removed' | 'do-not-contact';
  at: number;
}

/** Why a unit (or the whole engine) is waiting rather than sending. */
export type WaitReason =
  'grace' | 'delay' | 'window' | 'out-of-office' | 'reply-sync' | 'thread-copy' | 'daily-limit';

/** Why a unit is dropped without ever being sent. */
export type DropCode = 'replied' | 'bounced' | 'out-of-office' | 'removed' | 'do-not-contact';

export type GateDecision =
  | { kind: 'send' }
  /** Never sent: the unit leaves the campaign (it had no attempt, so exactly-once holds). */
  | { kind: 'drop'; code: DropCode }
  /** Not yet: look again at `until`, or (null) when the engine is asked to recheck. */
  | { kind: 'wait'; until: number | null; reason: WaitReason };
