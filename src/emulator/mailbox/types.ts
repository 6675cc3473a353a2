/**
 * Public and shared types of the mailbox emulator. Shapes that leave the emulator (messages, users,
 * errors) follow Microsoft Graph v1.0's CSDL; see docs/emulator.md for sources.
 */
import type { Clock } from '../../shared/clock';

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

/** What a simulated prospect does with a message it receives. Delays count from delivery. */
export type Behaviour =
  | { kind: 'reply'; delayMs: number }
  | { kind: 'silent' }
  | { kind: 'bounce'; delayMs: number }
  | { kind: 'ooo'; delayMs: number };

export type FaultKind =
  | '429'
  | '503-before-accept'
  | '503-after-accept'
  | 'timeout-after-accept'
  | 'network-error-before-accept'
  | 'revoked';

export interface FaultSpec {
  kind: FaultKind;
  /** For '429': seconds in Retry-After; null sends no Retry-After header. Default 1. */
  retryAfterSeconds?: number | null;
  /** Which requests it hits. Default: POST …/sendMail. 'any' hits the next request of any kind. */
  match?: 'sendMail' | 'any' | { method?: string; path?: RegExp };
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
  /** sendMail refusals for more than 10,000 recipients in 24 hours. */
  recipientQuotaRejections: number;
  /** Highest number of requests seen in flight for one mailbox. */
  maxConcurrent: number;
  /** sendMail requests that Exchange accepted (a message went out). */
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
  /** Time from accepting a sendMail to the copy appearing in Sent Items. Default 2 s. */
  transportDelayMs?: number;
  /** Server-side processing time per request (holds a concurrency slot). Default 0. */
  latencyMs?: number;
  /** How long a delta token stays valid. Default 7 days. */
  deltaTokenLifetimeMs?: number;
  /** Unrelated inbox mail arrives this often (0 disables). Default 4 hours. */
  ambientMailEveryMs?: number;
  /**
   * Mail.ReadBasic and internetMessageHeaders, undocumented (graph-mail.md §1.3): 'returned' (default),
   * 'omitted' or 'forbidden' (403), so Candor's with- and without-headers paths can both be tested.
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
