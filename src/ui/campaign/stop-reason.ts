import type { StopReason } from '../../core/send';

const QUOTA = /quota|recipientlimit|recipientratelimit|submissionblocked/i;
const AUTH = /token|auth|accessdenied|forbidden|unauthorized|consent/i;
/** What the Graph boundary and the API client say when the connection, not the request, failed. */
const CONNECTION =
  /Graph request failed: (network|timeout)|Could not reach Candor|timed out|Failed to fetch/i;

/** "at 14:05" the same day as `from`, else "on Fri 4 Dec at 14:05": when the recruiter can resume. */
function when(at: number, from: number): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (new Date(from).toDateString() === date.toDateString()) return `at ${time}`;
  const day = date.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
  return `on ${day} at ${time}`;
}

/**
 * Why sending stopped, in the recruiter's words, with what to do about it. Engine and Graph codes
 * are translated here; a technical message ("Graph request failed: network") is never shown.
 */
export function describeStop(reason: StopReason): string {
  // Reply tracking's stop reasons (a bounce saying the mailbox or tenant is blocked, src/core/replies)
  // are already written for the recruiter.
  if (reason.code.startsWith('bounce-')) return reason.message;
  const offline = CONNECTION.test(reason.message);
  switch (reason.code) {
    case 'daily-recipient-limit':
      return `Microsoft 365 lets a mailbox send to 10,000 recipients a day, and this campaign reached that limit. Nothing is lost: ${
        reason.retryAt
          ? `resume ${when(reason.retryAt, reason.at)}, when the day’s window frees up`
          : 'resume tomorrow'
      }, and sending continues where it stopped.`;
    case 'persistent-throttling':
      return 'Microsoft 365 refused every message for a while; your mailbox has probably reached its daily sending limit. Nothing was sent twice. Resume later today or tomorrow.';
    case 'progress-not-saved':
      return 'Candor could not save its progress on this device, so it stopped before sending more. Nothing was sent twice. Resume to try again; if it stops again, reload Outlook.';
    case 'sent-items-unreadable':
      return offline
        ? 'Candor could not reach Outlook’s mail service to check your Sent Items. Check your connection, then resume.'
        : 'Candor could not read your Sent Items to check the messages it is not sure about. Resume to try again; if it keeps happening, tell your IT team.';
    case 'render-failed':
      return offline
        ? 'Candor could not reach its tracking service to prepare the next message. Check your connection, then resume.'
        : `Candor could not prepare the next message (${reason.message.replace(/^Could not prepare the message: /, '')}). Resume to try again.`;
  }
  if (QUOTA.test(reason.code))
    return 'Exchange will not send more from your mailbox right now: it is full, or it reached the limit of 10,000 recipients a day. Free some space or wait a day, then resume.';
  if (AUTH.test(reason.code))
    return 'Candor lost permission to send from your mailbox (signed out, or access was revoked). Connect again, then resume.';
  if (reason.code === 'MailboxNotEnabledForRESTAPI')
    return 'This mailbox cannot send through Microsoft Graph. Ask your IT team.';
  return `Outlook’s mail service refused to send (code ${reason.code}). Resume to try again; if it keeps happening, tell your IT team.`;
}

/** Why one recipient was not sent, for the recipient list (Graph's own text is not shown as is). */
export function describeFailure(failure: { code: string; message: string }): string {
  if (failure.code === 'cancelled' || failure.code === 'marked-not-sent') return failure.message;
  if (/recipient|address|mailbox.*not.*found/i.test(failure.code))
    return 'Exchange did not accept this address, so nothing was sent to it. Check the address.';
  return `Exchange did not accept this message (code ${failure.code}), so it was not sent.`;
}
