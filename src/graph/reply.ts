import type { OutgoingMail, ReplyOutcome } from '../core/mail';
import { classifySendResponse, FATAL_SEND_CODES } from './send-outcome';

/**
 * The JSON body of `POST /me/messages/{id}/reply` (CSDL: bound action `reply` on `graph.message` with
 * parameters `Message` and `Comment`). Only `message` is given: Graph answers 400 when both `comment`
 * and `message.body` are set. `toRecipients` overrides the default recipient, which for our own Sent
 * Items copy would be its sender, the recruiter. No subject: Exchange makes "RE: " + the original's.
 */
export function replyBody(mail: OutgoingMail): unknown {
  const headers = Object.entries(mail.headers ?? {}).map(([name, value]) => ({ name, value }));
  return {
    message: {
      toRecipients: [
        {
          emailAddress: mail.to.name
            ? { address: mail.to.address, name: mail.to.name }
            : { address: mail.to.address },
        },
      ],
      body: { contentType: 'HTML', content: mail.html },
      // As for sendMail, an empty header collection is a 400, so it is left out when there are none.
      ...(headers.length > 0 ? { internetMessageHeaders: headers } : {}),
    },
  };
}

/**
 * Codes meaning "the message to reply to is not there (any more)": moved (Exchange gives it a new id)
 * or deleted, or an id Exchange cannot read. The follow-up then looks the message up again or goes
 * as a new message.
 */
const THREAD_GONE_CODES = new Set(['erroritemnotfound', 'itemnotfound', 'errorinvalididmalformed']);

/**
 * What a reply response means: 404 (ErrorItemNotFound, or any 404 that is not a mailbox-wide
 * refusal) and a malformed id are `thread-not-found`; everything else exactly as for sendMail
 * (202 accepted, 429 throttled, 401/403 and quota codes fatal, other 4xx rejected, 5xx unknown).
 */
export function classifyReplyResponse(
  status: number,
  code: string,
  message: string,
  retryAfterMs: number | null,
): ReplyOutcome {
  const lower = code.toLowerCase();
  if (!FATAL_SEND_CODES.has(lower)) {
    if (status === 404 || (status === 400 && THREAD_GONE_CODES.has(lower))) {
      return { kind: 'thread-not-found' };
    }
  }
  return classifySendResponse(status, code, message, retryAfterMs);
}

/**
 * The `$filter` finding a message by its Message-ID: an OData string literal, single quotes doubled.
 * Exchange compares it case-insensitively; the angle brackets are part of the value.
 */
export function internetMessageIdFilter(internetMessageId: string): string {
  return `internetMessageId eq '${internetMessageId.replace(/'/g, "''")}'`;
}
