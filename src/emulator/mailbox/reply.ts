import { MAIL_SEND_SCOPES, hasAny, type HandlerContext } from './context';
import {
  GraphFailure,
  accessDenied,
  badRequest,
  itemNotFound,
  notEmulated,
  parseJsonPayload,
} from './errors';
import { parseMessage, submit } from './send-mail';
import type { FolderName, GraphMessage, InternalResponse, ItemBody, Recipient } from './types';

/** Exchange's reply prefix; Outlook and Exchange do not stack it on a subject that already has it. */
const REPLY_PREFIX = 'RE: ';

/**
 * POST /me/messages/{id}/reply (message-reply.md, JSON form): 202 with no body, sent at once, saved
 * to Sent Items (late, like sendMail's copy), in the original's conversation, with In-Reply-To and
 * References naming it. Needs Mail.Send. Either `comment` or `message.body`, never both (400).
 * Recipients: `message.toRecipients` when given, else the original's replyTo, else its sender — so a
 * reply to our own Sent Items copy without toRecipients goes back to the mailbox itself.
 * A moved message has a new id and a deleted one is gone: 404 ErrorItemNotFound.
 */
export function replyToMessage(ctx: HandlerContext, id: string, folder: FolderName | null): InternalResponse {
  const { req, claims, mailbox, now } = ctx;
  if (!hasAny(claims, MAIL_SEND_SCOPES)) throw accessDenied();
  const contentType = (req.headers.get('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('text/plain')) throw notEmulated('the MIME form of reply');
  const payload = parseJsonPayload(req.body || '{}');
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw badRequest('Unable to read JSON request payload.');
  }
  const { comment, message } = payload as { comment?: unknown; message?: unknown };
  if (comment !== undefined && comment !== null && typeof comment !== 'string') {
    throw badRequest(
      "Cannot convert the literal to the expected type 'Edm.String'.",
      'ErrorInvalidParameter',
    );
  }
  if (message !== undefined && message !== null && (typeof message !== 'object' || Array.isArray(message))) {
    throw badRequest("The value of the parameter 'Message' is invalid.", 'ErrorInvalidParameter');
  }
  const m = (message ?? {}) as Record<string, unknown>;
  const hasBody = m.body !== undefined && m.body !== null;
  if (typeof comment === 'string' && hasBody) {
    // message-reply.md: "Specifying both will return an HTTP 400 Bad Request error." [code: guess]
    throw new GraphFailure(
      400,
      'ErrorInvalidRequest',
      'The comment parameter and the body property of the message parameter cannot both be specified.',
    );
  }
  const fields = parseMessage(m);
  const found = mailbox.find(id, now);
  if (!found || (folder && found.folder !== folder)) throw itemNotFound();
  const original = found.data;
  const to = fields.to.length > 0 ? fields.to : defaultRecipients(original);
  submit(
    ctx,
    {
      ...fields,
      to,
      subject: typeof m.subject === 'string' ? fields.subject : replySubject(original.subject),
      body: hasBody ? fields.body : quotedBody(typeof comment === 'string' ? comment : '', original),
      saveToSentItems: true,
    },
    {
      conversationId: original.conversationId,
      conversationIndex: original.conversationIndex,
      inReplyTo: original.internetMessageId,
      references: referencesOf(original),
    },
  );
  return { status: 202, headers: {}, body: null };
}

/** RFC 2822 as message-reply.md applies it: replyTo when the original names one, else its sender. */
function defaultRecipients(original: GraphMessage): Recipient[] {
  const list = original.replyTo.length > 0 ? original.replyTo : [original.from];
  return list.map((r) => ({
    emailAddress: { address: r.emailAddress.address, name: r.emailAddress.name ?? r.emailAddress.address },
  }));
}

export function replySubject(subject: string): string {
  return /^re:\s/i.test(subject) ? subject : `${REPLY_PREFIX}${subject}`;
}

/** The original's References (when its headers are known) followed by its own Message-ID. */
function referencesOf(original: GraphMessage): string {
  const previous = original.internetMessageHeaders?.find((h) => h.name.toLowerCase() === 'references')?.value;
  return previous ? `${previous} ${original.internetMessageId}` : original.internetMessageId;
}

/** What Exchange writes when only a comment (or nothing) is given: the comment above the quoted original. */
function quotedBody(comment: string, original: GraphMessage): ItemBody {
  const from = original.from.emailAddress;
  return {
    contentType: 'html',
    content: `<html><body><div>${escapeHtml(comment)}</div><hr><div><b>From:</b> ${escapeHtml(
      from.name ?? from.address,
    )}<br><b>Sent:</b> ${original.sentDateTime}<br><b>Subject:</b> ${escapeHtml(original.subject)}</div>${
      original.body.contentType === 'html'
        ? original.body.content
        : `<pre>${escapeHtml(original.body.content)}</pre>`
    }</body></html>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
