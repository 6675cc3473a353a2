import type { MiddlewareOptions } from '@microsoft/microsoft-graph-client';

/**
 * Per-request instructions to Candor's middleware and what it observed. One instance rides along each
 * request (through the client's MiddlewareControl), so the typed call that made the request can read
 * back what happened without the library's error wrapping getting in the way.
 */
export class RequestState implements MiddlewareOptions {
  /** HTTP statuses the retry middleware may retry. sendMail: only 429. */
  readonly retryOn: readonly number[];
  /** Graph error codes (lower-case) never worth retrying even on a retryable status, e.g. a spent quota. */
  readonly finalCodes: ReadonlySet<string>;
  /** Attempts made so far (1 = no retry). */
  attempts = 0;
  /** Retry-After of the last retryable response, when readable. */
  lastRetryAfterMs: number | null = null;
  /** True once a request has been handed to fetch: from then on a send may have happened. */
  dispatched = false;
  /** The first error any middleware raised; rethrown as-is to the caller. */
  failure: unknown = undefined;

  constructor(retryOn: readonly number[], finalCodes: ReadonlySet<string> = new Set()) {
    this.retryOn = retryOn;
    this.finalCodes = finalCodes;
  }
}

export function stateOf(context: {
  middlewareControl?: { getMiddlewareOptions(fn: unknown): unknown };
}): RequestState {
  const state = context.middlewareControl?.getMiddlewareOptions(RequestState);
  if (!(state instanceof RequestState))
    throw new Error('Candor Graph middleware needs a RequestState on every request');
  return state;
}
