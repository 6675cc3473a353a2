import type { HandlerContext } from './context';
import { LOCALES, NEW_SUBJECTS } from './languages';
import { previewOf, type Mailbox } from './mailbox';
import { bounceShape } from './ndr';
import { displayNameFor, inboundHeaders } from './prospects';
import type { BounceReason, BounceStyle, ItemBody, ProspectResponse } from './types';

/** Our message as the prospect's answers refer to it. */
export interface OurMessage {
  internetMessageId: string;
  conversationId: string;
  conversationIndex: string;
  subject: string;
  body: ItemBody;
}

/** The responses a behaviour describes (none for silence). */
export function responsesOf(
  behaviour: ReturnType<HandlerContext['core']['prospectBehaviour']>,
): ProspectResponse[] {
  if (behaviour.kind === 'silent') return [];
  if (behaviour.kind === 'script') return behaviour.responses;
  return [behaviour];
}

/**
 * The responses to the `nth` message this mailbox sent to the prospect (1 = the first; a follow-up in
 * the thread is the 2nd, 3rd…). A response with `onMessage` answers only that message; one without
 * answers every message, except an out-of-office answer, which comes once per sender, for the first
 * message, as Exchange's (and Gmail's) automatic replies do.
 */
export function responsesFor(
  behaviour: ReturnType<HandlerContext['core']['prospectBehaviour']>,
  nth: number,
): ProspectResponse[] {
  return responsesOf(behaviour).filter((r) => {
    const isOoo = r.kind === 'out-of-office' || r.kind === 'ooo';
    return nth === (r.onMessage ?? (isOoo ? 1 : nth));
  });
}

/** Replies, out-of-office answers and bounces to the `nth` message to `to`, made visible by the clock later. */
export function scheduleProspectResponses(
  ctx: HandlerContext,
  mailbox: Mailbox,
  ours: OurMessage,
  to: string,
  deliveredAt: number,
  nth = 1,
): void {
  for (const response of responsesFor(ctx.core.prospectBehaviour(to), nth)) {
    const at = deliveredAt + response.delayMs;
    if (response.kind === 'bounce') {
      addBounce(ctx, mailbox, ours, to, at, {
        reason: response.bounce?.reason ?? 'unknown-recipient',
        style: response.bounce?.style ?? 'exchange',
        threaded: response.bounce?.threaded,
        response,
      });
    } else {
      addAnswer(ctx, mailbox, ours, to, at, response);
    }
  }
}

/** A conversation index continuing ours (22 bytes of header plus 5 per reply). */
function childIndex(ctx: HandlerContext, ours: OurMessage): string {
  return Buffer.concat([Buffer.from(ours.conversationIndex, 'base64'), ctx.core.ids.bytes('ci', 5)]).toString(
    'base64',
  );
}

/** An NDR for `to`, arriving at `at`; threaded into our conversation when its writer links it. */
export function addBounce(
  ctx: HandlerContext,
  mailbox: Mailbox,
  ours: OurMessage,
  to: string,
  at: number,
  options: {
    reason: BounceReason;
    style: BounceStyle;
    threaded?: boolean | undefined;
    response?: ProspectResponse;
  },
): void {
  const { core } = ctx;
  const user = mailbox.user;
  const shape = bounceShape({
    reason: options.reason,
    style: options.style,
    language: options.response?.language ?? 'en',
    subject: ours.subject,
    internetMessageId: ours.internetMessageId,
    recipient: to,
    ourAddress: user.mail,
    unique: core.ids.hex('ndr', 24).toUpperCase(),
  });
  // Exchange threads by In-Reply-To/References (graph-mail.md §3.2) [guess for NDRs]; a test may force either.
  const threaded = options.threaded ?? shape.linked;
  const stamp = core.exchangeClockOffsetMs;
  mailbox.add({
    folder: options.response?.folder ?? 'inbox',
    visibleAt: at,
    sentMs: at - 1000 + stamp,
    receivedMs: at + stamp,
    subject: shape.subject,
    body: { contentType: 'html', content: shape.bodyHtml },
    from: { emailAddress: { name: shape.fromName, address: shape.fromAddress } },
    toRecipients: [{ emailAddress: { name: user.displayName, address: user.mail } }],
    ...(threaded ? { conversationId: ours.conversationId, conversationIndex: childIndex(ctx, ours) } : {}),
    internetMessageId: shape.messageId,
    internetMessageHeaders: inboundHeaders({
      from: shape.fromAddress,
      fromName: shape.fromName,
      to: user.mail,
      subject: shape.subject,
      messageId: shape.messageId,
      sentMs: at - 1000 + stamp,
      receivedMs: at + stamp,
      networkMessageId: core.ids.uuid(),
      ...(shape.linked ? { inReplyTo: ours.internetMessageId } : {}),
      extra: shape.headers,
    }),
    ...(options.response?.then ? { then: options.response.then } : {}),
  });
}

