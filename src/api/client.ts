/**
 * The task pane's one client for Candor's tracking API (/api/v1). It only ever sends the token for
 * Candor's own API scope — never a Graph token, which only Graph can validate (it refuses one if
 * offered) — and no cookies. A 401 gets one retry with a freshly requested token; a 429 on an
 * idempotent call waits for Retry-After (at most `maxRetryAfterMs`, on the injected clock, ended
 * by `signal`) and retries a bounded number of times; everything else becomes an ApiError with a
 * kind the UI can act on. Nothing is retried blindly: POST /sends is not idempotent, so a 429 or a
 * lost answer is reported ("Candor's service is busy; try again in N seconds"), not repeated.
 */
import { z } from 'zod';
import { fromBase64url, toBase64url } from '../shared/base64url';
import { systemClock, type Clock } from '../shared/clock';
import { ApiError, errorKindForStatus } from './errors';

export { ApiError, type ApiErrorKind } from './errors';

export const API_PATH = '/api/v1';

/** `aud` values of Microsoft Graph access tokens. */
const GRAPH_AUDIENCES = new Set([
  '00000003-0000-0000-c000-000000000000',
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
]);

export interface ApiClientOptions {
  /** Origin (and optional path prefix) of the backend, e.g. `https://app.candor.example`. */
  baseUrl: string;
  /** Returns an access token for Candor's API scope; `forceRefresh` after a 401. */
  getApiToken: (options: { forceRefresh: boolean }) => Promise<string>;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Per-request timeout. Default 20 s. */
  timeoutMs?: number;
  /** How many 429s in a row to wait out (idempotent calls only) before giving up. Default 2. */
  maxRateLimitRetries?: number;
  /** Longest single Retry-After wait we accept; longer ones are reported. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Ends any wait and request in flight (e.g. the pane closing); the call rejects with its reason. */
  signal?: AbortSignal;
}

export interface KeyInfo {
  keyId: string;
  publicKey: string;
  updatedAt: number;
}

export interface RegisteredSend {
  sendId: string;
  /** null when opens are not tracked for this send. */
  pixelUrl: string | null;
}

export interface ApiEvent {
  eventId: string;
  sendId: string;
  kind: 'open' | 'reply';
  verdict: 'human' | 'proxy' | 'scanner' | null;
  occurredAt: number;
  sealed: Uint8Array<ArrayBuffer>;
}

export interface EventPage {
  events: ApiEvent[];
  /** Pass as `after` for the next page; null when there is nothing more right now. */
  next: string | null;
}

export interface CampaignStateRecord {
  campaignId: string;
  version: number;
  blob: Uint8Array<ArrayBuffer>;
  updatedAt: number;
}

export type PutStateResult = { ok: true; version: number } | { ok: false; currentVersion: number | null };

export interface CampaignSummary {
  campaignId: string;
  version: number;
  updatedAt: number;
}

export interface TableCounts {
  events: number;
  sends: number;
  campaignStates: number;
  users: number;
  tenants: number;
  /** Present from servers with keys on every device (issue #9). */
  keyBackups?: number;
  approvals?: number;
  leases?: number;
  recoveryAttempts?: number;
}

/** GET /me/key/backups: which backups exist, for which key (no key material). */
export interface KeyBackups {
  /** The registered key's id; null when the account has no key. */
  keyId: string | null;
  recovery: { keyId: string; header: string; createdAt: number } | null;
  split: { keyId: string; createdAt: number } | null;
  tenant: { keyId: string; tenantKeyId: string; createdAt: number } | null;
  tenantRecoveryKey: { keyId: string; publicKey: string } | null;
}

export type ApprovalState = 'created' | 'responded' | 'revealed' | 'granted';

/** A new-device approval request as the server relays it; fields appear as the states are reached. */
export interface Approval {
  id: string;
  state: ApprovalState;
  commitment: string;
  responderNonce?: string;
  publicKey?: string;
  nonce?: string;
  keyId?: string;
  sealedKey?: string;
  createdAt: number;
  expiresAt: number;
}

/** takeLease: this device holds it until expiresAt, or another device does (ask again after the wait). */
export type LeaseAnswer = { held: false; expiresAt: number } | { held: true; retryAfterSeconds: number };

