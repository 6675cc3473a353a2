import { MAIL_SEND_SCOPES, hasAny, limitKey, type HandlerContext } from './context';
import { GraphFailure, accessDenied, badRequest, parseJsonPayload } from './errors';
import { addBounce, responsesFor, scheduleProspectResponses, type OurMessage } from './responses';
import type { BounceReason, InternalResponse, InternetMessageHeader, ItemBody, Recipient } from './types';

export interface ParsedSend {
  subject: string;
  body: ItemBody;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  headers: InternetMessageHeader[];
  importance: 'low' | 'normal' | 'high';
  saveToSentItems: boolean;
  hasAttachments: boolean;
}

const ADDRESS = /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/;

const invalidRecipients = (detail = '') =>
  new GraphFailure(400, 'ErrorInvalidRecipients', `At least one recipient isn't valid.${detail}`);

export function recipients(value: unknown): Recipient[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('Invalid recipient collection.', 'ErrorInvalidParameter');
  return value.map((r) => {
    const address = (r as { emailAddress?: { address?: unknown } })?.emailAddress?.address;
    const name = (r as { emailAddress?: { name?: unknown } })?.emailAddress?.name;
    if (typeof address !== 'string' || !ADDRESS.test(address.trim())) throw invalidRecipients();
    return {
      emailAddress: { address: address.trim(), name: typeof name === 'string' ? name : address.trim() },
    };
  });
}

/**
 * Custom headers on sendMail: names must start with `x-`/`X-`, at most 5, never an empty list
 * (errors as reported in graph-mail.md §2.2).
 */
export function customHeaders(value: unknown): InternetMessageHeader[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length === 0 || value.length > 5) {
    throw new GraphFailure(
      400,
      'InvalidInternetMessageHeaderCollection',
      'Maximum number of headers in one message should be less than or equal to 5.',
    );
  }
  return value.map((h) => {
    const name = (h as { name?: unknown })?.name;
    const v = (h as { value?: unknown })?.value;
    if (typeof name !== 'string' || typeof v !== 'string') {
      throw badRequest('Invalid internet message header.', 'InvalidInternetMessageHeader');
    }
    if (!/^x-/i.test(name)) {
      throw new GraphFailure(
        400,
        'InvalidInternetMessageHeader',
        `The internet message header name '${name}' should start with 'x-' or 'X-'.`,
      );
    }
    return { name, value: v };
  });
}

function parseBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  throw badRequest("Cannot convert the literal to the expected type 'Edm.Boolean'.", 'ErrorInvalidParameter');
}

function parseJson(text: string): ParsedSend {
  const payload = parseJsonPayload(text);
  const message = (payload as { message?: unknown })?.message;
  if (typeof message !== 'object' || message === null) {
    throw badRequest("The value of the parameter 'Message' is empty.", 'ErrorInvalidParameter');
  }
  return {
    ...parseMessage(message as Record<string, unknown>),
    saveToSentItems: parseBoolean((payload as { saveToSentItems?: unknown }).saveToSentItems),
  };
}

/** The writable message properties a send or a reply carries (a missing body is an empty text one). */
export function parseMessage(m: Record<string, unknown>): Omit<ParsedSend, 'saveToSentItems'> {
  const body = m.body as { contentType?: unknown; content?: unknown } | undefined;
  const contentType =
    typeof body?.contentType === 'string' && body.contentType.toLowerCase() === 'html' ? 'html' : 'text';
  const importance = typeof m.importance === 'string' ? m.importance.toLowerCase() : 'normal';
  return {
    subject: typeof m.subject === 'string' ? m.subject : '',
    body: { contentType, content: typeof body?.content === 'string' ? body.content : '' },
    to: recipients(m.toRecipients),
    cc: recipients(m.ccRecipients),
    bcc: recipients(m.bccRecipients),
    headers: customHeaders(m.internetMessageHeaders),
    importance: importance === 'low' || importance === 'high' ? importance : 'normal',
    hasAttachments: Array.isArray(m.attachments) && m.attachments.length > 0,
  };
}

