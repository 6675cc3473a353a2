/**
 * Errors from Candor's tracking API, typed so the UI can say something useful. Messages are
 * written for the user and never contain tokens, addresses or anything the server echoed.
 */
import { countOf, NOUNS } from '../shared/plural';

export type ApiErrorKind =
  /** Still refused after one fresh token: sign in again. */
  | 'unauthorized'
  /** The tenant is not onboarded or its contract has ended. */
  | 'forbidden'
  | 'not-found'
  | 'invalid-request'
  /** Someone changed it first (e.g. another device registered a newer key): reload, then decide. */
  | 'conflict'
  | 'too-large'
  /** Too many requests, and waiting for Retry-After was not possible within the budget. */
  | 'rate-limited'
  /** The backend (or its identity keys) is temporarily down. */
  | 'unavailable'
  | 'server'
  /** No answer: offline, DNS, TLS, CORS refusal, or the request timed out. */
  | 'network'
  /** The answer did not have the shape this client expects (version skew). */
  | 'bad-response'
  /** A call this client refuses to make, e.g. a Graph token offered as the API token. */
  | 'misconfigured';

const MESSAGES: Record<ApiErrorKind, string> = {
  unauthorized: 'Your sign-in to Candor has expired. Please sign in again.',
  forbidden:
    'Your organisation does not have access to Candor tracking (not set up, or the contract has ended).',
  'not-found': 'Candor could not find that item; it may have been deleted.',
  'invalid-request': 'Candor rejected the request as invalid. This is a bug; please report it.',
  conflict:
    'Something changed on another of your devices in the meantime. Candor will use the latest version; please try again.',
  'too-large':
    'This campaign is too large for Candor’s encrypted backup. It is kept on this device; split large lists into smaller campaigns to have them on every device.',
  'rate-limited': 'Candor is receiving too many requests. Please wait a moment and try again.',
  unavailable:
    'Candor tracking is temporarily unavailable. Your work is kept on this device and will sync later.',
  server: 'Candor tracking had an internal error. Your work is kept on this device and will sync later.',
  network: 'Could not reach Candor tracking. Check your connection; your work is kept on this device.',
  'bad-response': 'Candor tracking answered in an unexpected way. Please update the add-in.',
  misconfigured: 'Candor is misconfigured and refused to send a request. Please report this.',
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    readonly details: {
      status?: number;
      /** The server's short error code, e.g. `version-conflict`. */
      code?: string;
      /** For `rate-limited`: how long the server asked us to wait. */
      retryAfterMs?: number;
      /** The same wait in whole seconds, as the server's body gives it. */
      retryAfterSeconds?: number;
      /** `wrong-secret` (403): wrong recovery answers the user may still give now. */
      attemptsLeft?: number;
      /** `key-changed` (409): the registered key id (null: none). */
      keyId?: string | null;
      /** `tenant-key-changed` (409): the tenant's current recovery key id (null: none). */
      tenantKeyId?: string | null;
      /** `wrong-state` (409): the approval's current state. */
      state?: string;
      cause?: unknown;
    } = {},
  ) {
    super(messageFor(kind, details), details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** Whether trying the same call again later could succeed. */
  get retryable(): boolean {
    return (
      this.kind === 'rate-limited' ||
      this.kind === 'unavailable' ||
      this.kind === 'server' ||
      this.kind === 'network'
    );
  }
}

function messageFor(
  kind: ApiErrorKind,
  details: { code?: string; retryAfterMs?: number; attemptsLeft?: number },
): string {
  if (details.code === 'wrong-secret') {
    const left = details.attemptsLeft ?? 0;
    return left > 0
      ? `That recovery code or passphrase is not right. You can try ${countOf(left, { one: 'time', other: 'times' })} more before Candor asks you to wait.`
      : 'That recovery code or passphrase is not right. Candor now asks you to wait before trying again.';
  }
  if (kind === 'rate-limited' && details.code === 'too-many-attempts') {
    const wait = aboutHours(details.retryAfterMs ?? 60_000);
    return `Too many wrong recovery codes or passphrases. You can try again in about ${wait}; meanwhile you can approve this device from one that has your key.`;
  }
  if (kind === 'invalid-request' && details.code === 'wrong-key')
    return 'Candor was connected on another device since, with a key of its own, so this device’s copy cannot be saved to Candor’s service. Your work is kept on this device, and sending continues here.';
  if (kind === 'rate-limited' && details.code === 'send-limit') {
    const when =
      details.retryAfterMs === undefined
        ? 'This batch is larger than one day allows: send it as several smaller campaigns.'
        : `Candor can send again in about ${aboutHours(details.retryAfterMs)}; your campaign keeps its place.`;
    return `You have reached the 10,000 messages a day Exchange Online allows from one mailbox (counted over the last 24 hours). ${when}`;
  }
  if (kind === 'rate-limited' && details.retryAfterMs !== undefined) {
    const seconds = Math.max(1, Math.ceil(details.retryAfterMs / 1000));
    return `Candor's service is busy; try again in ${countOf(seconds, NOUNS.second)}.`;
  }
  return MESSAGES[kind];
}

function aboutHours(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return countOf(minutes, NOUNS.minute);
  return countOf(Math.ceil(minutes / 60), NOUNS.hour);
}

export function errorKindForStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too-large';
  if (status === 429) return 'rate-limited';
  if (status === 503 || status === 502 || status === 504) return 'unavailable';
  if (status >= 500) return 'server';
  return 'invalid-request';
}
