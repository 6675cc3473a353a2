export {
  SendEngine,
  MAX_IN_FLIGHT,
  MAX_RATE_PER_MINUTE,
  DAILY_RECIPIENT_LIMIT,
  type SendEngineOptions,
  type ReconcileOptions,
  type EngineChange,
  type UncertainDecision,
  type WaitingOn,
} from './engine';
export {
  MailboxLimits,
  MAILBOX_PER_MINUTE,
  MAILBOX_PER_DAY,
  MAILBOX_IN_FLIGHT,
  type MailboxLimitsOptions,
} from './mailbox-limits';
export type { EngineView, GateDecision, WaitReason, DropCode, StoppedProspect } from './gate';
export type {
  RecipientState,
  RecipientInput,
  RecipientRecord,
  SendAttempt,
  Uncertainty,
  ProspectResponse,
  Threading,
} from './recipient';
export { followUpId, prospectOf } from './recipient';
export { SEND_ID_HEADER, isCopyOf, findCopies } from './reconcile';
export { type EngineStatus, type StopReason, type SendSnapshot, INTERRUPTED_REASON } from './snapshot';
export { type SendProgress, computeProgress } from './progress';
export { type PacerState, Pacer } from './pacer';
