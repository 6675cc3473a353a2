export {
  type DelayUnit,
  type FollowUpStep,
  type SendingWindow,
  type OutOfOfficeRule,
  type SequenceSettings,
  MAX_STEPS,
  DEFAULT_GRACE_MINUTES,
  DEFAULT_SEQUENCE,
} from './types';
export { isValidTimeZone, wallTime, offsetAt, zonedToUtc, type WallTime } from './time-zone';
export { addDelay, isBusinessDay } from './delay';
export { nextWindowOpen, isInsideWindow } from './window';
export { prospectTimeZone, campaignTimeZone } from './prospect-zone';
export { stopVerdict, prospectRecords, prospectOf, stepOf, type StopVerdict } from './stop-rule';
export { nextFollowUp, firstStepInputs } from './next';
export {
  stepOneGate,
  followUpGate,
  sequenceHooks,
  THREAD_COPY_RECHECK_MS,
  REPLY_SYNC_MAX_AGE_MS,
} from './gate';
export {
  sequenceProgress,
  dueOnOpen,
  type SequenceProgress,
  type StepProgress,
  type NextDue,
} from './progress';
export { describeWait, formatDue } from './describe';
export { checkSequence } from './validate';