function mimeAddresses(value: string | undefined): Recipient[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => {
      const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(part) ?? [undefined, undefined, part.trim()];
      const address = (m[2] ?? '').trim();
      if (!ADDRESS.test(address)) throw invalidRecipients();
      return { emailAddress: { address, name: m[1]?.trim() || address } };
    })
    .filter((r) => r.emailAddress.address);
}

/** The MIME form: base64 of an RFC 5322 message, Content-Type text/plain (user-sendmail.md Example 4). */
function parseMime(text: string): ParsedSend {
  const compact = text.replace(/\s+/g, '');
  if (!compact || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new GraphFailure(
      400,
      'ErrorMimeContentInvalidBase64String',
      'Invalid base64 string for MIME content.',
    );
  }
  const mime = Buffer.from(compact, 'base64').toString('utf8').replace(/\r\n/g, '\n');
  const split = mime.indexOf('\n\n');
  const head = (split >= 0 ? mime.slice(0, split) : mime).replace(/\n[ \t]+/g, ' ');
  const fields = new Map<string, string>();
  for (const line of head.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return {
    subject: fields.get('subject') ?? '',
    body: { contentType: 'text', content: split >= 0 ? mime.slice(split + 2) : '' },
    to: mimeAddresses(fields.get('to')),
    cc: mimeAddresses(fields.get('cc')),
    bcc: mimeAddresses(fields.get('bcc')),
    headers: [],
    importance: 'normal',
    saveToSentItems: true,
    hasAttachments: /content-disposition:\s*attachment/i.test(mime),
  };
}

/**
 * POST /me/sendMail: 202 with no body. The Sent Items copy appears after transport and `sentItemsDelayMs`
 * (later still when the mailbox is over 30 messages a minute); prospects answer on their own schedule;
 * a spent quota or a blocked mailbox answers with an NDR, not an error.
 */
export function sendMail(ctx: HandlerContext): InternalResponse {
  const { req, claims } = ctx;
  if (!hasAny(claims, MAIL_SEND_SCOPES)) throw accessDenied();
  const contentType = (req.headers.get('content-type') ?? '').toLowerCase();
  const parsed = contentType.startsWith('text/plain') ? parseMime(req.body) : parseJson(req.body);
  submit(ctx, parsed);
  return { status: 202, headers: {}, body: null };
}

/** The conversation a reply continues: the original's ids, and the Message-IDs it answers. */
export interface ThreadOf {
  conversationId: string;
  conversationIndex: string;
  inReplyTo: string;
  references: string;
}

/**
 * Hands one accepted message to transport, shared by sendMail and reply: the 30/min transport queue,
 * the 24-hour recipient quota, our own Exchange's refusals (NDRs), the late Sent Items copy, the
 * recipients' copies and what simulated prospects do with them. Mail to the mailbox's own address
 * lands in its own Inbox.
 */
export function submit(ctx: HandlerContext, parsed: ParsedSend, thread?: ThreadOf): void {
  const { core, claims, mailbox, now } = ctx;
  const all = [...parsed.to, ...parsed.cc, ...parsed.bcc];
  if (all.length === 0) {
    throw new GraphFailure(
      400,
      'ErrorInvalidRecipients',
      "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
    );
  }
  const key = limitKey(claims);
  // Over 10,000 recipients in 24 h Exchange still answers 202; the refusal comes back as an NDR
  // (graph-mail.md §4.2). Likewise a tenant over its external limit or a mailbox restricted for spam.
  const overQuota = core.limits.overRecipientQuota(key, all.length, now);
  if (overQuota) core.limits.stats.recipientQuotaRejections++;
  const blocked: BounceReason | null = overQuota ? 'sender-quota' : mailbox.sendingBlock;
  const sentAt = core.limits.bookTransport(key, all.length, now);
  const deliveredAt = sentAt + core.transportDelayMs;
  const stamp = core.exchangeClockOffsetMs;
  const user = mailbox.user;
  const me = { emailAddress: { name: user.displayName, address: user.mail } };
  const ours: OurMessage = {
    internetMessageId: `<${core.ids.hex('sent', 32).toUpperCase()}@${core.ids.hex('host', 10).toUpperCase()}.namprd11.prod.outlook.com>`,
    conversationId: thread?.conversationId ?? core.ids.conversationId(),
    conversationIndex: thread
      ? Buffer.concat([Buffer.from(thread.conversationIndex, 'base64'), core.ids.bytes('ci', 5)]).toString(
          'base64',
        )
      : core.ids.bytes('conversationIndex', 22).toString('base64'),
    subject: parsed.subject,
    body: parsed.body,
  };
  const threadHeaders = thread
    ? [
        { name: 'In-Reply-To', value: thread.inReplyTo },
        { name: 'References', value: thread.references },
      ]
    : [];
  if (parsed.saveToSentItems) {
    // [guess] a message our own Exchange refuses still gets its Sent Items copy.
    const copy = mailbox.add({
      folder: 'sentitems',
      visibleAt: deliveredAt + core.sentItemsDelayMs,
      sentMs: sentAt + stamp,
      receivedMs: sentAt + stamp,
      subject: parsed.subject,
      body: parsed.body,
      from: me,
      toRecipients: parsed.to,
      ccRecipients: parsed.cc,
      bccRecipients: parsed.bcc,
      conversationId: ours.conversationId,
      conversationIndex: ours.conversationIndex,
      internetMessageId: ours.internetMessageId,
      importance: parsed.importance,
      isRead: true,
    });
    copy.data.hasAttachments = parsed.hasAttachments;
  }
  for (const r of all) {
    const to = r.emailAddress.address;
    const nth = mailbox.countMessageTo(to);
    if (blocked) {
      addBounce(ctx, mailbox, ours, to, deliveredAt, { reason: blocked, style: 'exchange' });
      continue;
    }
    const delivery = {
      to,
      deliveredAt,
      subject: parsed.subject,
      body: parsed.body,
      internetMessageId: ours.internetMessageId,
      conversationId: ours.conversationId,
      headers: [...parsed.headers, { name: 'Message-ID', value: ours.internetMessageId }, ...threadHeaders],
    };
    if (to.toLowerCase() === user.mail.toLowerCase()) {
      mailbox.deliveries.push(delivery);
      addToOwnInbox(ctx, ours, delivery.headers, deliveredAt);
      continue;
    }
    const answers = responsesFor(core.prospectBehaviour(to), nth);
    if (!answers.some((x) => x.kind === 'bounce')) mailbox.deliveries.push(delivery);
    scheduleProspectResponses(ctx, mailbox, ours, to, deliveredAt, nth);
  }
}

/** A message the mailbox sent to itself (a reply to its own Sent Items copy without toRecipients). */
function addToOwnInbox(
  ctx: HandlerContext,
  ours: OurMessage,
  headers: InternetMessageHeader[],
  deliveredAt: number,
): void {
  const { mailbox, core } = ctx;
  const user = mailbox.user;
  const me = { emailAddress: { name: user.displayName, address: user.mail } };
  const stamp = core.exchangeClockOffsetMs;
  mailbox.add({
    folder: 'inbox',
    visibleAt: deliveredAt,
    sentMs: deliveredAt - core.transportDelayMs + stamp,
    receivedMs: deliveredAt + stamp,
    subject: ours.subject,
    body: ours.body,
    from: me,
    toRecipients: [me],
    conversationId: ours.conversationId,
    conversationIndex: ours.conversationIndex,
    internetMessageId: ours.internetMessageId,
    internetMessageHeaders: [
      { name: 'From', value: `${user.displayName} <${user.mail}>` },
      { name: 'To', value: user.mail },
      { name: 'Subject', value: ours.subject },
      ...headers,
    ],
  });
}
