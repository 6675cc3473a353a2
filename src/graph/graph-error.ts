/**
 * Errors the Graph boundary raises. Callers see Graph's own error code (`code`) so they can tell
 * "consent missing" from "mailbox full" without parsing messages.
 */
export class GraphError extends Error {
  override readonly name = 'GraphError';

  constructor(
    /** HTTP status; 0 when no response arrived (timeout, network failure). */
    readonly status: number,
    /** Graph's `error.code`, e.g. `ErrorAccessDenied`, or `timeout` / `networkError` without a response. */
    readonly code: string,
    message: string,
    /** The server's Retry-After in ms when it sent one it could be read. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  /** No connection could be made: the device may be offline (see isConnectionLost in core/mail). */
  get connectionLost(): boolean {
    return this.status === 0 && this.code === 'networkError';
  }
}

/** Thrown before any network call when a request would read message content Candor promises never to read. */
export class HeaderOnlyViolation extends Error {
  override readonly name = 'HeaderOnlyViolation';
}

/** No usable response: the request timed out, the connection failed, or the caller aborted mid-flight. */
export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    readonly kind: 'timeout' | 'network' | 'aborted',
    options?: { cause?: unknown },
  ) {
    super(`Graph request failed: ${kind}`, options);
  }
}

/** The access token could not be obtained, so nothing was sent. */
export class TokenUnavailableError extends Error {
  override readonly name = 'TokenUnavailableError';
}
