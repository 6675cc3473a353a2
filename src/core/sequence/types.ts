/**
 * A campaign's sequence: the follow-up steps after the first message, when they may go out, and
 * what happens around an out-of-office. Plain JSON (it is part of the encrypted campaign snapshot).
 */
import type { MailTemplate } from '../template';

export type DelayUnit = 'business-days' | 'calendar-days';

export interface FollowUpStep {
  /** Same merge fields and fallbacks as step 1. Sent as a reply, its subject is Exchange's "RE: …". */
  template: MailTemplate;
  /** After the previous step was sent to that prospect; amount is a whole number from 1 to 30. */
  delay: { amount: number; unit: DelayUnit };
}

export interface SendingWindow {
  /** Days sending is allowed, 0 = Sunday … 6 = Saturday; at least one. */
  days: number[];
  /** Minutes after local midnight; start < end (end exclusive). */
  startMinute: number;
  endMinute: number;
  /** The recruiter's IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** A merge field holding the prospect's IANA time zone: used per prospect when valid. */
  prospectTimeZoneField: string | null;
}

/** What an out-of-office reply does to the prospect's later steps. */
export type OutOfOfficeRule = { action: 'skip' } | { action: 'delay'; days: number };

export interface SequenceSettings {
  /** Steps 2…5 (0–4 entries); step 1 is the campaign's template. */
  followUps: FollowUpStep[];
  /** Null: any day, any time. Applies to every step, step 1 included. */
  window: SendingWindow | null;
  outOfOffice: OutOfOfficeRule;
  /** Minutes before the first message goes out, with "Send now" and "Cancel"; 0–60. */
  graceMinutes: number;
  /**
   * The recruiter's IANA time zone, for counting business days when there is no window (with a
   * window, the window's zone is used). Absent: UTC.
   */
  timeZone?: string;
}

export const MAX_STEPS = 5;
export const DEFAULT_GRACE_MINUTES = 20;

export const DEFAULT_SEQUENCE: SequenceSettings = {
  followUps: [],
  window: null,
  outOfOffice: { action: 'delay', days: 7 },
  graceMinutes: DEFAULT_GRACE_MINUTES,
};
