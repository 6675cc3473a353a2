import type { OutgoingMail, SendOutcome } from '../core/mail';

/**
 * Graph error codes that mean the mailbox cannot send at all right now, whatever the status:
 * the mailbox is over its storage quota or has hit Exchange's 10,000-recipients-per-day limit.
 */
export const FATAL_SEND_CODES = new Set(
  [
    'ErrorQuotaExceeded',
    'QuotaExceeded',
    'ErrorSubmissionQuotaExceeded',
    'SubmissionQuotaExceeded',
    'ErrorRecipientLimitExceeded',
    'RecipientRateLimitExceeded',
    'ErrorMessageSubmissionBlocked',
    'MailboxNotEnabledForRESTAPI',
  ].map((c) => c.toLowerCase()),
);

/**
 * What a sendMail response means for the campaign. 401/403 (token revoked, consent missing) and the
 * mailbox-wide limits stop the campaign; another 4xx refuses just this message; a 5xx means the
 * request reached Exchange and may have been sent, so it is `unknown` — never retried blindly.
 */
export function classifySendResponse(
  status: number,
  code: string,
  message: string,
  retryAfterMs: number | null,
): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'accepted' };
  // Checked before 429: Exchange reports a spent daily quota as 429 too, and waiting minutes won't help.
  if (FATAL_SEND_CODES.has(code.toLowerCase())) return { kind: 'rejected', code, message, fatal: true };
  if (status === 429) return { kind: 'throttled', retryAfterMs };
  if (status === 401 || status === 403) return { kind: 'rejected', code, message, fatal: true };
  if (status >= 400 && status < 500) return { kind: 'rejected', code, message, fatal: false };
  return { kind: 'unknown', reason: `HTTP ${status}${code ? ` ${code}` : ''}` };
}

/** Graph's documented rules for custom headers, checked before sending (Graph answers 400 otherwise). */
export function customHeaderProblem(headers: OutgoingMail['headers']): string | null {
  const names = Object.keys(headers ?? {});
  if (names.length > 5) return 'Graph accepts at most 5 custom internet message headers';
  const bad = names.find((n) => !/^x-/i.test(n));
  return bad === undefined ? null : `Custom header names must start with "x-" (got "${bad}")`;
}

/** The sendMail JSON body: one recipient, HTML, a copy saved to Sent Items (the only way to find it later). */
export function sendMailBody(mail: OutgoingMail): unknown {
  const headers = Object.entries(mail.headers ?? {}).map(([name, value]) => ({ name, value }));
  return {
    message: {
      subject: mail.subject,
      body: { contentType: 'HTML', content: mail.html },
      toRecipients: [
        {
          emailAddress: mail.to.name
            ? { address: mail.to.address, name: mail.to.name }
            : { address: mail.to.address },
        },
      ],
      // Graph rejects an empty header collection, so the property is left out when there are none.
      ...(headers.length > 0 ? { internetMessageHeaders: headers } : {}),
    },
    saveToSentItems: true,
  };
}