export interface ApiClient {
  /**
   * PUT /me/key — register (or replace) the user's public key; events are sealed to it from now on.
   * With `expectedKeyId` (null: none registered) only if that is the registered key; otherwise
   * ApiError kind `conflict`, code `key-changed`, `details.keyId` = the registered id.
   */
  registerKey(publicKey: string, expectedKeyId?: string | null): Promise<KeyInfo>;
  /** GET /me/key — the registered key, or null when there is none. */
  getKey(): Promise<KeyInfo | null>;
  /** POST /campaigns/:id/sends — one send id and pixel URL per entry, in order. Never retried. */
  registerSends(campaignId: string, sends: readonly { trackOpens: boolean }[]): Promise<RegisteredSend[]>;
  /** GET /events — the user's sealed events after a cursor. */
  listEvents(options?: { after?: string | null; limit?: number }): Promise<EventPage>;
  /** POST /sends/:id/reply — upload reply metadata sealed in the pane. Safe to repeat (same eventId). */
  postReply(
    sendId: string,
    reply: { eventId: string; sealed: Uint8Array },
  ): Promise<{ eventId: string; stored: boolean }>;
  /** PUT /campaigns/:id/state — optimistic: a stale expectedVersion gives `{ ok: false }`, not an error. */
  putCampaignState(
    campaignId: string,
    state: { expectedVersion: number | null; blob: Uint8Array },
  ): Promise<PutStateResult>;
  /** GET /campaigns/:id/state — null when none is stored. */
  getCampaignState(campaignId: string): Promise<CampaignStateRecord | null>;
  /** GET /campaigns — ids and versions of the user's stored campaigns. */
  listCampaigns(): Promise<CampaignSummary[]>;
  /** DELETE /me — disconnect: the backend deletes all the user's rows and key at once. */
  deleteMe(): Promise<{ deleted: TableCounts }>;

  // Keys on every device. A backup for a key that is no longer the registered one is refused:
  // ApiError kind `conflict`, code `key-changed`, `details.keyId`.
  /** GET /me/key/backups */
  getKeyBackups(): Promise<KeyBackups>;
  /** PUT /me/key/backups/recovery — all base64url, from the crypto module's wrapForRecovery. */
  putRecoveryBackup(b: {
    keyId: string;
    header: string;
    wrapped: string;
    verifier: string;
  }): Promise<{ keyId: string; createdAt: number }>;
  /**
   * POST /me/key/backups/recovery/unlock. Never retried. Refusals are ApiErrors: 403 code
   * `wrong-secret` with `details.attemptsLeft`; 429 code `too-many-attempts` with
   * `details.retryAfterSeconds`; 404 (kind `not-found`) when there is no backup.
   */
  unlockRecovery(verifier: string): Promise<{ keyId: string; wrapped: string }>;
  /** PUT /me/key/backups/split — Candor's share (base64url, 32 bytes). */
  putSplitShare(keyId: string, share: string): Promise<{ keyId: string; createdAt: number }>;
  /** GET /me/key/backups/split — null when none is stored. */
  getSplitShare(): Promise<{ keyId: string; share: string } | null>;
  /** PUT /me/key/backups/tenant — 409 code `tenant-key-changed` with `details.tenantKeyId`. */
  putTenantBackup(b: {
    keyId: string;
    tenantKeyId: string;
    blob: string;
  }): Promise<{ keyId: string; createdAt: number }>;
  /** POST /me/key/approvals — 429 `too-many-approvals` when 3 are live. */
  createApproval(commitment: string): Promise<{ id: string; expiresAt: number }>;
  /** GET /me/key/approvals — the live ones. */
  listApprovals(): Promise<Approval[]>;
  /** GET /me/key/approvals/:id — null when expired, denied or unknown. */
  getApproval(id: string): Promise<Approval | null>;
  /** Each step only from the state before it: else ApiError `conflict`, code `wrong-state`, `details.state`. */
  respondApproval(id: string, nonce: string): Promise<Approval>;
  revealApproval(id: string, publicKey: string, nonce: string): Promise<Approval>;
  grantApproval(id: string, keyId: string, sealedKey: string): Promise<Approval>;
  /** DELETE /me/key/approvals/:id — deny or cancel. */
  deleteApproval(id: string): Promise<{ deleted: boolean }>;
  /** PUT /campaigns/:id/lease — 409 becomes `{ held: true, retryAfterSeconds }`, not an error. */
  takeLease(campaignId: string, deviceId: string, seconds: number): Promise<LeaseAnswer>;
  /** DELETE /campaigns/:id/lease — only this device's lease is released. */
  releaseLease(campaignId: string, deviceId: string): Promise<{ released: boolean }>;
  /** PUT /events/:id — replace the event's ciphertext with one sealed (v2) to the registered key. */
  resealEvent(eventId: string, sealed: Uint8Array): Promise<{ eventId: string }>;
}

