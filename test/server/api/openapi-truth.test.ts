/**
 * The published OpenAPI document tells the whole truth: every route is called with good input and
 * with every kind of bad input a client or attacker can send — no token, unknown or malformed
 * parameters, bad JSON, the wrong content type, an oversize body, too many requests, a store
 * fault, the key set down — and every status that comes back must be documented for that route.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteKeySource } from '../../../src/server/auth/key-source';
import { createStore } from '../../../src/server/store/create-store';
import type { Store } from '../../../src/server/store/store';
import { bearer, id128, openHarness, publicKeyB64, type Harness } from './harness';
import { opaqueSealedReply, registeredUserKey } from './sealed-uploads';
import { fromBase64url, toBase64url } from '../../../src/shared/base64url';

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

interface UserCtx {
  headers: Record<string, string>;
  sendId: string;
  stateBlob: (version: number) => Promise<string>;
  publicKey: string;
  keyId: string;
  /** An approval request in state `created`, a reply event, and the stored recovery verifier. */
  approvalId: string;
  eventId: string;
  verifier: string;
}

const b64 = (n: number) => randomBytes(n).toString('base64url');
const TENANT_RECOVERY_KEY_ID = id128();
const DEVICE_ID = randomUUID();

/** Each documented operation with a request that should succeed for a prepared user. */
const OPERATIONS: Record<
  string,
  {
    method: Method;
    url: (u: UserCtx) => string;
    body?: (u: UserCtx) => Promise<unknown> | unknown;
    badPath?: string;
    /** Brings the prepared user to where the good request succeeds (e.g. an approval's state). */
    setup?: (u: UserCtx, h: Harness) => Promise<void>;
  }
