/**
 * Keys on every device, through HTTP against the real app on each store: key registration with
 * expectedKeyId, the three backups, the recovery attempt limit (held in the database, so shared by
 * two instances), device approvals, send leases, event re-sealing, and disconnect deleting it all.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../src/shared/base64url';
import { buildApp } from '../../../src/server/app';
import { localKeySource } from '../../../src/server/auth/key-source';
import { createStore } from '../../../src/server/store/create-store';
import type { Store } from '../../../src/server/store/store';
import { newSendId } from '../../../src/server/pixel/token';
import { bearer, describeStores, id128, PUBLIC_URL, type Harness } from './harness';
import { newUserKey, registeredUserKey, type TestUserKey } from './sealed-uploads';

const b64 = (n: number) => randomBytes(n).toString('base64url');
const MIN = 60_000;

describeStores('keys on every device', (open, kind) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function harness(): Promise<Harness> {
    const h = await open();
    cleanup.push(() => h.close());
    return h;
  }

  /** A second instance of the app on the same database, clock and identity provider. */
  async function twin(h: Harness): Promise<FastifyInstance> {
    const store: Store = await createStore(h.databaseTarget);
    await store.migrate();
    const app = await buildApp(h.config, {
      store,
      clock: h.clock,
      keys: localKeySource(() => h.issuer.jwks()),
      pixel: { newSendId, pixelUrl: (id) => `${PUBLIC_URL}/o/test.${id}.gif` },
    });
    await app.ready();
    cleanup.push(async () => {
      await app.close();
      await store.close();
    });
    return app;
  }

  interface User {
    tid: string;
    oid: string;
    headers: Record<string, string>;
    key: TestUserKey;
  }

  async function user(h: Harness, tid?: string): Promise<User> {
    const t = tid ?? (await h.onboard());
    const oid = randomUUID();
    const headers = bearer(await h.token(t, oid));
    const key = await registeredUserKey(h.app, { tid: t, oid }, headers);
    return { tid: t, oid, headers, key };
  }

  const call = (
    app: FastifyInstance,
    u: { headers: Record<string, string> },
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => app.inject({ method, url: `/api/v1${url}`, headers: u.headers, payload: payload as string });

  function recoveryBackup(keyId: string) {
    const header = toBase64url(
      new TextEncoder().encode(
        JSON.stringify({
          v: 1,
          keyId,
          secret: 'code',
          kdf: { alg: 'argon2id', v: 19, m: 65536, t: 3, p: 1, salt: b64(16) },
        }),
      ),
    );
    return { keyId, header, wrapped: b64(124), verifier: b64(32) };
  }

  it('PUT /me/key with expectedKeyId replaces only the key the caller expected', async () => {
    const h = await harness();
    const tid = await h.onboard();
    const u = { headers: bearer(await h.token(tid, randomUUID())) };
    const a = await newUserKey({ tid, oid: 'a' });
    const b = await newUserKey({ tid, oid: 'b' });
    // No key yet: null is right, so the first device's key is stored.
    let res = await call(h.app, u, 'PUT', '/me/key', { publicKey: a.publicKey, expectedKeyId: null });
    expect(res.statusCode).toBe(200);
    // A second device that also thought there was none is told which key won; nothing changes.
    res = await call(h.app, u, 'PUT', '/me/key', { publicKey: b.publicKey, expectedKeyId: null });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'key-changed', keyId: a.keyId });
    expect((await call(h.app, u, 'GET', '/me/key')).json().keyId).toBe(a.keyId);
    res = await call(h.app, u, 'PUT', '/me/key', { publicKey: b.publicKey, expectedKeyId: b.keyId });
    expect(res.json()).toEqual({ error: 'key-changed', keyId: a.keyId });
    // Rotation: expecting the registered key replaces it; without expectedKeyId, as before.
    res = await call(h.app, u, 'PUT', '/me/key', { publicKey: b.publicKey, expectedKeyId: a.keyId });
    expect(res.statusCode).toBe(200);
    expect(res.json().keyId).toBe(b.keyId);
    res = await call(h.app, u, 'PUT', '/me/key', { publicKey: a.publicKey });
    expect(res.json().keyId).toBe(a.keyId);
  });

  it('two devices racing to register a first key: exactly one wins, also across two instances', async () => {
    const h = await harness();
    const other = await twin(h);
    const tid = await h.onboard();
    const u = { headers: bearer(await h.token(tid, randomUUID())) };
    const keys = await Promise.all([0, 1, 2, 3].map((i) => newUserKey({ tid, oid: `k${i}` })));
    const answers = await Promise.all(
      keys.map((k, i) =>
        call(i % 2 ? other : h.app, u, 'PUT', '/me/key', { publicKey: k.publicKey, expectedKeyId: null }),
      ),
    );
    const won = answers.filter((r) => r.statusCode === 200);
    expect(won).toHaveLength(1);
    const winner = won[0]!.json().keyId as string;
    for (const r of answers.filter((x) => x.statusCode !== 200))
      expect(r.json()).toEqual({ error: 'key-changed', keyId: winner });
  });

  it('stores the three backups for the registered key only and lists them without key material', async () => {
    const h = await harness();
    const u = await user(h);
    const empty = await call(h.app, u, 'GET', '/me/key/backups');
    expect(empty.json()).toEqual({
      keyId: u.key.keyId,
      recovery: null,
      split: null,
      tenant: null,
      tenantRecoveryKey: null,
    });
    const stale = recoveryBackup(id128());
    let res = await call(h.app, u, 'PUT', '/me/key/backups/recovery', stale);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'key-changed', keyId: u.key.keyId });

    const backup = recoveryBackup(u.key.keyId);
    res = await call(h.app, u, 'PUT', '/me/key/backups/recovery', backup);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ keyId: u.key.keyId, createdAt: h.clock.now() });
    // Strict shapes: a wrapped key of the wrong length, a long header or an extra field is refused.
    for (const bad of [
      { ...backup, wrapped: b64(123) },
      { ...backup, header: 'A'.repeat(1028) },
      { ...backup, verifier: b64(31) },
      { ...backup, extra: 1 },
    ])
      expect((await call(h.app, u, 'PUT', '/me/key/backups/recovery', bad)).statusCode).toBe(400);

    expect((await call(h.app, u, 'GET', '/me/key/backups/split')).statusCode).toBe(404);
    const share = b64(32);
    res = await call(h.app, u, 'PUT', '/me/key/backups/split', { keyId: u.key.keyId, share });
    expect(res.statusCode).toBe(200);
    expect((await call(h.app, u, 'GET', '/me/key/backups/split')).json()).toEqual({
      keyId: u.key.keyId,
      share,
    });
    // Another user (even of the same tenant) never gets it.
    const stranger = await user(h, u.tid);
    expect((await call(h.app, stranger, 'GET', '/me/key/backups/split')).statusCode).toBe(404);

    const listed = (await call(h.app, u, 'GET', '/me/key/backups')).json();
    expect(listed).toEqual({
      keyId: u.key.keyId,
      recovery: { keyId: u.key.keyId, header: backup.header, createdAt: h.clock.now() },
      split: { keyId: u.key.keyId, createdAt: h.clock.now() },
      tenant: null,
      tenantRecoveryKey: null,
    });
    expect(JSON.stringify(listed)).not.toContain(backup.wrapped);
    expect(JSON.stringify(listed)).not.toContain(share);
  });

  it('takes a tenant backup only for the tenant recovery key in force', async () => {
    const h = await harness();
    const u = await user(h);
    const blob = b64(177);
    const recovery = await newUserKey({ tid: u.tid, oid: 'tenant-recovery' });
    let res = await call(h.app, u, 'PUT', '/me/key/backups/tenant', {
      keyId: u.key.keyId,
      tenantKeyId: recovery.keyId,
      blob,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'tenant-key-changed', tenantKeyId: null });

    await h.store.setTenantRecoveryKey(
      u.tid,
      { keyId: recovery.keyId, publicKey: fromBase64url(recovery.publicKey), updatedAt: 0 },
      h.clock.now(),
    );
    const listed = (await call(h.app, u, 'GET', '/me/key/backups')).json();
    expect(listed.tenantRecoveryKey).toEqual({ keyId: recovery.keyId, publicKey: recovery.publicKey });
    res = await call(h.app, u, 'PUT', '/me/key/backups/tenant', {
      keyId: u.key.keyId,
      tenantKeyId: id128(),
      blob,
    });
    expect(res.json()).toEqual({ error: 'tenant-key-changed', tenantKeyId: recovery.keyId });
    res = await call(h.app, u, 'PUT', '/me/key/backups/tenant', {
      keyId: u.key.keyId,
      tenantKeyId: recovery.keyId,
      blob,
    });
    expect(res.statusCode).toBe(200);
    expect((await call(h.app, u, 'GET', '/me/key/backups')).json().tenant).toEqual({
      keyId: u.key.keyId,
      tenantKeyId: recovery.keyId,
      createdAt: h.clock.now(),
    });
    const tooBig = { keyId: u.key.keyId, tenantKeyId: recovery.keyId, blob: b64(257) };
    expect((await call(h.app, u, 'PUT', '/me/key/backups/tenant', tooBig)).statusCode).toBe(400);

    // Clearing the tenant key deletes the backups sealed to it.
    expect(await h.store.setTenantRecoveryKey(u.tid, null, h.clock.now())).toEqual({ deleted: 1 });
    const after = (await call(h.app, u, 'GET', '/me/key/backups')).json();
    expect(after).toMatchObject({ tenant: null, tenantRecoveryKey: null });
  });

  it('unlocks with the right verifier; 5 wrong answers in 15 minutes then 429, shared by two instances', async () => {
    const h = await harness();
    const other = await twin(h);
    const u = await user(h);
    expect(
      (await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: b64(32) })).statusCode,
    ).toBe(404);
    const backup = recoveryBackup(u.key.keyId);
    await call(h.app, u, 'PUT', '/me/key/backups/recovery', backup);
    const right = { verifier: backup.verifier };
    let res = await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', right);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ keyId: u.key.keyId, wrapped: backup.wrapped });

    // Wrong answers alternate between the two instances: they count against one limit.
    const left: number[] = [];
    for (let i = 0; i < 5; i++) {
      await h.clock.advance(10_000);
      res = await call(i % 2 ? other : h.app, u, 'POST', '/me/key/backups/recovery/unlock', {
        verifier: b64(32),
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toBe('wrong-secret');
      left.push(res.json().attemptsLeft as number);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    for (const app of [h.app, other]) {
      // Even the right answer waits now: the limit is checked before anything is compared.
      res = await call(app, u, 'POST', '/me/key/backups/recovery/unlock', right);
      expect(res.statusCode).toBe(429);
      expect(res.json().error).toBe('too-many-attempts');
      // The first wrong answer was at +10 s; it ages out 15 minutes later.
      expect(res.json().retryAfterSeconds).toBe(15 * 60 - 40);
      expect(res.headers['retry-after']).toBe(String(15 * 60 - 40));
    }
    // Another user of the same tenant is not affected.
    const neighbour = await user(h, u.tid);
    const theirs = recoveryBackup(neighbour.key.keyId);
    await call(h.app, neighbour, 'PUT', '/me/key/backups/recovery', theirs);
    res = await call(other, neighbour, 'POST', '/me/key/backups/recovery/unlock', {
      verifier: theirs.verifier,
    });
    expect(res.statusCode).toBe(200);

    // After the window the right answer works again; it does not reset the count.
    await h.clock.advance((15 * 60 - 40) * 1000);
    res = await call(other, u, 'POST', '/me/key/backups/recovery/unlock', right);
    expect(res.statusCode).toBe(200);
    res = await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: b64(32) });
    expect(res.json()).toEqual({ error: 'wrong-secret', attemptsLeft: 0 });
  });

  it('allows at most 20 wrong answers per 24 hours, then waits for the oldest to age out', async () => {
    const h = await harness();
    const u = await user(h);
    const backup = recoveryBackup(u.key.keyId);
    await call(h.app, u, 'PUT', '/me/key/backups/recovery', backup);
    const start = h.clock.now();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 5; i++) {
        const res = await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: b64(32) });
        expect(res.statusCode).toBe(403);
      }
      await h.clock.advance(15 * MIN);
    }
    const res = await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', {
      verifier: backup.verifier,
    });
    expect(res.statusCode).toBe(429);
    const waited = start + 24 * 60 * MIN - h.clock.now();
    expect(res.json().retryAfterSeconds).toBe(waited / 1000);
    await h.clock.advance(waited);
    // A day later the sign-in token has expired too: a fresh one, as the pane would get.
    const fresh = { headers: bearer(await h.token(u.tid, u.oid)) };
    const res2 = await call(h.app, fresh, 'POST', '/me/key/backups/recovery/unlock', {
      verifier: backup.verifier,
    });
    expect(res2.statusCode).toBe(200);
  });

  it('relays a device approval in order, for 10 minutes, at most 3 at once', async () => {
    const h = await harness();
    const u = await user(h);
    const commitment = b64(32);
    let res = await call(h.app, u, 'POST', '/me/key/approvals', { commitment });
    expect(res.statusCode).toBe(201);
    const { id, expiresAt } = res.json() as { id: string; expiresAt: number };
    expect(expiresAt).toBe(h.clock.now() + 10 * MIN);
    expect((await call(h.app, u, 'GET', `/me/key/approvals/${id}`)).json()).toEqual({
      id,
      state: 'created',
      commitment,
      createdAt: h.clock.now(),
      expiresAt,
    });
    // Out of order: reveal and grant before respond.
    const reveal = { publicKey: u.key.publicKey, nonce: b64(32) };
    res = await call(h.app, u, 'POST', `/me/key/approvals/${id}/reveal`, reveal);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'wrong-state', state: 'created' });
    const grant = { keyId: u.key.keyId, sealedKey: b64(177) };
    expect((await call(h.app, u, 'POST', `/me/key/approvals/${id}/grant`, grant)).statusCode).toBe(409);

    const responderNonce = b64(32);
    res = await call(h.app, u, 'POST', `/me/key/approvals/${id}/respond`, { nonce: responderNonce });
    expect(res.json()).toMatchObject({ state: 'responded', responderNonce });
    expect(
      (await call(h.app, u, 'POST', `/me/key/approvals/${id}/respond`, { nonce: b64(32) })).json(),
    ).toEqual({
      error: 'wrong-state',
      state: 'responded',
    });
    res = await call(h.app, u, 'POST', `/me/key/approvals/${id}/reveal`, reveal);
    expect(res.json()).toMatchObject({ state: 'revealed', ...reveal, responderNonce });
    // The grant must carry the registered key.
    res = await call(h.app, u, 'POST', `/me/key/approvals/${id}/grant`, { ...grant, keyId: id128() });
    expect(res.json()).toEqual({ error: 'key-changed', keyId: u.key.keyId });
    res = await call(h.app, u, 'POST', `/me/key/approvals/${id}/grant`, grant);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id,
      state: 'granted',
      commitment,
      responderNonce,
      ...reveal,
      ...grant,
      createdAt: h.clock.now(),
      expiresAt,
    });
    // Not the caller's: another user of the tenant sees nothing.
    const stranger = await user(h, u.tid);
    expect((await call(h.app, stranger, 'GET', `/me/key/approvals/${id}`)).statusCode).toBe(404);
    expect(
      (await call(h.app, stranger, 'POST', `/me/key/approvals/${id}/respond`, { nonce: b64(32) })).statusCode,
    ).toBe(404);
    expect((await call(h.app, stranger, 'GET', '/me/key/approvals')).json()).toEqual({ approvals: [] });

    // Three live at most; the fourth waits until the oldest expires.
    await h.clock.advance(MIN);
    await call(h.app, u, 'POST', '/me/key/approvals', { commitment: b64(32) });
    await call(h.app, u, 'POST', '/me/key/approvals', { commitment: b64(32) });
    res = await call(h.app, u, 'POST', '/me/key/approvals', { commitment: b64(32) });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toEqual({ error: 'too-many-approvals', retryAfterSeconds: 9 * 60 });
    expect(res.headers['retry-after']).toBe(String(9 * 60));
    expect((await call(h.app, u, 'GET', '/me/key/approvals')).json().approvals).toHaveLength(3);

    // Deny one; expiry removes the first after 10 minutes.
    const live = (await call(h.app, u, 'GET', '/me/key/approvals')).json().approvals as { id: string }[];
    expect((await call(h.app, u, 'DELETE', `/me/key/approvals/${live[1]!.id}`)).json()).toEqual({
      deleted: true,
    });
    expect((await call(h.app, u, 'GET', `/me/key/approvals/${live[1]!.id}`)).statusCode).toBe(404);
    await h.clock.advance(9 * MIN);
    expect((await call(h.app, u, 'GET', `/me/key/approvals/${id}`)).statusCode).toBe(404);
    expect(
      (await call(h.app, u, 'POST', `/me/key/approvals/${id}/respond`, { nonce: b64(32) })).statusCode,
    ).toBe(404);
    expect(
      (await call(h.app, u, 'GET', '/me/key/approvals')).json().approvals.map((a: { id: string }) => a.id),
    ).toEqual([live[2]!.id]);
    expect((await call(h.app, u, 'POST', '/me/key/approvals', { commitment: b64(32) })).statusCode).toBe(201);
  });

  it('gives a send lease to one device at a time, renewable, released, taken over after it lapses', async () => {
    const h = await harness();
    const u = await user(h);
    const a = randomUUID();
    const b = randomUUID();
    const take = (deviceId: string, seconds = 60) =>
      call(h.app, u, 'PUT', '/campaigns/c1/lease', { deviceId, seconds });
    let res = await take(a);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deviceId: a, seconds: 60, expiresAt: h.clock.now() + 60_000 });
    await h.clock.advance(20_000);
    res = await take(b);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'leased', retryAfterSeconds: 40 });
    expect(res.headers['retry-after']).toBe('40');
    // The holder renews; another campaign is independent.
    res = await take(a);
    expect(res.json().expiresAt).toBe(h.clock.now() + 60_000);
    expect(
      (await call(h.app, u, 'PUT', '/campaigns/c2/lease', { deviceId: b, seconds: 15 })).statusCode,
    ).toBe(200);
    // Only the holder releases it.
    expect((await call(h.app, u, 'DELETE', `/campaigns/c1/lease?deviceId=${b}`)).json()).toEqual({
      released: false,
    });
    expect((await take(b)).statusCode).toBe(409);
    expect((await call(h.app, u, 'DELETE', `/campaigns/c1/lease?deviceId=${a}`)).json()).toEqual({
      released: true,
    });
    expect((await take(b)).statusCode).toBe(200);
    // b crashes: a takes over once b's lease lapses, not before.
    await h.clock.advance(59_000);
    expect((await take(a)).statusCode).toBe(409);
    await h.clock.advance(1_000);
    expect((await take(a)).statusCode).toBe(200);
    // Out-of-range or malformed requests.
    expect((await take(a, 14)).statusCode).toBe(400);
    expect((await take(a, 601)).statusCode).toBe(400);
    expect((await take('not-a-uuid')).statusCode).toBe(400);
    // Another user's campaign of the same name is theirs.
    const other = await user(h, u.tid);
    expect(
      (await call(h.app, other, 'PUT', '/campaigns/c1/lease', { deviceId: b, seconds: 60 })).statusCode,
    ).toBe(200);
  });

  it('grants a contested lease to exactly one of many devices racing through two instances', async () => {
    const h = await harness();
    const other = await twin(h);
    const u = await user(h);
    for (let round = 0; round < 3; round++) {
      const devices = Array.from({ length: 8 }, () => randomUUID());
      const answers = await Promise.all(
        devices.map((deviceId, i) =>
          call(i % 2 ? other : h.app, u, 'PUT', `/campaigns/race${round}/lease`, { deviceId, seconds: 60 }),
        ),
      );
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, ...Array<number>(7).fill(409)]);
    }
  });

  it('re-seals an event to the registered key (v2 only), and only the caller’s own', async () => {
    const h = await harness();
    const u = await user(h);
    const sends = await call(h.app, u, 'POST', '/campaigns/c1/sends', { sends: [{ trackOpens: true }] });
    const sendId = sends.json().sends[0].sendId as string;
    const eventId = id128();
    await call(h.app, u, 'POST', `/sends/${sendId}/reply`, {
      eventId,
      sealed: await u.key.sealReply(sendId, eventId),
    });
    const kid = fromBase64url(u.key.keyId);
    const enc = fromBase64url(u.key.publicKey);
    const v2 = (keyId: Uint8Array, version = 2) =>
      toBase64url(Uint8Array.from([version, ...keyId, ...enc, ...randomBytes(120)]));
    const resealed = v2(kid);
    let res = await call(h.app, u, 'PUT', `/events/${eventId}`, { sealed: resealed });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ eventId });
    const events = (await call(h.app, u, 'GET', '/events')).json().events as {
      eventId: string;
      sealed: string;
    }[];
    expect(events.find((e) => e.eventId === eventId)?.sealed).toBe(resealed);

    res = await call(h.app, u, 'PUT', `/events/${eventId}`, { sealed: v2(randomBytes(16)) });
    expect(res.json()).toMatchObject({ error: 'wrong-key' });
    res = await call(h.app, u, 'PUT', `/events/${eventId}`, {
      sealed: toBase64url(Uint8Array.from([1, ...enc, ...randomBytes(136)])),
    });
    expect(res.json()).toMatchObject({ error: 'not-sealed' });
    const text = toBase64url(
      Uint8Array.from([
        2,
        ...kid,
        ...enc,
        ...new TextEncoder().encode(JSON.stringify({ subject: 'x'.repeat(60) })),
      ]),
    );
    expect((await call(h.app, u, 'PUT', `/events/${eventId}`, { sealed: text })).json()).toMatchObject({
      error: 'not-sealed',
    });
    // Someone else's event, or none: 404, even with a well-formed upload to their own key.
    const other = await user(h, u.tid);
    res = await call(h.app, other, 'PUT', `/events/${eventId}`, {
      sealed: toBase64url(
        Uint8Array.from([2, ...fromBase64url(other.key.keyId), ...enc, ...randomBytes(120)]),
      ),
    });
    expect(res.statusCode).toBe(404);
    expect((await call(h.app, u, 'PUT', `/events/${id128()}`, { sealed: resealed })).statusCode).toBe(404);
  });

  it('DELETE /me removes backups, approvals, leases and attempt counts, and says so', async () => {
    const h = await harness();
    const u = await user(h);
    const backup = recoveryBackup(u.key.keyId);
    await call(h.app, u, 'PUT', '/me/key/backups/recovery', backup);
    await call(h.app, u, 'PUT', '/me/key/backups/split', { keyId: u.key.keyId, share: b64(32) });
    await call(h.app, u, 'POST', '/me/key/approvals', { commitment: b64(32) });
    await call(h.app, u, 'PUT', '/campaigns/c1/lease', { deviceId: randomUUID(), seconds: 60 });
    await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: b64(32) });
    await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: b64(32) });
    const stays = await user(h, u.tid);
    await call(h.app, stays, 'PUT', '/me/key/backups/split', { keyId: stays.key.keyId, share: b64(32) });

    const res = await call(h.app, u, 'DELETE', '/me');
    expect(res.json().deleted).toMatchObject({
      keyBackups: 2,
      approvals: 1,
      leases: 1,
      recoveryAttempts: 2,
      users: 1,
    });
    expect(await h.store.countTenantRows(u.tid)).toMatchObject({
      keyBackups: 1,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
      users: 1,
    });
    // Back as a new user: nothing of the old backups or attempts is left.
    await registeredUserKey(h.app, u, u.headers);
    expect((await call(h.app, u, 'GET', '/me/key/backups')).json()).toMatchObject({
      recovery: null,
      split: null,
    });
    expect((await call(h.app, u, 'GET', '/me/key/approvals')).json()).toEqual({ approvals: [] });
    const records = (await h.store.listDeletionRecords({ limit: 1000 })).filter(
      (r) => r.subjectRef === u.tid,
    );
    expect(records.at(-1)?.counts).toMatchObject({
      keyBackups: 2,
      approvals: 1,
      leases: 1,
      recoveryAttempts: 2,
    });
  });

  /** The operator's view: SQLite's files on disk (WAL included), or every row of every PostgreSQL table. */
  async function databaseDump(h: Harness): Promise<Buffer> {
    if (kind === 'sqlite') {
      const dir = dirname(h.databaseTarget);
      return Buffer.concat(
        readdirSync(dir)
          .filter((f) => f.startsWith('candor.sqlite'))
          .map((f) => readFileSync(join(dir, f))),
      );
    }
    const client = new pg.Client({ connectionString: h.databaseTarget });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      const parts: Buffer[] = [];
      for (const t of tables.rows) {
        for (const row of (await client.query(`SELECT * FROM "${t.table_name}"`)).rows as Record<
          string,
          unknown
        >[])
          for (const v of Object.values(row)) parts.push(Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
      }
      return Buffer.concat(parts);
    } finally {
      await client.end();
    }
  }

  it('keeps only a hash of the verifier: a database dump never holds it', async () => {
    const h = await harness();
    const u = await user(h);
    const backup = recoveryBackup(u.key.keyId);
    await call(h.app, u, 'PUT', '/me/key/backups/recovery', backup);
    await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: backup.verifier });
    await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: b64(32) });
    const dump = await databaseDump(h);
    const verifier = Buffer.from(backup.verifier, 'base64url');
    // The dump is readable (the ciphertext is in it), but the verifier is not, in any spelling.
    expect(dump.includes(Buffer.from(backup.wrapped, 'base64url'))).toBe(true);
    expect(dump.includes(createHash('sha256').update(verifier).digest())).toBe(true);
    expect(dump.includes(verifier)).toBe(false);
    expect(dump.includes(Buffer.from(backup.verifier))).toBe(false);
    expect(dump.includes(Buffer.from(verifier.toString('hex')))).toBe(false);
  });

  it('logs none of the secrets or key material that pass through the key routes', async () => {
    const lines: string[] = [];
    const h = await open({
      env: { LOG_LEVEL: 'debug' },
      logStream: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    cleanup.push(() => h.close());
    const u = await user(h);
    const backup = recoveryBackup(u.key.keyId);
    const share = b64(32);
    const sealedKey = b64(177);
    await call(h.app, u, 'PUT', '/me/key/backups/recovery', backup);
    await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: backup.verifier });
    await call(h.app, u, 'POST', '/me/key/backups/recovery/unlock', { verifier: b64(32) });
    await call(h.app, u, 'PUT', '/me/key/backups/split', { keyId: u.key.keyId, share });
    await call(h.app, u, 'GET', '/me/key/backups/split');
    const { id } = (await call(h.app, u, 'POST', '/me/key/approvals', { commitment: b64(32) })).json() as {
      id: string;
    };
    await call(h.app, u, 'POST', `/me/key/approvals/${id}/respond`, { nonce: b64(32) });
    await call(h.app, u, 'POST', `/me/key/approvals/${id}/reveal`, {
      publicKey: u.key.publicKey,
      nonce: b64(32),
    });
    await call(h.app, u, 'POST', `/me/key/approvals/${id}/grant`, { keyId: u.key.keyId, sealedKey });
    const log = lines.join('\n');
    expect(log).toContain('/me/key/backups/recovery/unlock'); // the requests were logged, by route
    for (const secret of [backup.verifier, backup.wrapped, backup.header, share, sealedKey])
      expect(log).not.toContain(secret);
  });
});
