/**
 * Public and shared types of the mailbox emulator. Shapes that leave the emulator (messages, users,
 * errors) follow Microsoft Graph v1.0's CSDL; see docs/emulator.md for sources.
 */
import type { Clock } from '../../shared/clock';
import type { Language } from './languages';
import type { MailboxAction } from './mailbox';

export interface EmailAddress {
  name?: string;
  address: string;
}

export interface Recipient {
  emailAddress: EmailAddress;
}

export interface InternetMessageHeader {
  name: string;
  value: string;
}

export interface ItemBody {
  contentType: 'text' | 'html';
  content: string;
}

/** A message as Graph serialises it (all properties; projection happens per request). */
export interface GraphMessage {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  receivedDateTime: string;
  sentDateTime: string;
  hasAttachments: boolean;
  internetMessageId: string;
  subject: string;
  bodyPreview: string;
  importance: 'low' | 'normal' | 'high';
  parentFolderId: string;
  conversationId: string;
  conversationIndex: string;
  isDeliveryReceiptRequested: boolean;
  isReadReceiptRequested: boolean;
  isRead: boolean;
  isDraft: boolean;
  webLink: string;
  inferenceClassification: 'focused' | 'other';
  body: ItemBody;
  uniqueBody: ItemBody;
  sender: Recipient;
  from: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  flag: { flagStatus: 'notFlagged' | 'complete' | 'flagged' };
  /** Absent on Sent Items copies, as reported for Exchange Online (see docs/emulator.md). */
  internetMessageHeaders?: InternetMessageHeader[];
}

export type FolderName = 'inbox' | 'sentitems' | 'drafts' | 'deleteditems' | 'junkemail' | 'archive';

export interface UserRecord {
  tid: string;
  oid: string;
  displayName: string;
  mail: string;
  userPrincipalName: string;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  mobilePhone?: string | null;
  officeLocation?: string | null;
  preferredLanguage?: string | null;
  businessPhones?: string[];
}

/** Why a message bounced. The first two are the recipient's side; the rest our own Exchange refusing. */
export type BounceReason =
  /** 550 5.1.1: no such mailbox. */
  | 'unknown-recipient'
  /** 552 5.2.2: the recipient's mailbox is full. */
  | 'mailbox-full'
  /** 550 5.2.2 SubmissionQuotaExceeded: our mailbox sent to over 10,000 recipients in 24 h. */
  | 'sender-quota'
  /** 550 5.7.233: the tenant's external recipient rate limit (TERRL). */
  | 'tenant-limit'
  /** 550 5.1.8: our mailbox is restricted for sending spam. */
  | 'spam-restricted';

/**
 * Who writes the NDR and how: Exchange Online's ("Microsoft Outlook", localized subject, threaded by
 * default), Postfix's ("Undelivered Mail Returned to Sender" from MAILER-DAEMON), Gmail's ("Delivery
 * Status Notification (Failure)", X-Failed-Recipients), Exim's ("Mail delivery failed: returning
 * message to sender", X-Failed-Recipients), or a server that puts the status code in the subject.
 */
export type BounceStyle = 'exchange' | 'postfix' | 'gmail' | 'exim' | 'code-in-subject';

/** What a prospect (or their server) sends back; see docs/emulator.md "Simulated prospects". */
export type ResponseKind =
  | 'reply'
  /** A reply whose subject the prospect rewrote: Exchange starts a new conversation. */
  | 'reply-new-subject'
  /** A reply from another address of the prospect (a personal one), in our conversation. */
  | 'reply-other-address'
  | 'bounce'
  | 'out-of-office'
  /** Old name of 'out-of-office'. */
  | 'ooo';

export interface ProspectResponse {
  kind: ResponseKind;
  /** Counted from delivery of our message (from acceptance for bounces our own Exchange writes). */
  delayMs: number;
  /** Language of prefixes and text. Default English. */
  language?: Language;
  /** Where it lands. Default the Inbox. */
  folder?: 'inbox' | 'junkemail';
  /** The subject of a 'reply-new-subject'. Default a question in the language. */
  subject?: string;
  /** The sender of a 'reply-other-address'. Default a personal address derived from the prospect's. */
  fromAddress?: string;
  /** Which prefix of the language to use (index into its list). Default 0. */
  prefixVariant?: number;
  bounce?: { reason?: BounceReason; style?: BounceStyle; threaded?: boolean };
  /** 'exchange': localized "Automatic reply:" in our conversation; 'vacation': its own subject, new conversation. */
  outOfOffice?: { style?: 'exchange' | 'vacation' };
  /** What the recruiter (or a rule) then does with it, counted from its arrival. */
  then?: (MailboxAction & { afterMs: number })[];
  /**
   * Answers only the nth message this mailbox sent to the prospect (1 = the first, 2 = the first
   * follow-up…). Default: every message, except out-of-office answers, which come once (message 1).
   */
  onMessage?: number;
}

/** What a simulated prospect does with a message it receives: nothing, one answer, or several. */
export type Behaviour =
  { kind: 'silent' } | ProspectResponse | { kind: 'script'; responses: ProspectResponse[] };

/** How an expired or unknown delta token is answered; see delta.ts for sources. */
export type ExpiredDeltaAnswer =
  | 'gone-syncStateNotFound'
  | 'gone-resyncRequired'
  | 'badRequest-syncStateNotFound'
  | 'badRequest-syncStateInvalid'
  | 'notFound-invalidSyncStateData';

