import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { abortable } from '../../shared/abort';
import type { Clock } from '../../shared/clock';
import { assertHeaderOnly } from '../header-guard';
import { TokenUnavailableError, TransportError } from '../graph-error';
import { backoffDelay, parseRetryAfter, type BackoffOptions } from '../retry-timing';
import { stateOf } from './request-state';

/** Base for Candor's middleware: each link calls the next one it was chained to. */
abstract class Link implements Middleware {
  #next: Middleware | undefined;

  setNext(next: Middleware): void {
    this.#next = next;
  }

  protected next(context: Context): Promise<void> {
    if (!this.#next) throw new Error(`${this.constructor.name} has no next middleware`);
    return this.#next.execute(context);
  }

  abstract execute(context: Context): Promise<void>;
}

function urlOf(context: Context): string {
  const r = context.request;
  return typeof r === 'string' ? r : r.url;
}

/**
 * First link: enforces the header-only promise before anything else happens (no token, no network),
 * and records the first error so the typed call sees it unwrapped.
 */
export class HeaderOnlyGuard extends Link {
  async execute(context: Context): Promise<void> {
    const state = stateOf(context);
    try {
      assertHeaderOnly(urlOf(context), context.options?.method ?? 'GET', context.options?.body);
      await this.next(context);
    } catch (err) {
      state.failure ??= err;
      throw err;
    }
  }
}

export interface RetryPolicyOptions {
  clock: Clock;
  maxRetries: number;
  /** Longer server-requested waits are not slept through; the throttle is reported instead. */
  maxWaitMs: number;
  backoff: BackoffOptions;
}

/**
 * Retries only the statuses the request's state allows (sendMail: 429; reads: 429/503/504), waiting
 * Retry-After when readable and exponential backoff with jitter otherwise, on the injected clock.
 * Timeouts and network errors are never retried here: a send may already have happened.
 */
export class RetryPolicy extends Link {
  readonly #options: RetryPolicyOptions;

  constructor(options: RetryPolicyOptions) {
    super();
    this.#options = options;
  }

  async execute(context: Context): Promise<void> {
    const state = stateOf(context);
    const { clock, maxRetries, maxWaitMs, backoff } = this.#options;
    for (let attempt = 0; ; attempt++) {
      state.attempts = attempt + 1;
      await this.next(context);
      const response = context.response;
      if (!response || !state.retryOn.includes(response.status)) return;
      if (state.finalCodes.has((await errorCode(response)).toLowerCase())) return;
      const retryAfter = parseRetryAfter(response.headers.get('Retry-After'), clock.now());
      state.lastRetryAfterMs = retryAfter;
      const wait = retryAfter ?? backoffDelay(attempt, backoff);
      if (attempt >= maxRetries || wait > maxWaitMs) return;
      await clock.sleep(wait, context.options?.signal ?? undefined);
    }
  }
}

/**
 * Holds at most `limit` requests on the wire at once: Outlook allows 4 concurrent requests per app and
 * mailbox and answers a fifth with 429 MailboxConcurrency. Waits for throttling are not held here.
 */
export class ConcurrencyGate extends Link {
  readonly #limit: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    super();
    if (!(limit >= 1)) throw new RangeError('maxConcurrentRequests must be at least 1');
    this.#limit = limit;
  }

  async execute(context: Context): Promise<void> {
    if (this.#inFlight >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#inFlight++;
    try {
      await this.next(context);
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#inFlight--;
    }
  }
}

/** Graph's `error.code` from a buffered response, without consuming it. */
async function errorCode(response: Response): Promise<string> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : '';
  } catch {
    return '';
  }
}

/** Adds the bearer token, and only for Candor's configured Graph origin: a token never leaves for another host. */
export class BearerAuth extends Link {
  readonly #origin: string;
  readonly #getAccessToken: () => Promise<string>;

  constructor(origin: string, getAccessToken: () => Promise<string>) {
    super();
    this.#origin = origin;
    this.#getAccessToken = getAccessToken;
  }

  async execute(context: Context): Promise<void> {
    const url = new URL(urlOf(context));
    if (url.origin !== this.#origin) throw new Error(`Refusing to send a Graph token to ${url.origin}`);
    let token: string;
    try {
      token = await this.#getAccessToken();
    } catch (err) {
      throw new TokenUnavailableError('Could not obtain a Microsoft Graph access token', { cause: err });
    }
    const headers = new Headers(context.options?.headers);
    headers.set('Authorization', `Bearer ${token}`);
    context.options = { ...context.options, headers };
    await this.next(context);
  }
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Last link: calls the injected fetch under a timeout measured on the injected clock, and buffers the
 * body so the whole exchange — headers and body — fits inside that timeout. The timeout is
 * authoritative: the wait is raced against this link's own abort, so a fetch that never reacts to its
 * signal (in Node, a Request collected while it hangs forgets its caller's signal) still ends here.
 */
export class HttpHandler implements Middleware {
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;
  readonly #timeoutMs: number;

  constructor(fetchImpl: typeof fetch, clock: Clock, timeoutMs: number) {
    this.#fetch = fetchImpl;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  async execute(context: Context): Promise<void> {
    const state = stateOf(context);
    const callerSignal = context.options?.signal ?? undefined;
    if (callerSignal?.aborted) throw callerSignal.reason;

    const controller = new AbortController();
    const stopTimer = new AbortController();
    let timedOut = false;
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    this.#clock.sleep(this.#timeoutMs, stopTimer.signal).then(
      () => {
        timedOut = true;
        controller.abort(new TransportError('timeout'));
      },
      () => undefined,
    );

    try {
      state.dispatched = true;
      const { signal } = controller;
      const response = await abortable(this.#fetch(context.request, { ...context.options, signal }), signal);
      const body = NULL_BODY_STATUSES.has(response.status)
        ? null
        : await abortable(response.arrayBuffer(), signal);
      context.response = new Response(body && body.byteLength > 0 ? body : null, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (err) {
      const kind = timedOut ? 'timeout' : callerSignal?.aborted ? 'aborted' : 'network';
      throw new TransportError(kind, { cause: err });
    } finally {
      stopTimer.abort();
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }
}