/** A reply (any kind) or an out-of-office answer. */
function addAnswer(
  ctx: HandlerContext,
  mailbox: Mailbox,
  ours: OurMessage,
  to: string,
  at: number,
  response: ProspectResponse,
): void {
  const { core } = ctx;
  const user = mailbox.user;
  const language = response.language ?? 'en';
  const locale = LOCALES[language];
  const pick = (list: readonly string[]) => list[(response.prefixVariant ?? 0) % list.length] ?? list[0]!;
  const isOoo = response.kind === 'out-of-office' || response.kind === 'ooo';
  const vacation = isOoo && response.outOfOffice?.style === 'vacation';
  const from = response.kind === 'reply-other-address' ? (response.fromAddress ?? otherAddressOf(to)) : to;
  let subject: string;
  if (vacation) subject = `Re: ${ours.subject}`;
  else if (isOoo) subject = `${pick(locale.oooPrefixes)}${ours.subject}`;
  else if (response.kind === 'reply-new-subject') subject = response.subject ?? NEW_SUBJECTS[language];
  // Mail clients do not stack a reply prefix on a subject that already has one (a follow-up's "RE: …").
  else if (/^re:\s/i.test(ours.subject)) subject = ours.subject;
  else subject = `${pick(locale.replyPrefixes)}${ours.subject}`;
  // Exchange starts a new conversation when the subject changes (graph-mail.md §3.2).
  const threaded = response.kind !== 'reply-new-subject';
  const domain = (from.split('@')[1] ?? 'example.org').toLowerCase();
  const messageId = `<${core.ids.hex('reply', 20).toUpperCase()}@mail.${domain}>`;
  const text = isOoo ? locale.oooText : `${locale.replyText}\r\n\r\n> ${previewOf(ours.body).slice(0, 200)}`;
  const stamp = core.exchangeClockOffsetMs;
  const extra = [{ name: 'Content-Type', value: 'text/plain; charset="utf-8"' }];
  if (isOoo) {
    extra.push({ name: 'Auto-Submitted', value: 'auto-replied' });
    if (!vacation) extra.push({ name: 'X-Auto-Response-Suppress', value: 'All' });
  }
  mailbox.add({
    folder: response.folder ?? 'inbox',
    visibleAt: at,
    sentMs: at - 3000 + stamp,
    receivedMs: at + stamp,
    subject,
    body: { contentType: 'text', content: text },
    from: { emailAddress: { name: displayNameFor(from), address: from } },
    toRecipients: [{ emailAddress: { name: user.displayName, address: user.mail } }],
    ...(threaded ? { conversationId: ours.conversationId, conversationIndex: childIndex(ctx, ours) } : {}),
    internetMessageId: messageId,
    internetMessageHeaders: inboundHeaders({
      from,
      to: user.mail,
      subject,
      messageId,
      sentMs: at - 3000 + stamp,
      receivedMs: at + stamp,
      networkMessageId: core.ids.uuid(),
      inReplyTo: ours.internetMessageId,
      extra,
    }),
    ...(response.then ? { then: response.then } : {}),
  });
}

/** A prospect's other (personal) address: `ana.lima+reply@acme.example` → `ana.lima@personal-mail.example`. */
export function otherAddressOf(address: string): string {
  const local = (address.split('@')[0] ?? 'someone').split('+')[0] || 'someone';
  return `${local}@personal-mail.example`;
}