> = {
  'PUT /api/v1/me/key': {
    method: 'PUT',
    url: () => '/api/v1/me/key',
    body: (u) => ({ publicKey: u.publicKey }),
  },
  'GET /api/v1/me/key': { method: 'GET', url: () => '/api/v1/me/key' },
  'DELETE /api/v1/me': { method: 'DELETE', url: () => '/api/v1/me' },
  'POST /api/v1/campaigns/{campaignId}/sends': {
    method: 'POST',
    url: () => '/api/v1/campaigns/c1/sends',
    body: () => ({ sends: [{ trackOpens: true }] }),
    badPath: '/api/v1/campaigns/has%20space/sends',
  },
  'POST /api/v1/sends/{sendId}/reply': {
    method: 'POST',
    url: (u) => `/api/v1/sends/${u.sendId}/reply`,
    body: (u) => ({ eventId: id128(), sealed: opaqueSealedReply(u.publicKey) }),
    badPath: '/api/v1/sends/not-an-id/reply',
  },
  'GET /api/v1/events': { method: 'GET', url: () => '/api/v1/events' },
  'PUT /api/v1/campaigns/{campaignId}/state': {
    method: 'PUT',
    url: () => '/api/v1/campaigns/c1/state',
    body: async (u) => ({ expectedVersion: null, blob: await u.stateBlob(1) }),
    badPath: '/api/v1/campaigns/has%20space/state',
  },
  'GET /api/v1/campaigns/{campaignId}/state': {
    method: 'GET',
    url: () => '/api/v1/campaigns/c0/state',
    badPath: `/api/v1/campaigns/${'x'.repeat(65)}/state`,
  },
  'GET /api/v1/campaigns': { method: 'GET', url: () => '/api/v1/campaigns' },
  'GET /api/v1/me/key/backups': { method: 'GET', url: () => '/api/v1/me/key/backups' },
  'PUT /api/v1/me/key/backups/recovery': {
    method: 'PUT',
    url: () => '/api/v1/me/key/backups/recovery',
    body: (u) => ({ keyId: u.keyId, header: b64(120), wrapped: b64(124), verifier: b64(32) }),
  },
  'POST /api/v1/me/key/backups/recovery/unlock': {
    method: 'POST',
    url: () => '/api/v1/me/key/backups/recovery/unlock',
    body: (u) => ({ verifier: u.verifier }),
  },
  'PUT /api/v1/me/key/backups/split': {
    method: 'PUT',
    url: () => '/api/v1/me/key/backups/split',
    body: (u) => ({ keyId: u.keyId, share: b64(32) }),
  },
  'GET /api/v1/me/key/backups/split': { method: 'GET', url: () => '/api/v1/me/key/backups/split' },
  'PUT /api/v1/me/key/backups/tenant': {
    method: 'PUT',
    url: () => '/api/v1/me/key/backups/tenant',
    body: (u) => ({ keyId: u.keyId, tenantKeyId: TENANT_RECOVERY_KEY_ID, blob: b64(177) }),
  },
  'POST /api/v1/me/key/approvals': {
    method: 'POST',
    url: () => '/api/v1/me/key/approvals',
    body: () => ({ commitment: b64(32) }),
  },
  'GET /api/v1/me/key/approvals': { method: 'GET', url: () => '/api/v1/me/key/approvals' },
  'GET /api/v1/me/key/approvals/{id}': {
    method: 'GET',
    url: (u) => `/api/v1/me/key/approvals/${u.approvalId}`,
    badPath: '/api/v1/me/key/approvals/not-an-id',
  },
  'POST /api/v1/me/key/approvals/{id}/respond': {
    method: 'POST',
    url: (u) => `/api/v1/me/key/approvals/${u.approvalId}/respond`,
    body: () => ({ nonce: b64(32) }),
    badPath: '/api/v1/me/key/approvals/not-an-id/respond',
  },
  'POST /api/v1/me/key/approvals/{id}/reveal': {
    method: 'POST',
    url: (u) => `/api/v1/me/key/approvals/${u.approvalId}/reveal`,
    body: (u) => ({ publicKey: u.publicKey, nonce: b64(32) }),
    badPath: '/api/v1/me/key/approvals/not-an-id/reveal',
    setup: (u, h) => approvalTo(h, u, 'responded'),
  },
  'POST /api/v1/me/key/approvals/{id}/grant': {
    method: 'POST',
    url: (u) => `/api/v1/me/key/approvals/${u.approvalId}/grant`,
    body: (u) => ({ keyId: u.keyId, sealedKey: b64(177) }),
    badPath: '/api/v1/me/key/approvals/not-an-id/grant',
    setup: (u, h) => approvalTo(h, u, 'revealed'),
  },
  'DELETE /api/v1/me/key/approvals/{id}': {
    method: 'DELETE',
    url: (u) => `/api/v1/me/key/approvals/${u.approvalId}`,
    badPath: '/api/v1/me/key/approvals/not-an-id',
  },
  'PUT /api/v1/campaigns/{campaignId}/lease': {
    method: 'PUT',
    url: () => '/api/v1/campaigns/c1/lease',
    body: () => ({ deviceId: DEVICE_ID, seconds: 60 }),
    badPath: '/api/v1/campaigns/has%20space/lease',
  },
  'DELETE /api/v1/campaigns/{campaignId}/lease': {
    method: 'DELETE',
    url: () => `/api/v1/campaigns/c1/lease?deviceId=${DEVICE_ID}`,
    badPath: `/api/v1/campaigns/has%20space/lease?deviceId=${DEVICE_ID}`,
  },
  'PUT /api/v1/events/{eventId}': {
    method: 'PUT',
    url: (u) => `/api/v1/events/${u.eventId}`,
    body: (u) => ({ sealed: resealed(u) }),
    badPath: '/api/v1/events/not-an-id',
  },
};

/** A sealed event v2 as the server sees it: version, the registered key id, a P-256 point, random bytes. */
function resealed(u: UserCtx): string {
  return toBase64url(
    Uint8Array.from([2, ...fromBase64url(u.keyId), ...fromBase64url(u.publicKey), ...randomBytes(100)]),
  );
}

