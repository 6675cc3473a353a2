import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { MailHeaderRecord, MailSender, OutgoingMail, SendOutcome } from '../core/mail';
import { systemClock, type Clock } from '../shared/clock';
import { GraphError, TokenUnavailableError, TransportError } from './graph-error';
import { MESSAGE_HEADER_FIELDS, PROFILE_FIELDS } from './message-fields';
import { BearerAuth, ConcurrencyGate, HeaderOnlyGuard, HttpHandler, RetryPolicy } from './middleware/chain';
import { RequestState } from './middleware/request-state';
import { toHeaderRecord, type GraphMessageJson } from './records';
import { DEFAULT_BACKOFF } from './retry-timing';
import { classifySendResponse, customHeaderProblem, FATAL_SEND_CODES, sendMailBody } from './send-outcome';

export interface GraphOptions {
  /** Graph's version root; the emulator or a test can stand in. */
  baseUrl?: string;
  /** A Graph access token (never Candor's API token). Called before every attempt; MSAL caches. */
  getAccessToken: () => Promise<string>;
  fetch?: typeof fetch;
  /** Time for throttle waits (Retry-After, backoff); the demo's fast clock may stand in. */
  clock?: Clock;
  /**
   * Time for the per-attempt network timeout. Default the system clock: a network timeout is wall-clock
   * time even when `clock` runs fast in the demo. Tests pass their ManualClock.
   */
  timeoutClock?: Clock;
  /** Retries after a 429 (reads: also 503/504) before giving up. Default 3. */
  maxThrottleRetries?: number;
  /** Whole-exchange timeout per attempt (headers and body). Default 30 s. */
  requestTimeoutMs?: number;
  /** A Retry-After longer than this is reported, not slept through. Default 120 s. */
  maxRetryWaitMs?: number;
  /** Requests on the wire at once; Outlook allows 4 per app and mailbox. Default 4. */
  maxConcurrentRequests?: number;
  /** Jitter source in [0, 1); tests inject a fixed one. */
  random?: () => number;
}

export interface GraphProfile {
  id: string;
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
}

export interface InboxDeltaState {
  /** The `@odata.deltaLink` returned by the previous round. Absent: a full sync. */
  deltaLink?: string;
  /** For a full sync (first or restarted): only messages received at or after this ISO time. */
  receivedSince?: string;
}

export interface InboxDeltaResult {
  /** New or changed Inbox messages, header fields only, one per id. */
  messages: MailHeaderRecord[];
  removedIds: string[];
  /** Store this and pass it back next round. */
  deltaLink: string;
  /** True when this round enumerated the whole (filtered) Inbox rather than changes since a deltaLink. */
  fullSync: boolean;
  /** True when Graph no longer knew the stored deltaLink (410 / syncStateNotFound) and a full sync was run instead. */
  restarted: boolean;
}

/** Candor's whole view of Microsoft Graph: typed calls, headers only. */
export interface Graph extends MailSender {
  getProfile(signal?: AbortSignal): Promise<GraphProfile>;
  sendMail(mail: OutgoingMail, signal?: AbortSignal): Promise<SendOutcome>;
  listSentSince(since: string, signal?: AbortSignal): Promise<MailHeaderRecord[]>;
  inboxDelta(state?: InboxDeltaState, signal?: AbortSignal): Promise<InboxDeltaResult>;
  /**
   * A received message's internet headers (for the reply's connecting-server IP), or null when Graph
   * will not return them — undocumented under Mail.ReadBasic, so absence is normal.
   */
  getInternetHeaders(
    messageId: string,
    signal?: AbortSignal,
  ): Promise<{ name: string; value: string }[] | null>;
}

export const GRAPH_V1_BASE_URL = 'https://graph.microsoft.com/v1.0';

/** Statuses an idempotent read may retry; a send retries only 429. */
const READ_RETRY_STATUSES = [429, 503, 504] as const;
const SEND_RETRY_STATUSES = [429] as const;
const MAX_PAGES = 1_000;
/** Graph's maximum `$top` for messages: one request usually covers a whole reconciliation window. */
const PAGE_SIZE = 1000;

interface Exchange {
  status: number;
  json: unknown;
  retryAfterMs: number | null;
}

