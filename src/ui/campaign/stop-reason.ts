import type { StopReason } from '../../core/send';

const ENGINE_REASONS = new Set([
  'render-failed',
  'progress-not-saved',
  'persistent-throttling',
  'daily-recipient-limit',
  'sent-items-unreadable',
]);
const QUOTA = /quota|recipientlimit|recipientratelimit|submissionblocked/i;
const AUTH = /token|auth|accessdenied|forbidden|unauthorized|consent/i;

/** Why sending stopped, in the recruiter's words, with what to do about it. */
export function describeStop(reason: StopReason): string {
  // The engine's own stop reasons are already written for the recruiter.
  // So are reply tracking's (a bounce saying the mailbox or tenant is blocked, src/core/replies).
  if (ENGINE_REASONS.has(reason.code) || reason.code.startsWith('bounce-')) return reason.message;
  if (QUOTA.test(reason.code))
    return 'Exchange will not send more from your mailbox right now: it is full, or it reached the limit of 10,000 recipients a day. Free some space or wait a day, then resume.';
  if (AUTH.test(reason.code))
    return 'Candor lost permission to send from your mailbox (signed out, or access was revoked). Connect again, then resume.';
  if (reason.code === 'MailboxNotEnabledForRESTAPI')
    return 'This mailbox cannot send through Microsoft Graph. Ask your IT team.';
  return `Exchange refused to send (${reason.message || reason.code}). Resume to try again.`;
}
