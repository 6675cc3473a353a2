/**
 * The mail shapes the domain speaks. The Graph boundary (src/graph) implements the port below; the
 * domain (send engine, reply matching) depends only on these types, so the emulator or a fake can stand in.
 */

export interface MailAddress {
  address: string;
  name?: string;
}

/** One message Candor sends: to exactly one prospect, from the signed-in mailbox. */
export interface OutgoingMail {
  to: MailAddress;
  subject: string;
  /** HTML body, already rendered and escaped; may contain the open pixel. */
  html: string;
  /** Custom internet headers; names must start with `x-` (Graph allows at most 5). */
  headers?: Record<string, string>;
}

/**
 * What became of one sendMail request. Only `accepted` means the mail went out; `unknown` means it may
 * have: such a send must never be retried blindly (it is reconciled against Sent Items instead).
 */
export type SendOutcome =
  | { kind: 'accepted' }
  /** 429: Exchange did not take the message. Safe to try again after the delay (null = not given). */
  | { kind: 'throttled'; retryAfterMs: number | null }
  /** A definite refusal: the message was not sent. `fatal` errors stop the whole campaign. */
  | { kind: 'rejected'; code: string; message: string; fatal: boolean }
  /**
   * Timeout, connection lost, or a 5xx after the request was sent: it may or may not have gone out.
   * `connectionLost`: no connection could be made or kept (the device may be offline), so the sender
   * should wait for the network before sending more.
   */
  | { kind: 'unknown'; reason: string; connectionLost?: boolean };

/** A message as listed from Sent Items or the Inbox: headers only, never a body. */
export interface MailHeaderRecord {
  id: string;
  conversationId: string;
  internetMessageId?: string;
  subject: string;
  from?: MailAddress;
  toRecipients: MailAddress[];
  sentDateTime?: string;
  receivedDateTime?: string;
  /** Present only when Graph returned them (undocumented under Mail.ReadBasic). */
  internetMessageHeaders?: { name: string; value: string }[];
}

/**
 * True for an error a MailSender read raised because the network could not be reached (it carries
 * `connectionLost: true`), as opposed to an answer from Microsoft 365.
 */
export function isConnectionLost(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { connectionLost?: unknown }).connectionLost === true
  );
}

/** A reply's outcome: a send outcome, or the message to reply to is gone (moved or deleted: 404). */
export type ReplyOutcome = SendOutcome | { kind: 'thread-not-found' };

/** The part of the Graph boundary the send engine needs. */
export interface MailSender {
  sendMail(mail: OutgoingMail, signal?: AbortSignal): Promise<SendOutcome>;
  /** Messages in Sent Items sent at or after `since` (ISO 8601), newest first, all pages. */
  listSentSince(since: string, signal?: AbortSignal): Promise<MailHeaderRecord[]>;
  /**
   * Replies in the thread of `messageId` (POST /me/messages/{id}/reply: toRecipients = the
   * prospect, the HTML as message.body, the x- headers). Absent: follow-ups go as new messages.
   */
  reply?(messageId: string, mail: OutgoingMail, signal?: AbortSignal): Promise<ReplyOutcome>;
  /** A message anywhere in the mailbox by its internetMessageId (one request), or null. */
  findMessage?(internetMessageId: string, signal?: AbortSignal): Promise<MailHeaderRecord | null>;
}
