import { signalOf } from '../../shared/abort';
import { systemClock } from '../../shared/clock';
import { runBatch } from './batch';
import { limitKey, type EmulatorCore, type HandlerContext } from './context';
import { GraphFailure, graphError, methodNotAllowed } from './errors';
import { FaultQueue } from './faults';
import { IdSource } from './ids';
import { DEFAULT_LIMITS, LimitTracker } from './limits';
import { fillFolder, type FillOptions } from './bulk';
import { Mailbox, type Delivery, type MailboxAction } from './mailbox';
import { defaultBehaviour } from './prospects';
import { route } from './router';
import { TokenError } from './token';
import type {
  Behaviour,
  EmulatorStats,
  ExpiredDeltaAnswer,
  FaultKind,
  FaultSpec,
  FolderName,
  GraphMessage,
  InternalRequest,
  InternalResponse,
  MailboxEmulatorOptions,
  RequestLogEntry,
  SendingBlock,
  TokenClaims,
  UserRecord,
} from './types';

export type * from './types';
export type { Delivery, MailboxAction } from './mailbox';
export type { FillOptions } from './bulk';
export type { Language } from './languages';
export { LANGUAGES, LOCALES } from './languages';
export { BOUNCE_STATUS } from './ndr';
export { jwksTokenVerifier, TokenError } from './token';
export { defaultBehaviour, connectingIp, TAG_DELAYS } from './prospects';
export { DEFAULT_LIMITS } from './limits';

export interface MailboxEmulator {
  /**
   * Answers one Graph v1.0 request. Any origin; the route is the path after `/v1.0/`. A request that
   * hangs ends when `signal` (default `request.signal`) aborts. Pass the caller's own signal when the
   * Request was built from it: in Node a Request follows its init signal only through a weak
   * reference, and a Request collected while it hangs would never hear the abort.
   */
  fetch(request: Request, signal?: AbortSignal): Promise<Response>;
  /** The same, shaped like the global `fetch`, for clients that take a fetch function. */
  readonly fetchFn: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Adds (or resets) a user's mailbox. */
  addUser(user: UserRecord): void;
  hasUser(oid: string): boolean;
  /** Sent Items as Graph would return them (with body); `includePending` adds copies still in transport. */
  sentItems(oid: string, options?: { includePending?: boolean }): GraphMessage[];
  /** The Inbox at the clock's now (replies, bounces, out-of-office answers, unrelated mail). */
  inbox(oid: string, options?: { includePending?: boolean }): GraphMessage[];
  /**
   * What prospects' servers received from this mailbox, custom X- headers included;
   * `includePending: false` leaves out what is still in transport at the clock's now.
   */
  deliveries(oid: string, options?: { includePending?: boolean }): Delivery[];
  readonly requestLog: readonly RequestLogEntry[];
  clearRequestLog(): void;
  /** Queues a fault for the next matching request(s); faults apply in the order injected. */
  injectFault(spec: FaultSpec | FaultKind): void;
  clearFaults(): void;
  readonly pendingFaults: number;
  readonly stats: Readonly<EmulatorStats>;
  /** Lifts a 'revoked' fault for a user: even tokens issued before it are accepted again. */
  restoreAccess(oid: string): void;
  /**
   * Forgets every delta token of a mailbox (or all), so the next delta call is refused with
   * `expiredDeltaAnswer` (optionally changed here first).
   */
  expireDeltaTokens(oid?: string, answer?: ExpiredDeltaAnswer): void;
  /** Junk Email (or any folder) at the clock's now, newest first. */
  folder(oid: string, folder: FolderName, options?: { includePending?: boolean }): GraphMessage[];
  /**
   * Does to a message what a user or a rule would: read, flag, move (new id), delete (to Deleted
   * Items, new id), purge. `at` schedules it on the clock. Returns the message's id after the action
   * (the same for read/flag), or null when no visible message has that id.
   */
  act(oid: string, messageId: string, action: MailboxAction, options?: { at?: number }): string | null;
  /** Replaces the behaviour of one prospect address (case-insensitive); null restores the default. */
  setProspectBehaviour(address: string, behaviour: Behaviour | null): void;
  /** Adds `count` unrelated, already-delivered messages (fast: a 50,000-message Inbox in about a second). */
  fillFolder(oid: string, folder: FolderName, count: number, options?: FillOptions): void;
  /**
   * From now on our own Exchange refuses every message of this mailbox: sendMail still answers 202 and
   * an NDR follows (5.2.2 quota, 5.7.233 tenant limit, 5.1.8 spam restriction). null lifts it.
   */
  blockSending(oid: string, reason: SendingBlock | null): void;
  /** Changes scenario switches while running (tests, the demo). */
  configure(patch: ScenarioSwitches): void;
}