/** Moves the prepared user's approval on to `state`, through the API as the two devices would. */
async function approvalTo(h: Harness, u: UserCtx, state: 'responded' | 'revealed'): Promise<void> {
  const post = (step: string, payload: unknown) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/me/key/approvals/${u.approvalId}/${step}`,
      headers: u.headers,
      payload: payload as string,
    });
  expect((await post('respond', { nonce: b64(32) })).statusCode).toBe(200);
  if (state === 'revealed')
    expect((await post('reveal', { publicKey: u.publicKey, nonce: b64(32) })).statusCode).toBe(200);
}

/**
 * A store whose calls fail while `failing` is set (except auth's access check, getAccess, unless
 * `failingAccess` is set too).
 */
function faultyStore(inner: Store): Store & { failing: boolean; failingAccess: boolean } {
  const box = { failing: false, failingAccess: false };
  return new Proxy(inner as Store & { failing: boolean; failingAccess: boolean }, {
    get(target, prop, receiver) {
      if (prop === 'failing') return box.failing;
      if (prop === 'failingAccess') return box.failingAccess;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (box.failing && (prop !== 'getAccess' || box.failingAccess))
          throw new Error('simulated store fault');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
    set(_target, prop, value) {
      if (prop !== 'failing' && prop !== 'failingAccess') return false;
      box[prop] = Boolean(value);
      return true;
    },
  });
}

describe('OpenAPI documents every status each route gives', () => {
  let h: Harness;
  let store: Store & { failing: boolean; failingAccess: boolean };
  let storeDir: string;
  let tid: string;
  let doc: {
    paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: unknown[] }>>;
  };
  const observed = new Map<string, Set<number>>();

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), 'candor-openapi-'));
    const inner = await createStore(join(storeDir, 'candor.sqlite'));
    await inner.migrate();
    store = faultyStore(inner);
    h = await openHarness('sqlite', '', {
      env: { RATE_LIMIT_USER_PER_MINUTE: '40', RATE_LIMIT_IP_PER_MINUTE: '100000', MAX_STATE_BYTES: '4096' },
      deps: { store },
    });
    tid = randomUUID();
    await store.upsertTenant({ tid, contractEndsAt: null }, h.clock.now());
    await store.setTenantRecoveryKey(
      tid,
      { keyId: TENANT_RECOVERY_KEY_ID, publicKey: fromBase64url(await publicKeyB64()), updatedAt: 0 },
      h.clock.now(),
    );
    doc = (await h.app.inject({ url: '/openapi.json' })).json();
  });
  afterAll(async () => {
    await h.close();
    await store.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  /** A fresh user with a registered key, a send and a stored state (campaign c0). */
  async function prepared(): Promise<UserCtx> {
    const oid = randomUUID();
    const headers = bearer(await h.token(tid, oid));
    const key = await registeredUserKey(h.app, { tid, oid }, headers);
    const sends = await h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/c1/sends',
      headers,
      payload: { sends: [{ trackOpens: true }] },
    });
    const state = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/campaigns/c0/state',
      headers,
      payload: { expectedVersion: null, blob: await key.stateBlob('c0', 1) },
    });
    expect(state.statusCode).toBe(200);
    const sendId = sends.json().sends[0].sendId as string;
    const eventId = id128();
    const put = (url: string, payload: unknown, method: 'PUT' | 'POST' = 'PUT') =>
      h.app.inject({ method, url: `/api/v1${url}`, headers, payload: payload as string });
    const reply = await put(
      `/sends/${sendId}/reply`,
      { eventId, sealed: await key.sealReply(sendId, eventId) },
      'POST',
    );
    expect(reply.statusCode).toBe(201);
    const verifier = b64(32);
    const backup = { keyId: key.keyId, header: b64(120), wrapped: b64(124), verifier };
    expect((await put('/me/key/backups/recovery', backup)).statusCode).toBe(200);
    expect((await put('/me/key/backups/split', { keyId: key.keyId, share: b64(32) })).statusCode).toBe(200);
    const approval = await put('/me/key/approvals', { commitment: b64(32) }, 'POST');
    expect(approval.statusCode).toBe(201);
    return {
      headers,
      sendId,
      stateBlob: (version) => key.stateBlob('c1', version),
      publicKey: key.publicKey,
      keyId: key.keyId,
      approvalId: approval.json().id as string,
      eventId,
      verifier,
    };
  }

  async function record(
    op: string,
    request: { method: Method; url: string; headers?: Record<string, string>; payload?: unknown },
  ): Promise<number> {
    const res = await h.app.inject({
      method: request.method,
      url: request.url,
      headers: request.headers,
      payload: request.payload as string,
    });
    note(op, res.statusCode);
    return res.statusCode;
  }

  function note(op: string, status: number): void {
    const set = observed.get(op) ?? new Set<number>();
    set.add(status);
    observed.set(op, set);
  }

  it('lists every operation the battery calls', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, m]) =>
      Object.keys(m).map((v) => `${v.toUpperCase()} ${p}`),
    );
    expect(ops.sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it('answers good and bad input only with documented statuses', async () => {
    for (const [op, o] of Object.entries(OPERATIONS)) {
      const u = await prepared();
      await o.setup?.(u, h);
      const json = o.body ? { ...u.headers, 'content-type': 'application/json' } : u.headers;
      const good = {
        method: o.method,
        url: o.url(u),
        headers: json,
        payload: o.body ? JSON.stringify(await o.body(u)) : undefined,
      };
      expect(await record(op, good), `${op} good`).toBeLessThan(300);
      expect(
        await record(op, { ...good, headers: { 'content-type': 'application/json' } }),
        `${op} no token`,
      ).toBe(401);
      expect(await record(op, { ...good, headers: { ...json, authorization: 'Bearer x.y.z' } })).toBe(401);
      expect(await record(op, { ...good, url: `${good.url}?evil=1` }), `${op} unknown query`).toBe(400);
      if (o.badPath) expect(await record(op, { ...good, url: o.badPath }), `${op} bad path`).toBe(400);
      if (o.method !== 'GET') {
        const asJson = { ...good, headers: { ...u.headers, 'content-type': 'application/json' } };
        expect(await record(op, { ...asJson, payload: '{not json' }), `${op} bad JSON`).toBe(400);
        expect(await record(op, { ...asJson, payload: '{"unexpected":true}' }), `${op} wrong shape`).toBe(
          400,
        );
        expect(
          await record(op, {
            ...good,
            headers: { ...u.headers, 'content-type': 'text/plain' },
            payload: 'hello',
          }),
          `${op} text/plain`,
        ).toBe(415);
        expect(
          await record(op, {
            ...good,
            headers: { ...u.headers, 'content-type': 'application/xml' },
            payload: '<a/>',
          }),
        ).toBe(415);
        const huge = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
        expect(await record(op, { ...asJson, payload: huge }), `${op} oversize`).toBe(413);
      }
      store.failing = true;
      try {
        expect(await record(op, good), `${op} store fault`).toBe(500);
      } finally {
        store.failing = false;
      }
    }
  });

  it('answers route-specific mistakes with documented statuses', async () => {
    const u = await prepared();
    const events = 'GET /api/v1/events';
    for (const limit of ['0x10', '%205', '5%20', '+5', '05', '1e2', '0', '501', '5.0', '-1'])
      expect(
        await record(events, { method: 'GET', url: `/api/v1/events?limit=${limit}`, headers: u.headers }),
        limit,
      ).toBe(400);
    expect(await record(events, { method: 'GET', url: '/api/v1/events?limit=500', headers: u.headers })).toBe(
      200,
    );
    expect(
      await record(events, { method: 'GET', url: '/api/v1/events?limit=1&limit=2', headers: u.headers }),
    ).toBe(400);
    for (const after of ['%3Cscript%3E', 'a%20b', 'x'.repeat(257)])
      expect(
        await record(events, { method: 'GET', url: `/api/v1/events?after=${after}`, headers: u.headers }),
      ).toBe(400);

    const reply = 'POST /api/v1/sends/{sendId}/reply';
    const post = (url: string, payload: unknown) =>
      record(reply, { method: 'POST', url, headers: u.headers, payload });
    expect(
      await post(`/api/v1/sends/${id128()}/reply`, {
        eventId: id128(),
        sealed: opaqueSealedReply(u.publicKey),
      }),
    ).toBe(404);
    expect(await post(`/api/v1/sends/${u.sendId}/reply`, { eventId: id128(), sealed: 'A'.repeat(200) })).toBe(
      400,
    );

    const putState = 'PUT /api/v1/campaigns/{campaignId}/state';
    const put = (payload: unknown) =>
      record(putState, { method: 'PUT', url: '/api/v1/campaigns/c1/state', headers: u.headers, payload });
    expect(await put({ expectedVersion: null, blob: await u.stateBlob(1) })).toBe(200);
    expect(await put({ expectedVersion: null, blob: await u.stateBlob(1) })).toBe(409);
    expect(await put({ expectedVersion: 1, blob: 'A'.repeat(8000) })).toBe(413);
    const getState = 'GET /api/v1/campaigns/{campaignId}/state';
    expect(
      await record(getState, { method: 'GET', url: '/api/v1/campaigns/none/state', headers: u.headers }),
    ).toBe(404);
    const other = bearer(await h.token(tid, randomUUID()));
    expect(await record('GET /api/v1/me/key', { method: 'GET', url: '/api/v1/me/key', headers: other })).toBe(
      404,
    );
    expect(
      await record('PUT /api/v1/me/key', {
        method: 'PUT',
        url: '/api/v1/me/key',
        headers: other,
        payload: { publicKey: `BA${'A'.repeat(85)}` },
      }),
    ).toBe(400);
    expect(
      await record('DELETE /api/v1/me', {
        method: 'DELETE',
        url: '/api/v1/me',
        headers: { ...other, 'content-type': 'application/json' },
        payload: '{}',
      }),
    ).toBe(400);

    // Keys on every device: refusals that are part of each route's contract.
    const unlock = 'POST /api/v1/me/key/backups/recovery/unlock';
    const unlockUrl = '/api/v1/me/key/backups/recovery/unlock';
    expect(
      await record(unlock, {
        method: 'POST',
        url: unlockUrl,
        headers: other,
        payload: { verifier: b64(32) },
      }),
    ).toBe(404);
    for (let i = 0; i < 5; i++)
      expect(
        await record(unlock, {
          method: 'POST',
          url: unlockUrl,
          headers: u.headers,
          payload: { verifier: b64(32) },
        }),
      ).toBe(403);
    expect(
      await record(unlock, {
        method: 'POST',
        url: unlockUrl,
        headers: u.headers,
        payload: { verifier: u.verifier },
      }),
    ).toBe(429);
    const stale = { keyId: id128(), header: b64(120), wrapped: b64(124), verifier: b64(32) };
    expect(
      await record('PUT /api/v1/me/key/backups/recovery', {
        method: 'PUT',
        url: '/api/v1/me/key/backups/recovery',
        headers: u.headers,
        payload: stale,
      }),
    ).toBe(409);
    expect(
      await record('PUT /api/v1/me/key/backups/tenant', {
        method: 'PUT',
        url: '/api/v1/me/key/backups/tenant',
        headers: u.headers,
        payload: { keyId: u.keyId, tenantKeyId: id128(), blob: b64(177) },
      }),
    ).toBe(409);
    expect(
      await record('GET /api/v1/me/key/backups/split', {
        method: 'GET',
        url: '/api/v1/me/key/backups/split',
        headers: other,
      }),
    ).toBe(404);
    // A second user: the first is near the per-user request limit by now.
    const k = await prepared();
    expect(
      await record('POST /api/v1/me/key/approvals/{id}/reveal', {
        method: 'POST',
        url: `/api/v1/me/key/approvals/${k.approvalId}/reveal`,
        headers: k.headers,
        payload: { publicKey: k.publicKey, nonce: b64(32) },
      }),
    ).toBe(409);
    expect(
      await record('POST /api/v1/me/key/approvals/{id}/grant', {
        method: 'POST',
        url: `/api/v1/me/key/approvals/${k.approvalId}/grant`,
        headers: k.headers,
        payload: { keyId: k.keyId, sealedKey: b64(177) },
      }),
    ).toBe(409);
    expect(
      await record('POST /api/v1/me/key/approvals/{id}/respond', {
        method: 'POST',
        url: `/api/v1/me/key/approvals/${id128()}/respond`,
        headers: k.headers,
        payload: { nonce: b64(32) },
      }),
    ).toBe(404);
    for (let i = 0; i < 2; i++)
      await record('POST /api/v1/me/key/approvals', {
        method: 'POST',
        url: '/api/v1/me/key/approvals',
        headers: k.headers,
        payload: { commitment: b64(32) },
      });
    expect(
      await record('POST /api/v1/me/key/approvals', {
        method: 'POST',
        url: '/api/v1/me/key/approvals',
        headers: k.headers,
        payload: { commitment: b64(32) },
      }),
    ).toBe(429);
    expect(
      await record('GET /api/v1/me/key/approvals/{id}', {
        method: 'GET',
        url: `/api/v1/me/key/approvals/${id128()}`,
        headers: k.headers,
      }),
    ).toBe(404);
    const lease = 'PUT /api/v1/campaigns/{campaignId}/lease';
    const leaseUrl = '/api/v1/campaigns/c9/lease';
    expect(
      await record(lease, {
        method: 'PUT',
        url: leaseUrl,
        headers: k.headers,
        payload: { deviceId: randomUUID(), seconds: 60 },
      }),
    ).toBe(200);
    expect(
      await record(lease, {
        method: 'PUT',
        url: leaseUrl,
        headers: k.headers,
        payload: { deviceId: randomUUID(), seconds: 60 },
      }),
    ).toBe(409);
    const reseal = 'PUT /api/v1/events/{eventId}';
    expect(
      await record(reseal, {
        method: 'PUT',
        url: `/api/v1/events/${id128()}`,
        headers: k.headers,
        payload: { sealed: resealed(k) },
      }),
    ).toBe(404);
    expect(
      await record(reseal, {
        method: 'PUT',
        url: `/api/v1/events/${k.eventId}`,
        headers: k.headers,
        payload: { sealed: resealed({ ...k, keyId: id128() }) },
      }),
    ).toBe(400);
    expect(
      await record('PUT /api/v1/me/key', {
        method: 'PUT',
        url: '/api/v1/me/key',
        headers: k.headers,
        payload: { publicKey: k.publicKey, expectedKeyId: null },
      }),
    ).toBe(409);
  });

  it('answers 429 with Retry-After on every route once the caller is over the limit', async () => {
    const u = await prepared();
    for (let i = 0; i < 40; i++) await h.app.inject({ url: '/api/v1/campaigns', headers: u.headers });
    for (const [op, o] of Object.entries(OPERATIONS)) {
      const res = await h.app.inject({
        method: o.method,
        url: o.url(u),
        headers: o.body ? { ...u.headers, 'content-type': 'application/json' } : u.headers,
        payload: o.body ? JSON.stringify(await o.body(u)) : undefined,
      });
      note(op, res.statusCode);
      expect(res.statusCode, op).toBe(429);
      expect(res.headers['retry-after'], op).toMatch(/^[1-9][0-9]*$/);
    }
  });

  it('answers 500, not 503, on every route when the store fails during the sign-in check', async () => {
    // 503 means "the key set is unreachable"; a database fault is the server's own error.
    const u = await prepared();
    store.failing = true;
    store.failingAccess = true;
    try {
      for (const [op, o] of Object.entries(OPERATIONS)) {
        const res = await h.app.inject({
          method: o.method,
          url: o.url(u),
          headers: o.body ? { ...u.headers, 'content-type': 'application/json' } : u.headers,
          payload: o.body ? JSON.stringify(await o.body(u)) : undefined,
        });
        note(op, res.statusCode);
        expect(res.statusCode, op).toBe(500);
      }
    } finally {
      store.failing = false;
      store.failingAccess = false;
    }
  });

  it('answers 503 on every route while the key set is unreachable', async () => {
    const down = await openHarness('sqlite', '', {
      keys: () => remoteKeySource('http://127.0.0.1:1/keys', { timeoutMs: 500 }),
    });
    try {
      const t = await down.onboard();
      const headers = bearer(await down.token(t, randomUUID()));
      for (const [op, o] of Object.entries(OPERATIONS)) {
        const u = {
          headers,
          sendId: id128(),
          publicKey: '',
          stateBlob: async () => 'AAAA',
          keyId: id128(),
          approvalId: id128(),
          eventId: id128(),
          verifier: b64(32),
        };
        const res = await down.app.inject({
          method: o.method,
          url: o.url(u),
          headers: o.body ? { ...headers, 'content-type': 'application/json' } : headers,
          payload: o.body ? JSON.stringify({}) : undefined,
        });
        note(op, res.statusCode);
        expect(res.statusCode, op).toBe(503);
      }
    } finally {
      await down.close();
    }
  });

  it('documents each status observed above for its route', () => {
    const undocumented: string[] = [];
    for (const [op, statuses] of observed) {
      const [method, path] = op.split(' ') as [string, string];
      const documented = Object.keys(doc.paths[path]![method.toLowerCase()]!.responses);
      for (const s of statuses) if (!documented.includes(String(s))) undocumented.push(`${op} → ${s}`);
    }
    expect(undocumented).toEqual([]);
    const all = new Set([...observed.values()].flatMap((s) => [...s]));
    expect([...all].sort()).toEqual([200, 201, 400, 401, 403, 404, 409, 413, 415, 429, 500, 503]);
  });

  it('publishes the strict formats: limit is plain decimal, sealed and blob are canonical base64url', () => {
    const events = doc.paths['/api/v1/events']!.get!;
    const limit = (events.parameters as { name: string; schema: { type: string; pattern: string } }[]).find(
      (p) => p.name === 'limit',
    )!;
    expect(limit.schema).toMatchObject({ type: 'string', pattern: '^[1-9][0-9]{0,2}$' });
    const reply = doc.paths['/api/v1/sends/{sendId}/reply']!.post as unknown as {
      requestBody: {
        content: {
          'application/json': { schema: { properties: { sealed: { pattern: string; minLength: number } } } };
        };
      };
    };
    const sealed = reply.requestBody.content['application/json'].schema.properties.sealed;
    expect(new RegExp(sealed.pattern).test('AQ')).toBe(true);
    expect(new RegExp(sealed.pattern).test('AR')).toBe(false);
    expect(new RegExp(sealed.pattern).test('AQI')).toBe(true);
    expect(new RegExp(sealed.pattern).test('AQJ')).toBe(false);
    expect(new RegExp(sealed.pattern).test('A')).toBe(false);
    expect(new RegExp(sealed.pattern).test('AQ==')).toBe(false);
    expect(new RegExp(sealed.pattern).test('AQID')).toBe(true);
    expect(sealed.minLength).toBeGreaterThan(100);
    const tooMany = doc.paths['/api/v1/campaigns']!.get!.responses['429'] as {
      headers: Record<string, unknown>;
    };
    expect(Object.keys(tooMany.headers)).toEqual(['Retry-After']);
  });
});
