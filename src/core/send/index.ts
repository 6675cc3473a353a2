export {
  SendEngine,
  MAX_IN_FLIGHT,
  MAX_RATE_PER_MINUTE,
  DAILY_RECIPIENT_LIMIT,
  type SendEngineOptions,
  type ReconcileOptions,
  type EngineChange,
  type UncertainDecision,
} from './engine';
export type {
  RecipientState,
  RecipientInput,
  RecipientRecord,
  SendAttempt,
  Uncertainty,
  ProspectResponse,
} from './recipient';
export { SEND_ID_HEADER, isCopyOf, findCopies } from './reconcile';
export { type EngineStatus, type StopReason, type SendSnapshot, INTERRUPTED_REASON } from './snapshot';
export { type SendProgress, computeProgress } from './progress';
export { type PacerState, Pacer } from './pacer';
