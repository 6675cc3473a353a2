/**
 * The API client's key, approval, lease and re-seal methods against the real backend (buildApp on
 * SQLite, listening on 127.0.0.1, the local issuer as Entra): what each method returns, and how
 * each refusal reaches the pane (an ApiError with the server's facts, or a plain answer).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient, type ApiClient } from '../../src/api/client';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import { buildApp } from '../../src/server/app';
import { localKeySource } from '../../src/server/auth/key-source';
import { DEMO_API_CLIENT_ID, loadConfig } from '../../src/server/config';
import { createStore } from '../../src/server/store/create-store';
import type { Store } from '../../src/server/store/store';
import { newSendId } from '../../src/server/pixel/token';
import { fromBase64url, toBase64url } from '../../src/shared/base64url';
import { ManualClock, systemClock } from '../../src/shared/clock';
import { newUserKey } from '../server/api/sealed-uploads';

let dir: string;
let store: Store;
let app: FastifyInstance;
let issuer: LocalIssuer;
let baseUrl: string;
const serverClock = new ManualClock(Date.UTC(2026, 10, 2, 9));
const tid = randomUUID();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candor-client-keys-'));
  store = await createStore(join(dir, 'candor.sqlite'));
  await store.migrate();
  await store.upsertTenant({ tid, contractEndsAt: null }, serverClock.now());
  const config = loadConfig({
    CANDOR_MODE: 'demo',
    PUBLIC_URL: 'http://127.0.0.1:1',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
  });
  issuer = await LocalIssuer.create({ baseUrl: 'http://127.0.0.1:1/emulator/identity', clock: serverClock });
  app = await buildApp(config, {
    store,
    clock: serverClock,
    keys: localKeySource(() => issuer.jwks()),
    pixel: { newSendId, pixelUrl: (id) => `http://127.0.0.1:1/o/test.${id}.gif` },
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function paneClient(oid: string = randomUUID()): { api: ApiClient; oid: string } {
  const api = createApiClient({
    baseUrl,
    getApiToken: () =>
      issuer.mintApiToken({ tid, oid, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID }),
    clock: systemClock,
  });
  return { api, oid };
}

const b64 = (n: number) => randomBytes(n).toString('base64url');

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('API client: keys on every device', () => {
  it('registers a first key only once: the second device learns which key won', async () => {
    const { api, oid } = paneClient();
    const a = await newUserKey({ tid, oid });
    const b = await newUserKey({ tid, oid });
    expect((await api.registerKey(a.publicKey, null)).keyId).toBe(a.keyId);
    const e = await caught(api.registerKey(b.publicKey, null));
    expect(e).toMatchObject({
      kind: 'conflict',
      details: { status: 409, code: 'key-changed', keyId: a.keyId },
    });
    expect((await api.registerKey(b.publicKey, a.keyId)).keyId).toBe(b.keyId);
    expect((await api.getKey())?.keyId).toBe(b.keyId);
  });

  it('stores and reads the backups; unlock gives the wrapped key, then the attempt limit as errors', async () => {
    const { api, oid } = paneClient();
    const key = await newUserKey({ tid, oid });
    await api.registerKey(key.publicKey);
    expect(await api.getKeyBackups()).toEqual({
      keyId: key.keyId,
      recovery: null,
      split: null,
      tenant: null,
      tenantRecoveryKey: null,
    });
    expect(await caught(api.unlockRecovery(b64(32)))).toMatchObject({
      kind: 'not-found',
      details: { status: 404 },
    });
    const backup = { keyId: key.keyId, header: b64(120), wrapped: b64(124), verifier: b64(32) };
    expect(await api.putRecoveryBackup(backup)).toEqual({ keyId: key.keyId, createdAt: serverClock.now() });
    expect(await api.unlockRecovery(backup.verifier)).toEqual({ keyId: key.keyId, wrapped: backup.wrapped });

    const wrong = await caught(api.unlockRecovery(b64(32)));
    expect(wrong).toMatchObject({ details: { status: 403, code: 'wrong-secret', attemptsLeft: 4 } });
    expect(wrong.message).toMatch(/not right.*4 times more/);
    for (let i = 0; i < 4; i++) await caught(api.unlockRecovery(b64(32)));
    // The 429 is reported with its wait, not waited out (a POST is never repeated by the client).
    const limited = await caught(api.unlockRecovery(backup.verifier));
    expect(limited).toMatchObject({
      kind: 'rate-limited',
      details: { status: 429, code: 'too-many-attempts', retryAfterSeconds: 15 * 60 },
    });
    expect(limited.message).toMatch(/Too many wrong recovery codes.*15 minutes/);

    expect(await api.getSplitShare()).toBeNull();
    const share = b64(32);
    await api.putSplitShare(key.keyId, share);
    expect(await api.getSplitShare()).toEqual({ keyId: key.keyId, share });
    const stale = await caught(api.putSplitShare(b64(16), share));
    expect(stale).toMatchObject({ kind: 'conflict', details: { code: 'key-changed', keyId: key.keyId } });

    const noTenantKey = await caught(
      api.putTenantBackup({ keyId: key.keyId, tenantKeyId: b64(16), blob: b64(177) }),
    );
    expect(noTenantKey).toMatchObject({
      kind: 'conflict',
      details: { code: 'tenant-key-changed', tenantKeyId: null },
    });
    const tenantKey = await newUserKey({ tid, oid: 'tenant' });
    await store.setTenantRecoveryKey(
      tid,
      { keyId: tenantKey.keyId, publicKey: fromBase64url(tenantKey.publicKey), updatedAt: 0 },
      serverClock.now(),
    );
    await api.putTenantBackup({ keyId: key.keyId, tenantKeyId: tenantKey.keyId, blob: b64(177) });
    expect(await api.getKeyBackups()).toMatchObject({
      recovery: { keyId: key.keyId, header: backup.header },
      split: { keyId: key.keyId },
      tenant: { keyId: key.keyId, tenantKeyId: tenantKey.keyId },
      tenantRecoveryKey: { keyId: tenantKey.keyId, publicKey: tenantKey.publicKey },
    });
    await store.setTenantRecoveryKey(tid, null, serverClock.now());

    const { deleted } = await api.deleteMe();
    expect(deleted).toMatchObject({ keyBackups: 2, recoveryAttempts: 5, users: 1 });
  });

  it('relays an approval between two devices of one user, step by step', async () => {
    const newDevice = paneClient();
    const oldDevice = paneClient(newDevice.oid);
    const key = await newUserKey({ tid, oid: newDevice.oid });
    await oldDevice.api.registerKey(key.publicKey);

    const commitment = b64(32);
    const { id, expiresAt } = await newDevice.api.createApproval(commitment);
    expect(expiresAt).toBe(serverClock.now() + 10 * 60_000);
    expect(await oldDevice.api.listApprovals()).toEqual([
      { id, state: 'created', commitment, createdAt: serverClock.now(), expiresAt },
    ]);
    const responderNonce = b64(32);
    expect(await oldDevice.api.respondApproval(id, responderNonce)).toMatchObject({
      state: 'responded',
      responderNonce,
    });
    const eph = key.publicKey; // any P-256 point stands in for the ephemeral key here
    const nonce = b64(32);
    expect(await newDevice.api.revealApproval(id, eph, nonce)).toMatchObject({
      state: 'revealed',
      publicKey: eph,
      nonce,
    });
    const sealedKey = b64(177);
    await oldDevice.api.grantApproval(id, key.keyId, sealedKey);
    expect(await newDevice.api.getApproval(id)).toMatchObject({
      state: 'granted',
      keyId: key.keyId,
      sealedKey,
    });
    const again = await caught(oldDevice.api.respondApproval(id, b64(32)));
    expect(again).toMatchObject({ kind: 'conflict', details: { code: 'wrong-state', state: 'granted' } });
    expect(await newDevice.api.deleteApproval(id)).toEqual({ deleted: true });
    expect(await newDevice.api.getApproval(id)).toBeNull();
    expect(await oldDevice.api.listApprovals()).toEqual([]);
  });

  it('takes, refuses and releases a send lease without throwing on 409', async () => {
    const one = paneClient();
    const two = paneClient(one.oid);
    const a = randomUUID();
    const b = randomUUID();
    expect(await one.api.takeLease('camp', a, 60)).toEqual({
      held: false,
      expiresAt: serverClock.now() + 60_000,
    });
    expect(await two.api.takeLease('camp', b, 60)).toEqual({ held: true, retryAfterSeconds: 60 });
    expect(await two.api.releaseLease('camp', b)).toEqual({ released: false });
    expect(await one.api.releaseLease('camp', a)).toEqual({ released: true });
    expect(await two.api.takeLease('camp', b, 60)).toMatchObject({ held: false });
  });

  it('re-seals an event to the registered key', async () => {
    const { api, oid } = paneClient();
    const key = await newUserKey({ tid, oid });
    await api.registerKey(key.publicKey);
    const [send] = await api.registerSends('c1', [{ trackOpens: true }]);
    const eventId = b64(16);
    await api.postReply(send!.sendId, {
      eventId,
      sealed: fromBase64url(await key.sealReply(send!.sendId, eventId)),
    });
    const v2 = Uint8Array.from([
      2,
      ...fromBase64url(key.keyId),
      ...fromBase64url(key.publicKey),
      ...randomBytes(100),
    ]);
    expect(await api.resealEvent(eventId, v2)).toEqual({ eventId });
    const { events } = await api.listEvents();
    expect(toBase64url(events.find((e) => e.eventId === eventId)!.sealed)).toBe(toBase64url(v2));
    expect(await caught(api.resealEvent(b64(16), v2))).toMatchObject({ kind: 'not-found' });
  });
});
