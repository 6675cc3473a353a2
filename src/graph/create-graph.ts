import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { MailHeaderRecord, MailSender, OutgoingMail, ReplyOutcome, SendOutcome } from '../core/mail';
import { systemClock, type Clock } from '../shared/clock';
import { GraphError, TokenUnavailableError, TransportError } from './graph-error';
import { MESSAGE_HEADER_FIELDS, PROFILE_FIELDS } from './message-fields';
import { BearerAuth, ConcurrencyGate, HeaderOnlyGuard, HttpHandler, RetryPolicy } from './middleware/chain';
import { RequestState } from './middleware/request-state';
import { toHeaderRecord, type GraphMessageJson } from './records';
import { classifyReplyResponse, internetMessageIdFilter, replyBody } from './reply';
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

/** The folders Candor watches for answers: replies also land in Junk Email (graph-mail.md §3.2). */
export type WatchedFolder = 'inbox' | 'junkemail';

export interface FolderDeltaState {
  /** The `@odata.deltaLink` returned by the previous round for the same folder. Absent: a full sync. */
  deltaLink?: string;
  /** For a full sync (first or restarted): only messages received at or after this ISO time. */
  receivedSince?: string;
}

export interface FolderDeltaResult {
  /**
   * New or changed messages of the folder, header fields only, one per id (the latest version seen):
   * upsert them by id. A message read, flagged or otherwise changed is reported again with the same id;
   * a message moved away is reported in `removedIds` (and appears under a new id where it went).
   */
  messages: MailHeaderRecord[];
  /** Ids Graph reported `@removed` (deleted, or moved out of the folder). */
  removedIds: string[];
  /** Store this and pass it back next round. */
  deltaLink: string;
  /** True when this round enumerated the whole (filtered) folder rather than changes since a deltaLink. */
  fullSync: boolean;
  /** True when Graph no longer knew the sync state (410, or a 4xx such as syncStateNotFound) and a full sync ran instead. */
  restarted: boolean;
  /**
   * True when Graph refused the `receivedDateTime ge …` filter (400) and the full sync ran without it:
   * the round then covers the whole folder, older mail included.
   */
  fallbackUnfiltered: boolean;
}

/** What `getInternetHeaders` found. Never thrown for 400/403/404. */
export type InternetHeadersResult =
  | { status: 'ok'; headers: { name: string; value: string }[] }
  /** 404: the message was moved or deleted since it was listed. Skip it; delta reports where it went. */
  | { status: 'gone' }
  /**
   * Graph will not give headers: `forbidden` (403; remembered for the rest of the session, no more
   * requests), `omitted` (200 without them, e.g. Sent Items or Mail.ReadBasic leaving them out) or
   * `badRequest` (400).
   */
  | { status: 'unavailable'; reason: 'forbidden' | 'omitted' | 'badRequest' };

/** Candor's whole view of Microsoft Graph: typed calls, headers only. */
export interface Graph extends MailSender {
  getProfile(signal?: AbortSignal): Promise<GraphProfile>;
  sendMail(mail: OutgoingMail, signal?: AbortSignal): Promise<SendOutcome>;
  listSentSince(since: string, signal?: AbortSignal): Promise<MailHeaderRecord[]>;
  /** A reply in the thread of `messageId` (Mail.Send); see MailSender.reply and docs/auth-and-graph.md. */
  reply(messageId: string, mail: OutgoingMail, signal?: AbortSignal): Promise<ReplyOutcome>;
  /** A message anywhere in the mailbox by its internetMessageId (Mail.ReadBasic), or null. */
  findMessage(internetMessageId: string, signal?: AbortSignal): Promise<MailHeaderRecord | null>;
  /**
   * One delta round of a watched folder: follows every nextLink to the deltaLink (no page cap), restarts
   * a full sync when Graph lost the sync state, and drops the date filter when Graph refuses it.
   */
  mailFolderDelta(
    folder: WatchedFolder,
    state?: FolderDeltaState,
    signal?: AbortSignal,
  ): Promise<FolderDeltaResult>;
  /**
   * The idle poll: every folder's stored deltaLink asked in one JSON `$batch` (one HTTP request). A
   * folder whose answer is one complete page (a new deltaLink, no nextLink) gets its result; any other
   * answer (more pages, lost sync state, an error, or the batch itself failing) gets null, and the
   * caller runs `mailFolderDelta` for it from the same link — delta links can be read again.
   */
  pollFolderDeltas(
    links: Partial<Record<WatchedFolder, string>>,
    signal?: AbortSignal,
  ): Promise<Partial<Record<WatchedFolder, FolderDeltaResult | null>>>;
  /**
   * A received message's internet headers (Auto-Submitted, NDR markers, connecting-server IP). Graph's
   * behaviour under Mail.ReadBasic is undocumented, so `unavailable` is normal; `gone` means skip it.
   */
  getInternetHeaders(messageId: string, signal?: AbortSignal): Promise<InternetHeadersResult>;
}