/** Switches a test or the demo may change while the emulator runs. */
export type ScenarioSwitches = Partial<
  Pick<
    MailboxEmulatorOptions,
    | 'internetMessageHeadersUnderReadBasic'
    | 'expiredDeltaAnswer'
    | 'deltaFilterRefused'
    | 'sentItemsDelayMs'
    | 'transportDelayMs'
    | 'exchangeClockOffsetMs'
    | 'maxDeltaPageSize'
    | 'deltaTokenLifetimeMs'
  >
>;

const CAE_CHALLENGE =
  'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp';

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/** The query as the caller wrote it, decoded, for the request log. */
function pathText(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function queryText(query: URLSearchParams): string {
  return [...query].map(([k, v]) => `${k}=${v}`).join('&');
}

function toResponse(
  res: InternalResponse,
  requestId: string,
  clientRequestId: string | null,
  now: number,
): Response {
  const headers = new Headers(res.headers);
  headers.set('request-id', requestId);
  headers.set('client-request-id', clientRequestId ?? requestId);
  headers.set('Date', new Date(now).toUTCString());
  const body = res.body === null ? null : typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  return new Response(body, { status: res.status, headers });
}

/**
 * A stateful Microsoft Graph v1.0 mailbox for tests and the demo: sendMail, Sent Items, an Inbox that
 * fills with prospects' answers as the injected clock moves, delta sync, `$batch`, scope checks,
 * Outlook's and Exchange's limits, and injectable faults. See docs/emulator.md.
 */
export function createMailboxEmulator(options: MailboxEmulatorOptions): MailboxEmulator {
  const clock = options.clock ?? systemClock;
  const ids = new IdSource(options.seed ?? 'candor-emulator');
  const limits = new LimitTracker({ ...DEFAULT_LIMITS, ...options.limits });
  const faults = new FaultQueue();
  const mailboxes = new Map<string, Mailbox>();
  const log: RequestLogEntry[] = [];
  const latencyMs = options.latencyMs ?? 0;
  const ambientEveryMs = options.ambientMailEveryMs ?? 4 * 3_600_000;

  async function authenticate(
    req: InternalRequest,
    requestId: string,
  ): Promise<TokenClaims | InternalResponse> {
    const header = req.headers.get('authorization') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
    try {
      return await options.verifyToken(token);
    } catch (err) {
      const message = err instanceof TokenError ? err.message : 'Access token validation failure.';
      return graphError(
        401,
        'InvalidAuthenticationToken',
        message,
        { now: clock.now(), requestId },
        { 'WWW-Authenticate': WWW_AUTHENTICATE },
      );
    }
  }

  async function run(
    req: InternalRequest,
    fault?: FaultKind,
    requestId = ids.uuid(),
  ): Promise<{ res: InternalResponse; entry: RequestLogEntry }> {
    const entry: RequestLogEntry = {
      method: req.method,
      path: pathText(req.path),
      query: queryText(req.query),
      status: 0,
      inBatch: req.inBatch,
      at: clock.now(),
      ...(fault ? { fault } : {}),
    };
    log.push(entry);
    const res = await answer(req, requestId, entry);
    entry.status = res.status;
    return { res, entry };
  }

  async function answer(
    req: InternalRequest,
    requestId: string,
    entry: RequestLogEntry,
  ): Promise<InternalResponse> {
    const fail = (err: GraphFailure) =>
      graphError(err.status, err.code, err.message, { now: clock.now(), requestId }, err.headers);
    const claims = await authenticate(req, requestId);
    if ('status' in claims) return claims;
    entry.oid = claims.oid;
    const mailbox = mailboxes.get(claims.oid);
    if (!mailbox) {
      return fail(
        new GraphFailure(
          404,
          'MailboxNotEnabledForRESTAPI',
          'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
        ),
      );
    }
    if (mailbox.revokedAtSeconds !== null && claims.iat <= mailbox.revokedAtSeconds) {
      const challenge = `${WWW_AUTHENTICATE}, error="insufficient_claims"`;
      return fail(
        new GraphFailure(401, 'InvalidAuthenticationToken', CAE_CHALLENGE, { 'WWW-Authenticate': challenge }),
      );
    }
    try {
      if (req.path.toLowerCase() === '/$batch' && !req.inBatch) {
        if (req.method !== 'POST') throw methodNotAllowed();
        return await runBatch(core, req, requestId);
      }
      const admission = limits.admit(limitKey(claims), clock.now());
      if (!admission.ok) {
        const which = admission.reason === 'concurrency' ? 'MailboxConcurrency' : 'MailboxRequestRate';
        return fail(
          new GraphFailure(429, 'ApplicationThrottled', `Application is over its ${which} limit.`, {
            'Retry-After': String(admission.retryAfterSeconds),
          }),
        );
      }
      try {
        if (latencyMs > 0) await clock.sleep(latencyMs);
        const ctx: HandlerContext = { core, req, claims, mailbox, now: clock.now(), requestId };
        return route(ctx);
      } finally {
        admission.release();
      }
    } catch (err) {
      if (err instanceof GraphFailure) return fail(err);
      throw err;
    }
  }

  const overrides = new Map<string, Behaviour>();
  const baseBehaviour = options.prospectBehaviour ?? defaultBehaviour;
  const core: EmulatorCore = {
    clock,
    ids,
    limits,
    transportDelayMs: options.transportDelayMs ?? 2000,
    sentItemsDelayMs: options.sentItemsDelayMs ?? 90_000,
    exchangeClockOffsetMs: options.exchangeClockOffsetMs ?? 0,
    deltaTokenLifetimeMs: options.deltaTokenLifetimeMs ?? 7 * 24 * 3_600_000,
    expiredDeltaAnswer: options.expiredDeltaAnswer ?? 'badRequest-syncStateNotFound',
    deltaFilterRefused: options.deltaFilterRefused ?? false,
    maxDeltaPageSize: options.maxDeltaPageSize ?? 1000,
    prospectBehaviour: (address) => overrides.get(address.toLowerCase()) ?? baseBehaviour(address),
    headersUnderReadBasic: options.internetMessageHeadersUnderReadBasic ?? 'omitted',
    dispatch: async (req) => (await run(req)).res,
  };

  async function toInternal(request: Request): Promise<InternalRequest | null> {
    const url = new URL(request.url);
    const at = url.pathname.toLowerCase().indexOf('/v1.0');
    if (at < 0) return null;
    const method = request.method.toUpperCase();
    return {
      method,
      path: url.pathname.slice(at + '/v1.0'.length) || '/',
      query: url.searchParams,
      headers: request.headers,
      body: method === 'GET' || method === 'HEAD' ? '' : await request.text(),
      base: `${url.origin}${url.pathname.slice(0, at + '/v1.0'.length)}`,
      inBatch: false,
    };
  }

  function neverUntilAborted(signal: AbortSignal): Promise<never> {
    // Like fetch: the promise rejects with the signal's reason once the caller gives up.
    return new Promise((_, reject) => {
      const abort = () =>
        reject(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    });
  }

  async function handle(request: Request, signal: AbortSignal = request.signal): Promise<Response> {
    const req = await toInternal(request);
    const clientRequestId = request.headers.get('client-request-id');
    if (!req) {
      const id = ids.uuid();
      return toResponse(
        graphError(404, 'NotFound', 'Only /v1.0 is emulated.', { now: clock.now(), requestId: id }),
        id,
        clientRequestId,
        clock.now(),
      );
    }
    const fault = faults.take(req.method, req.path);
    const logShortCircuit = (status: number) =>
      log.push({
        method: req.method,
        path: pathText(req.path),
        query: queryText(req.query),
        status,
        inBatch: false,
        at: clock.now(),
        fault: fault!.kind,
      });
    const now = clock.now();
    const requestId = ids.uuid();
    switch (fault?.kind) {
      case 'network-error-before-accept':
        logShortCircuit(0);
        throw new TypeError('fetch failed');
      case '429': {
        logShortCircuit(429);
        const seconds = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
        const headers: Record<string, string> = seconds === null ? {} : { 'Retry-After': String(seconds) };
        return toResponse(
          graphError(429, 'TooManyRequests', 'Please retry again later.', { now, requestId }, headers),
          requestId,
          clientRequestId,
          now,
        );
      }
      case '503-before-accept':
        logShortCircuit(503);
        return toResponse(serverBusy(now, requestId), requestId, clientRequestId, now);
      case '500':
      case '502':
      case '504': {
        const status = Number(fault.kind);
        logShortCircuit(status);
        // Codes as Graph's error reference names them; the bodies of real gateway errors vary [guess].
        const code =
          { 500: 'generalException', 502: 'BadGateway', 504: 'GatewayTimeout' }[status] ?? 'generalException';
        return toResponse(
          graphError(status, code, 'The service is temporarily unavailable.', { now, requestId }),
          requestId,
          clientRequestId,
          now,
        );
      }
      case 'revoked': {
        const claims = await authenticate(req, requestId);
        if (!('status' in claims)) {
          const mailbox = mailboxes.get(claims.oid);
          if (mailbox) mailbox.revokedAtSeconds = Math.floor(now / 1000);
        }
        break;
      }
      default:
        break;
    }
    const { res, entry } = await run(req, fault?.kind, requestId);
    const accepted = res.status === 202;
    if (accepted && fault?.kind === '503-after-accept') {
      entry.status = 503;
      return toResponse(serverBusy(clock.now(), requestId), requestId, clientRequestId, clock.now());
    }
    if (accepted && fault?.kind === 'timeout-after-accept') {
      entry.status = 0;
      return neverUntilAborted(signal);
    }
    return toResponse(res, requestId, clientRequestId, clock.now());
  }

  function serverBusy(now: number, requestId: string): InternalResponse {
    return graphError(
      503,
      'ErrorServerBusy',
      'The server cannot service this request right now. Try again later.',
      { now, requestId },
    );
  }

  function mailboxOf(oid: string): Mailbox {
    const m = mailboxes.get(oid);
    if (!m) throw new Error('No such user in the emulator');
    return m;
  }

  function folderView(oid: string, folder: FolderName, includePending = false): GraphMessage[] {
    const m = mailboxOf(oid);
    m.advance(clock.now());
    const list = includePending ? m.all(folder) : m.visible(clock.now(), folder);
    return list.sort((a, b) => b.seq - a.seq).map((s) => structuredClone(s.data));
  }

  return {
    fetch: handle,
    fetchFn: (input, init) =>
      handle(input instanceof Request && !init ? input : new Request(input, init), signalOf(input, init)),
    addUser(user) {
      mailboxes.set(user.oid, new Mailbox(user, ids, clock.now(), ambientEveryMs));
    },
    hasUser: (oid) => mailboxes.has(oid),
    sentItems: (oid, o) => folderView(oid, 'sentitems', o?.includePending),
    inbox: (oid, o) => folderView(oid, 'inbox', o?.includePending),
    deliveries: (oid, { includePending = true } = {}) =>
      structuredClone(
        mailboxOf(oid).deliveries.filter((d) => includePending || d.deliveredAt <= clock.now()),
      ),
    get requestLog() {
      return log;
    },
    clearRequestLog() {
      log.length = 0;
    },
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    get pendingFaults() {
      return faults.pending;
    },
    get stats() {
      return { ...limits.stats };
    },
    restoreAccess(oid) {
      mailboxOf(oid).revokedAtSeconds = null;
    },
    expireDeltaTokens(oid, answer) {
      if (answer) core.expiredDeltaAnswer = answer;
      for (const [key, m] of mailboxes) if (!oid || key === oid) m.syncStates.clear();
    },
    folder: (oid, folder, o) => folderView(oid, folder, o?.includePending),
    act(oid, messageId, action, o) {
      const m = mailboxOf(oid);
      const found = m.find(messageId, clock.now());
      if (!found) return null;
      if (o?.at !== undefined && o.at > clock.now()) {
        m.schedule(found, action, o.at);
        return found.data.id;
      }
      return m.apply(found, action, clock.now());
    },
    setProspectBehaviour(address, behaviour) {
      if (behaviour) overrides.set(address.toLowerCase(), behaviour);
      else overrides.delete(address.toLowerCase());
    },
    fillFolder(oid, folder, count, o) {
      fillFolder(mailboxOf(oid), folder, count, clock.now(), o);
    },
    blockSending(oid, reason) {
      mailboxOf(oid).sendingBlock = reason;
    },
    configure(patch) {
      if (patch.internetMessageHeadersUnderReadBasic)
        core.headersUnderReadBasic = patch.internetMessageHeadersUnderReadBasic;
      if (patch.expiredDeltaAnswer) core.expiredDeltaAnswer = patch.expiredDeltaAnswer;
      if (patch.deltaFilterRefused !== undefined) core.deltaFilterRefused = patch.deltaFilterRefused;
      if (patch.sentItemsDelayMs !== undefined) core.sentItemsDelayMs = patch.sentItemsDelayMs;
      if (patch.transportDelayMs !== undefined) core.transportDelayMs = patch.transportDelayMs;
      if (patch.exchangeClockOffsetMs !== undefined) core.exchangeClockOffsetMs = patch.exchangeClockOffsetMs;
      if (patch.maxDeltaPageSize !== undefined) core.maxDeltaPageSize = patch.maxDeltaPageSize;
      if (patch.deltaTokenLifetimeMs !== undefined) core.deltaTokenLifetimeMs = patch.deltaTokenLifetimeMs;
    },
  };
}