/** Our own Exchange refusing to send (every accepted message then bounces with this reason). */
export type SendingBlock = 'sender-quota' | 'tenant-limit' | 'spam-restricted';

export type FaultKind =
  | '429'
  | '503-before-accept'
  | '503-after-accept'
  | 'timeout-after-accept'
  | 'network-error-before-accept'
  | 'revoked'
  /** Gateway and server errors answered before the request is processed (nothing happens). */
  | '500'
  | '502'
  | '504';

export interface FaultSpec {
  kind: FaultKind;
  /** For '429': seconds in Retry-After; null sends no Retry-After header. Default 1. */
  retryAfterSeconds?: number | null;
  /**
   * Which requests it hits. Default 'send': a request that sends mail (POST …/sendMail or
   * POST …/messages/{id}/reply). 'sendMail' or 'reply' only one of them; 'any' the next request of any kind.
   */
  match?: 'send' | 'sendMail' | 'reply' | 'any' | { method?: string; path?: RegExp };
  /** How many matching requests it hits. Default 1. */
  times?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path after `/v1.0`, e.g. `/me/sendMail`. */
  path: string;
  /** Decoded query string without the leading `?` ('' when none). */
  query: string;
  status: number;
  /** The mailbox owner, when the token was valid. */
  oid?: string;
  /** True for a request carried inside a `$batch`. */
  inBatch: boolean;
  /** The fault that shaped this answer, if any. */
  fault?: FaultKind;
  at: number;
}

export interface EmulatorStats {
  /** Messages accepted beyond 30/minute: Exchange queues them silently; their Sent Items copy is late. */
  rateViolations: number;
  /** 429s for more than 4 concurrent requests. */
  concurrencyRejections: number;
  /** 429s for more than 10,000 requests in 10 minutes. */
  requestRateRejections: number;
  /** Messages accepted (202) over 10,000 recipients in 24 hours, which then bounced with 5.2.2. */
  recipientQuotaRejections: number;
  /** Highest number of requests seen in flight for one mailbox. */
  maxConcurrent: number;
  /** sendMail and reply requests that Exchange accepted (a message went out). */
  accepted: number;
}

export interface Limits {
  concurrentRequests: number;
  requestsPerWindow: number;
  requestWindowMs: number;
  messagesPerMinute: number;
  recipientsPerDay: number;
  batchSize: number;
}

export interface TokenClaims {
  tid: string;
  oid: string;
  scopes: Set<string>;
  azp: string;
  /** Issued-at, seconds since the epoch. */
  iat: number;
}

/** Verifies a bearer token; throws TokenError for anything Graph would answer 401 to. */
export type TokenVerifier = (token: string) => Promise<TokenClaims>;

export interface MailboxEmulatorOptions {
  clock?: Clock;
  verifyToken: TokenVerifier;
  prospectBehaviour?: (address: string) => Behaviour;
  limits?: Partial<Limits>;
  /** Time from accepting a sendMail to delivery (and the earliest the Sent Items copy can appear). Default 2 s. */
  transportDelayMs?: number;
  /**
   * Extra time before the Sent Items copy appears, after transport. Copy timing is undocumented, so the
   * default is late: 90 s. 0 restores the old optimistic timing.
   */
  sentItemsDelayMs?: number;
  /**
   * Exchange's clock minus the client's: every timestamp Exchange stamps (sentDateTime,
   * receivedDateTime) is shifted by this, while visibility follows the shared clock. Default 0.
   */
  exchangeClockOffsetMs?: number;
  /** How an expired or unknown delta token is answered. Default 400 `syncStateNotFound`. */
  expiredDeltaAnswer?: ExpiredDeltaAnswer;
  /** Refuse any `$filter` in delta with 400 (as some mailboxes did in 2022). Default false. */
  deltaFilterRefused?: boolean;
  /** Largest delta page `Prefer: odata.maxpagesize` obtains [guess]. Default 1000. */
  maxDeltaPageSize?: number;
  /** Server-side processing time per request (holds a concurrency slot). Default 0. */
  latencyMs?: number;
  /** How long a delta token stays valid. Default 7 days. */
  deltaTokenLifetimeMs?: number;
  /** Unrelated inbox mail arrives this often (0 disables). Default 4 hours. */
  ambientMailEveryMs?: number;
  /**
   * Mail.ReadBasic and internetMessageHeaders, undocumented (graph-mail.md §1.3): 'returned', 'omitted'
   * (default: the pessimistic case) or 'forbidden' (403), so both paths of Candor can be tested.
   */
  internetMessageHeadersUnderReadBasic?: 'returned' | 'omitted' | 'forbidden';
  /** Seed for ids and generated content, so runs are reproducible. */
  seed?: string;
}

/** A request as the router sees it, from the top level or from inside a `$batch`. */
export interface InternalRequest {
  method: string;
  /** Path after `/v1.0`, always starting with `/`. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Raw body text ('' when none). */
  body: string;
  /** Absolute URL up to and including `/v1.0`, used to build links. */
  base: string;
  inBatch: boolean;
}

export interface InternalResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON value, a string for text bodies, or null for none. */
  body: unknown;
}
