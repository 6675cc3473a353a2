/**
 * What the sequence screens read from and ask of the campaign controller (contract §5). The lead
 * adds these to controller.ts: `sendNow()`, `stopProspect(prospectId, code)`, and on the sending
 * state `sequence` (core's sequenceProgress) and `dueOnOpen`. Read through here, the screens work
 * before that is merged (the parts simply do not show) and after it, without a change.
 */
import type { DropCode, WaitReason } from '../../../core/send/gate';
import type { SendProgress } from '../../../core/send';
import type { CampaignController, ControllerState } from '../controller';

export type Sending = Extract<ControllerState, { phase: 'sending' }>;

/** One step's counts as core's sequenceProgress gives them (records of that step). */
export interface StepProgress {
  step: number;
  sent: number;
  /** Queued, not yet due or held up (window, delay, reply check…). */
  waiting: number;
  /** Prospects this step will never go to, by why (replied, bounced, out of office, removed…). */
  stopped: Partial<Record<DropCode, number>>;
}

/** The shape of ControllerState.sending.sequence this screen assumes (core's SequenceProgress). */
export interface SequenceProgress {
  steps: StepProgress[];
  /** The next unit to go out: when (null: when something is rechecked), which step, and why it waits. */
  nextDue: { at: number | null; step: number; reason: WaitReason | null } | null;
}

export interface SequenceView {
  sequence: SequenceProgress | null;
  /** Units that were already due when this pane opened (they fell due while Candor was closed). */
  dueOnOpen: number;
  /** SendProgress.nextDue (engine), when the controller's sequence progress has none. */
  engineNextDue: { at: number; step: number } | null;
}

type WithSequence = Sending & { sequence?: unknown; dueOnOpen?: unknown };
type WithNextDue = SendProgress & { nextDue?: { at: number; recipientId: string; step: number } | null };

function isSequenceProgress(value: unknown): value is SequenceProgress {
  return !!value && typeof value === 'object' && Array.isArray((value as SequenceProgress).steps);
}

export function sequenceView(state: Sending): SequenceView {
  const s = state as WithSequence;
  const nextDue = (state.progress as WithNextDue).nextDue;
  return {
    sequence: isSequenceProgress(s.sequence) ? s.sequence : null,
    dueOnOpen: typeof s.dueOnOpen === 'number' ? s.dueOnOpen : 0,
    engineNextDue: nextDue ? { at: nextDue.at, step: nextDue.step } : null,
  };
}

export type StopCode = 'removed' | 'do-not-contact';

export interface SequenceControls {
  /** Grace period: the first messages go now instead of at the end of it. */
  sendNow(): Promise<void> | void;
  /** No further steps for this prospect; sent messages stay sent. */
  stopProspect(prospectId: string, code: StopCode): Promise<void> | void;
}

/** The controller's sequence actions, or null while the controller does not have them. */
export function sequenceControls(controller: CampaignController): SequenceControls | null {
  const c = controller as CampaignController & Partial<SequenceControls>;
  if (typeof c.sendNow !== 'function' || typeof c.stopProspect !== 'function') return null;
  return {
    sendNow: () => (c.sendNow as SequenceControls['sendNow']).call(controller),
    stopProspect: (id, code) =>
      (c.stopProspect as SequenceControls['stopProspect']).call(controller, id, code),
  };
}