export function createGraph(options: GraphOptions): Graph {
  const baseUrl = new URL(options.baseUrl ?? GRAPH_V1_BASE_URL).href.replace(/\/+$/, '');
  const versionAt = baseUrl.lastIndexOf('/');
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  // Candor's own chain: no stock RetryHandler (it re-POSTs sendMail on 503/504 and duplicates mail).
  const client = Client.initWithMiddleware({
    baseUrl: baseUrl.slice(0, versionAt),
    defaultVersion: baseUrl.slice(versionAt + 1),
    middleware: [
      new HeaderOnlyGuard(),
      new RetryPolicy({
        clock,
        maxRetries: options.maxThrottleRetries ?? 3,
        maxWaitMs: options.maxRetryWaitMs ?? 120_000,
        backoff: { ...DEFAULT_BACKOFF, random: options.random ?? Math.random },
      }),
      new ConcurrencyGate(options.maxConcurrentRequests ?? 4),
      new BearerAuth(new URL(baseUrl).origin, options.getAccessToken),
      new HttpHandler(fetchImpl, options.timeoutClock ?? systemClock, options.requestTimeoutMs ?? 30_000),
    ],
  });

  async function exchange(
    method: 'GET' | 'POST',
    path: string,
    policy: { retryOn: readonly number[]; finalCodes?: ReadonlySet<string> },
    signal: AbortSignal | undefined,
    body?: unknown,
  ): Promise<Exchange> {
    const state = new RequestState(policy.retryOn, policy.finalCodes);
    let request = client.api(path).responseType(ResponseType.RAW).middlewareOptions([state]);
    if (signal) request = request.option('signal', signal);
    try {
      const response = (method === 'GET' ? await request.get() : await request.post(body)) as Response;
      return {
        status: response.status,
        json: parseJson(await response.text()),
        retryAfterMs: state.lastRetryAfterMs,
      };
    } catch (err) {
      // The library wraps middleware errors; the state kept the original.
      throw state.failure ?? err;
    }
  }

  async function getJson<T>(path: string, signal: AbortSignal | undefined): Promise<T> {
    let result: Exchange;
    try {
      result = await exchange('GET', path, { retryOn: READ_RETRY_STATUSES }, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof TransportError) {
        throw new GraphError(0, err.kind === 'timeout' ? 'timeout' : 'networkError', err.message);
      }
      throw err;
    }
    if (result.status >= 200 && result.status < 300) return result.json as T;
    const { code, message } = graphErrorBody(result.json);
    throw new GraphError(
      result.status,
      code || `HTTP${result.status}`,
      message || `Graph answered ${result.status}`,
      result.retryAfterMs,
    );
  }

  /** A nextLink/deltaLink is followed only if it stays under our Graph base URL. */
  function relative(link: string): string {
    if (!link.startsWith(`${baseUrl}/`)) {
      throw new GraphError(
        0,
        'untrustedLink',
        'Graph returned a paging link outside the configured Graph base URL',
      );
    }
    return link.slice(baseUrl.length + 1);
  }

  async function allPages(first: string, signal: AbortSignal | undefined): Promise<GraphMessageJson[]> {
    const items: GraphMessageJson[] = [];
    let next: string | undefined = first;
    for (let page = 0; next !== undefined; page++) {
      if (page >= MAX_PAGES) throw new GraphError(0, 'tooManyPages', `Stopped after ${MAX_PAGES} pages`);
      const body: CollectionPage = await getJson<CollectionPage>(next, signal);
      items.push(...(body.value ?? []));
      next = body['@odata.nextLink'] ? relative(body['@odata.nextLink']) : undefined;
    }
    return items;
  }

  return {
    async getProfile(signal) {
      const me = await getJson<Partial<GraphProfile>>(
        `me?${query({ $select: PROFILE_FIELDS.join(',') })}`,
        signal,
      );
      return {
        id: me.id ?? '',
        displayName: me.displayName ?? '',
        mail: me.mail ?? null,
        userPrincipalName: me.userPrincipalName ?? '',
      };
    },

    async sendMail(mail, signal) {
      const problem = customHeaderProblem(mail.headers);
      if (problem) {
        return {
          kind: 'rejected',
          code: 'InvalidInternetMessageHeaderCollection',
          message: problem,
          fatal: false,
        };
      }
      try {
        const result = await exchange(
          'POST',
          'me/sendMail',
          { retryOn: SEND_RETRY_STATUSES, finalCodes: FATAL_SEND_CODES },
          signal,
          sendMailBody(mail),
        );
        const { code, message } = graphErrorBody(result.json);
        return classifySendResponse(result.status, code, message, result.retryAfterMs);
      } catch (err) {
        // Once dispatched, a lost response means the mail may have gone out: report, never retry.
        if (err instanceof TransportError) {
          return err.kind === 'network'
            ? { kind: 'unknown', reason: err.kind, connectionLost: true }
            : { kind: 'unknown', reason: err.kind };
        }
        if (err instanceof TokenUnavailableError) {
          return { kind: 'rejected', code: 'TokenUnavailable', message: err.message, fatal: true };
        }
        throw err;
      }
    },

    async listSentSince(since, signal) {
      const path = `me/mailFolders/sentitems/messages?${query({
        $select: MESSAGE_HEADER_FIELDS.join(','),
        // Graph requires the $orderby property to lead the $filter (else InefficientFilter).
        $filter: `sentDateTime ge ${isoInstant(since)}`,
        $orderby: 'sentDateTime desc',
        $top: String(PAGE_SIZE),
      })}`;
      return (await allPages(path, signal)).map(toHeaderRecord);
    },

    async inboxDelta(state = {}, signal) {
      const initial = `me/mailFolders/inbox/messages/delta?${query({
        $select: MESSAGE_HEADER_FIELDS.join(','),
        ...(state.receivedSince ? { $filter: `receivedDateTime ge ${isoInstant(state.receivedSince)}` } : {}),
      })}`;
      let restarted = false;
      let next = state.deltaLink ? relative(state.deltaLink) : initial;
      const messages = new Map<string, MailHeaderRecord>();
      const removed = new Set<string>();
      for (let page = 0; page < MAX_PAGES; page++) {
        let body: DeltaPage;
        try {
          body = await getJson<DeltaPage>(next, signal);
        } catch (err) {
          if (restarted || !syncStateLost(err)) throw err;
          restarted = true;
          messages.clear();
          removed.clear();
          next = initial;
          continue;
        }
        for (const item of body.value ?? []) {
          if (item['@removed']) {
            messages.delete(item.id);
            removed.add(item.id);
          } else {
            removed.delete(item.id);
            messages.set(item.id, toHeaderRecord(item));
          }
        }
        const deltaLink = body['@odata.deltaLink'];
        if (deltaLink) {
          // Never hand the caller a link the next round would refuse to follow.
          relative(deltaLink);
          return {
            messages: [...messages.values()],
            removedIds: [...removed],
            deltaLink,
            fullSync: restarted || !state.deltaLink,
            restarted,
          };
        }
        const nextLink = body['@odata.nextLink'];
        if (!nextLink)
          throw new GraphError(200, 'malformedDelta', 'A delta page had neither a nextLink nor a deltaLink');
        next = relative(nextLink);
      }
      throw new GraphError(0, 'tooManyPages', `Stopped after ${MAX_PAGES} pages`);
    },

    async getInternetHeaders(messageId, signal) {
      try {
        const m = await getJson<GraphMessageJson>(
          `me/messages/${encodeURIComponent(messageId)}?${query({ $select: 'internetMessageHeaders' })}`,
          signal,
        );
        return m.internetMessageHeaders ?? null;
      } catch (err) {
        if (err instanceof GraphError && (err.status === 400 || err.status === 403)) return null;
        throw err;
      }
    },
  };
}

interface CollectionPage {
  value?: GraphMessageJson[];
  '@odata.nextLink'?: string;
}

interface DeltaPage extends CollectionPage {
  '@odata.deltaLink'?: string;
}

function syncStateLost(err: unknown): boolean {
  if (!(err instanceof GraphError)) return false;
  return (
    err.status === 410 ||
    ['syncstatenotfound', 'resyncrequired', 'syncstateinvalid'].includes(err.code.toLowerCase())
  );
}

function graphErrorBody(json: unknown): { code: string; message: string } {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : '',
    message: typeof error?.message === 'string' ? error.message : '',
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** OData query string; values percent-encoded, commas kept readable. */
function query(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/gi, ',')}`)
    .join('&');
}

function isoInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO 8601 date-time: ${value}`);
  return new Date(ms).toISOString();
}