const keyInfo = z.object({ keyId: z.string(), publicKey: z.string(), updatedAt: z.number() });
const b64 = z.string().transform((s, ctx) => {
  try {
    return fromBase64url(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not base64url' });
    return z.NEVER;
  }
});
const approvalSchema = z.object({
  id: z.string(),
  state: z.enum(['created', 'responded', 'revealed', 'granted']),
  commitment: z.string(),
  responderNonce: z.string().optional(),
  publicKey: z.string().optional(),
  nonce: z.string().optional(),
  keyId: z.string().optional(),
  sealedKey: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
const schemas = {
  key: keyInfo,
  sends: z.object({ sends: z.array(z.object({ sendId: z.string(), pixelUrl: z.string().nullable() })) }),
  events: z.object({
    events: z.array(
      z.object({
        eventId: z.string(),
        sendId: z.string(),
        kind: z.enum(['open', 'reply']),
        verdict: z.enum(['human', 'proxy', 'scanner']).nullable(),
        occurredAt: z.number(),
        sealed: b64,
      }),
    ),
    next: z.string().nullable(),
  }),
  reply: z.object({ eventId: z.string(), stored: z.boolean() }),
  putState: z.object({ version: z.number().int() }),
  conflict: z.object({ error: z.literal('version-conflict'), currentVersion: z.number().int().nullable() }),
  state: z.object({ campaignId: z.string(), version: z.number().int(), blob: b64, updatedAt: z.number() }),
  campaigns: z.object({
    campaigns: z.array(
      z.object({ campaignId: z.string(), version: z.number().int(), updatedAt: z.number() }),
    ),
  }),
  keyBackups: z.object({
    keyId: z.string().nullable(),
    recovery: z.object({ keyId: z.string(), header: z.string(), createdAt: z.number() }).nullable(),
    split: z.object({ keyId: z.string(), createdAt: z.number() }).nullable(),
    tenant: z.object({ keyId: z.string(), tenantKeyId: z.string(), createdAt: z.number() }).nullable(),
    tenantRecoveryKey: z.object({ keyId: z.string(), publicKey: z.string() }).nullable(),
  }),
  stored: z.object({ keyId: z.string(), createdAt: z.number() }),
  unlocked: z.object({ keyId: z.string(), wrapped: z.string() }),
  split: z.object({ keyId: z.string(), share: z.string() }),
  createdApproval: z.object({ id: z.string(), expiresAt: z.number() }),
  approval: approvalSchema,
  approvals: z.object({ approvals: z.array(approvalSchema) }),
  deletedApproval: z.object({ deleted: z.boolean() }),
  lease: z.object({ deviceId: z.string(), expiresAt: z.number(), seconds: z.number() }),
  leased: z.object({ error: z.literal('leased'), retryAfterSeconds: z.number() }),
  released: z.object({ released: z.boolean() }),
  resealed: z.object({ eventId: z.string() }),
  deleted: z.object({
    deleted: z.object({
      events: z.number(),
      sends: z.number(),
      campaignStates: z.number(),
      users: z.number(),
      tenants: z.number(),
      keyBackups: z.number().optional(),
      approvals: z.number().optional(),
      leases: z.number().optional(),
      recoveryAttempts: z.number().optional(),
    }),
  }),
};

interface Call {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Statuses returned to the caller as data instead of thrown. */
  accept?: number[];
  /** Safe to send again after a 429. Default: every method but POST. */
  idempotent?: boolean;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxRateLimitRetries = options.maxRateLimitRetries ?? 2;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const abort = options.signal;
  const root = options.baseUrl.replace(/\/+$/, '') + API_PATH;

  async function token(forceRefresh: boolean): Promise<string> {
    const t = await options.getApiToken({ forceRefresh });
    if (isGraphToken(t)) throw new ApiError('misconfigured', { code: 'graph-token-refused' });
    return t;
  }

  async function send(call: Call, bearer: string): Promise<Response> {
    const url = new URL(root + call.path);
    for (const [k, v] of Object.entries(call.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    abort?.throwIfAborted();
    try {
      return await doFetch(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
        signal: requestSignal(timeoutMs, abort),
      });
    } catch (cause) {
      abort?.throwIfAborted();
      throw new ApiError('network', { cause });
    }
  }

  async function request(call: Call): Promise<{ status: number; body: unknown }> {
    let bearer = await token(false);
    let refreshed = false;
    let rateLimited = 0;
    for (;;) {
      const res = await send(call, bearer);
      if (res.ok || call.accept?.includes(res.status))
        return { status: res.status, body: await readJson(res) };
      const body = await readJson(res).catch(() => undefined);
      const code = errorCode(body);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        bearer = await token(true);
        continue;
      }
      if (res.status === 429) {
        const waitMs = retryAfterMs(res, body, clock.now()) ?? 1000 * 2 ** rateLimited;
        const idempotent = call.idempotent ?? call.method !== 'POST';
        if (idempotent && rateLimited < maxRateLimitRetries && waitMs <= maxRetryAfterMs) {
          rateLimited++;
          await clock.sleep(waitMs, abort);
          continue;
        }
        throw new ApiError('rate-limited', {
          status: 429,
          code,
          retryAfterMs: waitMs,
          retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        });
      }
      throw new ApiError(errorKindForStatus(res.status), { status: res.status, code, ...errorFacts(body) });
    }
  }

  async function call<T>(c: Call, schema: z.ZodType<T>): Promise<T> {
    const { body } = await request(c);
    return parse(schema, body);
  }

  const campaignPath = (id: string) => `/campaigns/${encodeURIComponent(id)}`;
  const approvalPath = (id: string) => `/me/key/approvals/${encodeURIComponent(id)}`;

  return {
    registerKey: (publicKey, expectedKeyId) =>
      call(
        {
          method: 'PUT',
          path: '/me/key',
          body: expectedKeyId === undefined ? { publicKey } : { publicKey, expectedKeyId },
        },
        schemas.key,
      ),

    async getKey() {
      const { status, body } = await request({ method: 'GET', path: '/me/key', accept: [404] });
      return status === 404 ? null : parse(schemas.key, body);
    },

    async registerSends(campaignId, sends) {
      const body = { sends: sends.map((s) => ({ trackOpens: s.trackOpens })) };
      const res = await call(
        { method: 'POST', path: `${campaignPath(campaignId)}/sends`, body },
        schemas.sends,
      );
      if (res.sends.length !== sends.length) throw new ApiError('bad-response', { code: 'send-count' });
      return res.sends;
    },

    listEvents: ({ after, limit } = {}) =>
      call({ method: 'GET', path: '/events', query: { after: after ?? undefined, limit } }, schemas.events),

    postReply: (sendId, reply) =>
      call(
        {
          method: 'POST',
          path: `/sends/${encodeURIComponent(sendId)}/reply`,
          body: { eventId: reply.eventId, sealed: toBase64url(reply.sealed) },
          // The same eventId is stored once, so sending it again is safe.
          idempotent: true,
        },
        schemas.reply,
      ),

    async putCampaignState(campaignId, state) {
      const { status, body } = await request({
        method: 'PUT',
        path: `${campaignPath(campaignId)}/state`,
        body: { expectedVersion: state.expectedVersion, blob: toBase64url(state.blob) },
        accept: [409],
      });
      if (status === 409) return { ok: false, currentVersion: parse(schemas.conflict, body).currentVersion };
      return { ok: true, version: parse(schemas.putState, body).version };
    },

    async getCampaignState(campaignId) {
      const { status, body } = await request({
        method: 'GET',
        path: `${campaignPath(campaignId)}/state`,
        accept: [404],
      });
      return status === 404 ? null : parse(schemas.state, body);
    },

    listCampaigns: async () =>
      (await call({ method: 'GET', path: '/campaigns' }, schemas.campaigns)).campaigns,

    deleteMe: () => call({ method: 'DELETE', path: '/me' }, schemas.deleted),

    getKeyBackups: () => call({ method: 'GET', path: '/me/key/backups' }, schemas.keyBackups),

    putRecoveryBackup: (b) =>
      call(
        {
          method: 'PUT',
          path: '/me/key/backups/recovery',
          body: { keyId: b.keyId, header: b.header, wrapped: b.wrapped, verifier: b.verifier },
        },
        schemas.stored,
      ),

    // POST: a 429 here is the attempt limit, reported with its wait, never waited out silently.
    unlockRecovery: (verifier) =>
      call({ method: 'POST', path: '/me/key/backups/recovery/unlock', body: { verifier } }, schemas.unlocked),

    putSplitShare: (keyId, share) =>
      call({ method: 'PUT', path: '/me/key/backups/split', body: { keyId, share } }, schemas.stored),

    async getSplitShare() {
      const { status, body } = await request({ method: 'GET', path: '/me/key/backups/split', accept: [404] });
      return status === 404 ? null : parse(schemas.split, body);
    },

    putTenantBackup: (b) =>
      call(
        {
          method: 'PUT',
          path: '/me/key/backups/tenant',
          body: { keyId: b.keyId, tenantKeyId: b.tenantKeyId, blob: b.blob },
        },
        schemas.stored,
      ),

    createApproval: (commitment) =>
      call({ method: 'POST', path: '/me/key/approvals', body: { commitment } }, schemas.createdApproval),

    listApprovals: async () =>
      (await call({ method: 'GET', path: '/me/key/approvals' }, schemas.approvals)).approvals,

    async getApproval(id) {
      const { status, body } = await request({ method: 'GET', path: approvalPath(id), accept: [404] });
      return status === 404 ? null : parse(schemas.approval, body);
    },

    // Each step is allowed once, from one state: repeating it is harmless (409), so it may be retried.
    respondApproval: (id, nonce) =>
      call(
        { method: 'POST', path: `${approvalPath(id)}/respond`, body: { nonce }, idempotent: true },
        schemas.approval,
      ),

    revealApproval: (id, publicKey, nonce) =>
      call(
        { method: 'POST', path: `${approvalPath(id)}/reveal`, body: { publicKey, nonce }, idempotent: true },
        schemas.approval,
      ),

    grantApproval: (id, keyId, sealedKey) =>
      call(
        { method: 'POST', path: `${approvalPath(id)}/grant`, body: { keyId, sealedKey }, idempotent: true },
        schemas.approval,
      ),

    deleteApproval: (id) => call({ method: 'DELETE', path: approvalPath(id) }, schemas.deletedApproval),

    async takeLease(campaignId, deviceId, seconds) {
      const { status, body } = await request({
        method: 'PUT',
        path: `${campaignPath(campaignId)}/lease`,
        body: { deviceId, seconds },
        accept: [409],
      });
      if (status === 409)
        return { held: true, retryAfterSeconds: parse(schemas.leased, body).retryAfterSeconds };
      return { held: false, expiresAt: parse(schemas.lease, body).expiresAt };
    },

    releaseLease: (campaignId, deviceId) =>
      call(
        { method: 'DELETE', path: `${campaignPath(campaignId)}/lease`, query: { deviceId } },
        schemas.released,
      ),

    resealEvent: (eventId, sealed) =>
      call(
        {
          method: 'PUT',
          path: `/events/${encodeURIComponent(eventId)}`,
          body: { sealed: toBase64url(sealed) },
        },
        schemas.resealed,
      ),
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new ApiError('bad-response');
  return result.data;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    if (res.ok) throw new ApiError('bad-response', { status: res.status });
    return undefined;
  }
}

/** The facts an error body may carry besides its code (never echoed input). */
function errorFacts(
  body: unknown,
): Pick<ApiError['details'], 'attemptsLeft' | 'keyId' | 'tenantKeyId' | 'state'> {
  const b = (body ?? {}) as Record<string, unknown>;
  const idOrNull = (v: unknown) => typeof v === 'string' || v === null;
  return {
    ...(typeof b.attemptsLeft === 'number' ? { attemptsLeft: b.attemptsLeft } : {}),
    ...(idOrNull(b.keyId) ? { keyId: b.keyId as string | null } : {}),
    ...(idOrNull(b.tenantKeyId) ? { tenantKeyId: b.tenantKeyId as string | null } : {}),
    ...(typeof b.state === 'string' ? { state: b.state } : {}),
  };
}

function errorCode(body: unknown): string | undefined {
  const e = (body as { error?: unknown } | undefined)?.error;
  return typeof e === 'string' ? e : undefined;
}

/**
 * Retry-After as seconds or an HTTP date; the backend also puts `retryAfterSeconds` in the body,
 * because a cross-origin browser may not be allowed to read the header.
 */
function retryAfterMs(res: Response, body: unknown, now: number): number | undefined {
  const header = res.headers.get('retry-after');
  if (header !== null) {
    if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const seconds = (body as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The per-request timeout, ended early by the client's own signal when there is one. */
function requestSignal(timeoutMs: number, abort: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!abort) return timeout;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([timeout, abort]);
  const both = new AbortController(); // older WebKit hosts lack AbortSignal.any
  for (const s of [timeout, abort]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener('abort', () => both.abort(s.reason), { once: true, signal: both.signal });
  }
  return both.signal;
}

/** Reads `aud` without verifying (that is the server's job) to refuse sending a Graph token. */
function isGraphToken(token: string): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(new TextDecoder().decode(fromBase64urlLoose(payload))) as { aud?: unknown };
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return aud.some((a) => typeof a === 'string' && GRAPH_AUDIENCES.has(a.toLowerCase()));
  } catch {
    return false;
  }
}

/** JWT segments are unpadded base64url, but other issuers' tokens need not be canonical. */
function fromBase64urlLoose(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