export const GRAPH_V1_BASE_URL = 'https://graph.microsoft.com/v1.0';

/** Statuses an idempotent read may retry; a send retries only 429. */
const READ_RETRY_STATUSES = [429, 503, 504] as const;
const SEND_RETRY_STATUSES = [429] as const;
/** Graph's maximum `$top` for messages: one request usually covers a whole reconciliation window. */
const PAGE_SIZE = 1000;
/** Asked of delta with `Prefer: odata.maxpagesize`; Graph may answer with smaller pages. */
const DELTA_PAGE_SIZE = 1000;
/** Full resyncs one delta call may start after Graph lost its sync state (a nextLink can expire mid-sync too). */
const MAX_DELTA_RESTARTS = 2;

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
    headers: Record<string, string> = {},
  ): Promise<Exchange> {
    const state = new RequestState(policy.retryOn, policy.finalCodes);
    let request = client.api(path).responseType(ResponseType.RAW).middlewareOptions([state]);
    if (Object.keys(headers).length > 0) request = request.headers(headers);
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

  async function getJson<T>(
    path: string,
    signal: AbortSignal | undefined,
    headers: Record<string, string> = {},
  ): Promise<T> {
    let result: Exchange;
    try {
      result = await exchange('GET', path, { retryOn: READ_RETRY_STATUSES }, signal, undefined, headers);
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
    const followed = new LinkLoopGuard();
    let next: string | undefined = first;
    while (next !== undefined) {
      followed.visit(next);
      const body: CollectionPage = await getJson<CollectionPage>(next, signal);
      items.push(...(body.value ?? []));
      next = body['@odata.nextLink'] ? relative(body['@odata.nextLink']) : undefined;
    }
    return items;
  }

  /** One round of `mailFolders/{folder}/messages/delta`; see `Graph.mailFolderDelta`. */
  async function folderDelta(
    folder: WatchedFolder,
    state: FolderDeltaState,
    signal: AbortSignal | undefined,
  ): Promise<FolderDeltaResult> {
    const since = state.receivedSince ? isoInstant(state.receivedSince) : undefined;
    const initial = (filtered: boolean) =>
      `me/mailFolders/${folder}/messages/delta?${query({
        $select: MESSAGE_HEADER_FIELDS.join(','),
        ...(filtered && since ? { $filter: `receivedDateTime ge ${since}` } : {}),
      })}`;
    // Options ride inside the tokens; the page size is a header and must be sent on every page.
    const prefer = { Prefer: `odata.maxpagesize=${DELTA_PAGE_SIZE}` };
    let filtered = since !== undefined;
    let fromStart = !state.deltaLink;
    let onFirstPage = fromStart;
    let restarts = 0;
    let fallbackUnfiltered = false;
    let next = state.deltaLink ? relative(state.deltaLink) : initial(filtered);
    let followed = new LinkLoopGuard();
    const messages = new Map<string, MailHeaderRecord>();
    const removed = new Set<string>();
    const startOver = () => {
      messages.clear();
      removed.clear();
      followed = new LinkLoopGuard();
      fromStart = true;
      onFirstPage = true;
      next = initial(filtered);
    };
    for (;;) {
      followed.visit(next);
      let body: DeltaPage;
      try {
        body = await getJson<DeltaPage>(next, signal, prefer);
      } catch (err) {
        if (syncStateLost(err) && restarts < MAX_DELTA_RESTARTS) {
          restarts++;
          startOver();
          continue;
        }
        if (filtered && onFirstPage && filterRefused(err)) {
          filtered = false;
          fallbackUnfiltered = true;
          startOver();
          continue;
        }
        throw err;
      }
      onFirstPage = false;
      applyDeltaPage(body, messages, removed);
      const deltaLink = body['@odata.deltaLink'];
      if (deltaLink) {
        // Never hand the caller a link the next round would refuse to follow.
        relative(deltaLink);
        return {
          messages: [...messages.values()],
          removedIds: [...removed],
          deltaLink,
          fullSync: fromStart,
          restarted: restarts > 0,
          fallbackUnfiltered,
        };
      }
      const nextLink = body['@odata.nextLink'];
      if (!nextLink)
        throw new GraphError(200, 'malformedDelta', 'A delta page had neither a nextLink nor a deltaLink');
      next = relative(nextLink);
    }
  }

  /** One delta page read as a whole round: upserts by id, `@removed` ids, the deltaLink. */
  function completePage(body: DeltaPage | undefined): FolderDeltaResult | null {
    const deltaLink = body?.['@odata.deltaLink'];
    if (!body || !deltaLink || body['@odata.nextLink'] || !deltaLink.startsWith(`${baseUrl}/`)) return null;
    const messages = new Map<string, MailHeaderRecord>();
    const removed = new Set<string>();
    applyDeltaPage(body, messages, removed);
    return {
      messages: [...messages.values()],
      removedIds: [...removed],
      deltaLink,
      fullSync: false,
      restarted: false,
      fallbackUnfiltered: false,
    };
  }

  /**
   * One message-sending POST (sendMail, reply): retried only on 429. Once dispatched, a lost response
   * means the mail may have gone out: reported as `unknown`, never retried.
   */
  async function postSend<T extends ReplyOutcome>(
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    classify: (status: number, code: string, message: string, retryAfterMs: number | null) => T,
  ): Promise<T | SendOutcome> {
    try {
      const result = await exchange(
        'POST',
        path,
        { retryOn: SEND_RETRY_STATUSES, finalCodes: FATAL_SEND_CODES },
        signal,
        body,
      );
      const { code, message } = graphErrorBody(result.json);
      return classify(result.status, code, message, result.retryAfterMs);
    } catch (err) {
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
  }

  /** Set after Graph answered 403 to `$select=internetMessageHeaders`: this session asks no more. */
  let headersForbidden = false;

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
      if (problem) return headerRejection(problem);
      return postSend('me/sendMail', sendMailBody(mail), signal, classifySendResponse);
    },

    async reply(messageId, mail, signal) {
      const problem = customHeaderProblem(mail.headers);
      if (problem) return headerRejection(problem);
      const path = `me/messages/${encodeURIComponent(messageId)}/reply`;
      return postSend(path, replyBody(mail), signal, classifyReplyResponse);
    },

    async findMessage(internetMessageId, signal) {
      const path = `me/messages?${query({
        $filter: internetMessageIdFilter(internetMessageId),
        $select: MESSAGE_HEADER_FIELDS.join(','),
        $top: '1',
      })}`;
      const page = await getJson<CollectionPage>(path, signal);
      const first = page.value?.[0];
      return first ? toHeaderRecord(first) : null;
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

    async pollFolderDeltas(links, signal) {
      const asked = (Object.entries(links) as [WatchedFolder, string | undefined][]).filter(
        (e): e is [WatchedFolder, string] => typeof e[1] === 'string' && e[1] !== '',
      );
      const out: Partial<Record<WatchedFolder, FolderDeltaResult | null>> = {};
      for (const [folder] of asked) out[folder] = null;
      if (asked.length === 0) return out;
      const requests = asked.map(([folder, link]) => ({
        id: folder,
        method: 'GET',
        url: `/${relative(link)}`,
        headers: { Prefer: `odata.maxpagesize=${DELTA_PAGE_SIZE}` },
      }));
      let result: Exchange;
      try {
        result = await exchange('POST', '$batch', { retryOn: READ_RETRY_STATUSES }, signal, { requests });
      } catch {
        if (signal?.aborted) throw signal.reason;
        return out; // the caller asks folder by folder
      }
      if (result.status !== 200) return out;
      const answers = (result.json as { responses?: { id?: unknown; status?: unknown; body?: unknown }[] })
        ?.responses;
      for (const answer of answers ?? []) {
        const folder = asked.find(([f]) => f === answer.id)?.[0];
        if (!folder || answer.status !== 200) continue;
        out[folder] = completePage(answer.body as DeltaPage | undefined);
      }
      return out;
    },

    mailFolderDelta(folder, state = {}, signal) {
      return folderDelta(folder, state, signal);
    },

    async getInternetHeaders(messageId, signal) {
      if (headersForbidden) return { status: 'unavailable', reason: 'forbidden' };
      try {
        const m = await getJson<GraphMessageJson>(
          `me/messages/${encodeURIComponent(messageId)}?${query({ $select: 'internetMessageHeaders' })}`,
          signal,
        );
        const headers = m.internetMessageHeaders;
        return headers && headers.length > 0
          ? { status: 'ok', headers }
          : { status: 'unavailable', reason: 'omitted' };
      } catch (err) {
        if (!(err instanceof GraphError)) throw err;
        if (err.status === 404) return { status: 'gone' };
        if (err.status === 403) {
          // Mail.ReadBasic refusing the property is a property of the grant, not of this message.
          headersForbidden = true;
          return { status: 'unavailable', reason: 'forbidden' };
        }
        if (err.status === 400) return { status: 'unavailable', reason: 'badRequest' };
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

/**
 * Graph no longer knows the sync state: 410 Gone, or any 4xx "with error codes such as
 * syncStateNotFound" (delta-query-overview.md) — resyncRequired, syncStateInvalid,
 * ErrorInvalidSyncStateData, an invalid or expired delta/skip token. 401/403/429 are never this.
 */
/** One delta page into a round's result: upserts by id (the latest wins) and `@removed` ids. */
function applyDeltaPage(
  page: DeltaPage,
  messages: Map<string, MailHeaderRecord>,
  removed: Set<string>,
): void {
  for (const item of page.value ?? []) {
    if (typeof item?.id !== 'string') continue;
    if (item['@removed']) {
      messages.delete(item.id);
      removed.add(item.id);
    } else {
      removed.delete(item.id);
      messages.set(item.id, toHeaderRecord(item));
    }
  }
}

function syncStateLost(err: unknown): boolean {
  if (!(err instanceof GraphError)) return false;
  if (err.status === 410) return true;
  if (err.status < 400 || err.status >= 500 || [401, 403, 429].includes(err.status)) return false;
  return /syncstate|resync|(delta|skip)\s*token/i.test(err.code);
}

/** A 400 on the first page of a filtered delta: Graph refused the `receivedDateTime` filter (graph-mail.md §5). */
function filterRefused(err: unknown): boolean {
  return err instanceof GraphError && err.status === 400;
}

/**
 * No page cap (a 50,000-message first sync must finish); only a guard against Graph handing back a
 * link already followed in this round, which would otherwise loop for ever.
 */
class LinkLoopGuard {
  readonly #seen = new Set<string>();

  visit(link: string): void {
    if (this.#seen.has(link))
      throw new GraphError(0, 'pagingLoop', 'Graph returned a paging link already followed in this round');
    this.#seen.add(link);
  }
}

function headerRejection(problem: string): SendOutcome {
  return { kind: 'rejected', code: 'InvalidInternetMessageHeaderCollection', message: problem, fatal: false };
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
