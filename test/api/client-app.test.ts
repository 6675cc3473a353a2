/**
 * The task pane's API client, key handling and ciphers against the real backend (buildApp on
 * SQLite, listening on 127.0.0.1) with the local issuer standing in for Entra: what the pane
 * uploads round-trips, and what the server holds is ciphertext.
 */
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiClient, type ApiClient } from '../../src/api/client';
import { ensureUserKey } from '../../src/storage/user-key';
import { createEventOpener } from '../../src/crypto/open-event';
import { sealReplies } from '../../src/crypto/reply-seal';
import { createStateCipher } from '../../src/crypto/state-cipher';
import { openCandorDb, wipeAll } from '../../src/storage/db';
import { openTrackingSession } from '../../src/storage/tracking-session';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import { buildApp } from '../../src/server/app';
import { localKeySource } from '../../src/server/auth/key-source';
import { DEMO_API_CLIENT_ID, loadConfig } from '../../src/server/config';
import { createStore } from '../../src/server/store/create-store';
import type { Store } from '../../src/server/store/store';
import { newSendId } from '../../src/server/pixel/token';
import { ManualClock, systemClock } from '../../src/shared/clock';
import { EventSealer } from '../../src/server/pixel/seal';

const SENTINELS = [
  'Sentinelia',
  'Marchbanks',
  'sentinelia@prospect.example',
  'Quillfeather role',
  '198.51.100.77',
];

let dir: string;
let store: Store;
let app: FastifyInstance;
let issuer: LocalIssuer;
let baseUrl: string;
const serverClock = new ManualClock(Date.UTC(2026, 10, 2, 9));
const tid = randomUUID();
const oid = randomUUID();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candor-client-'));
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

const apiToken = (over: { audience?: string } = {}) =>
  issuer.mintApiToken({ tid, oid, audience: over.audience ?? DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID });

function paneClient(getApiToken = () => apiToken()): ApiClient {
  return createApiClient({ baseUrl, getApiToken, clock: systemClock });
}

describe('task pane ↔ real backend', () => {
  it('registers the key the server will seal to; both sides agree on its id', async () => {
    const api = paneClient();
    const db = await openCandorDb('client-app-key');
    const { key } = await ensureUserKey({
      db,
      identity: { tid, oid },
      register: async (k) => void (await api.registerKey(k.publicKey)),
      clock: systemClock,
    });
    expect(await api.getKey()).toMatchObject({ keyId: key.keyId, publicKey: key.publicKey });
  });

  it('retries once with a fresh token after a 401', async () => {
    const calls: boolean[] = [];
    const api = paneClient(async () => {
      calls.push(true);
      // The first token is for another audience (the server refuses it); the refresh is right.
      return calls.length === 1 ? apiToken({ audience: randomUUID() }) : apiToken();
    });
    expect(await api.listCampaigns()).toEqual(expect.any(Array));
    expect(calls).toHaveLength(2);
  });

  it('opens sealed opens and pane-sealed replies fetched through the API; the server rows hide them', async () => {
    const api = paneClient();
    const db = await openCandorDb('client-app-events');
    const identity = { tid, oid };
    const { key } = await ensureUserKey({
      db,
      identity,
      register: async (k) => void (await api.registerKey(k.publicKey)),
      clock: systemClock,
    });
    const [send] = await api.registerSends('camp-events', [{ trackOpens: true }]);
    expect(send!.pixelUrl).toContain(send!.sendId);

    // The server's side of an open, as the pixel does it: its sealer, to the registered key.
    const registered = (await store.getUser(tid, oid))!.key!;
    expect(registered.keyId).toBe(key.keyId);
    const openIds = { tid, oid, sendId: send!.sendId, eventId: newSendId() };
    const openPayload = { ip: '198.51.100.77', at: serverClock.now(), verdict: 'human' as const };
    const sealed = await new EventSealer({ clock: serverClock }).seal(registered, openIds, openPayload);
    await store.appendEvents([
      { ...openIds, kind: 'open', verdict: 'human', occurredAt: serverClock.now(), sealed },
    ]);
    const openId = openIds.eventId;

    const replyPayload = {
      subject: 'Re: Quillfeather role',
      from: 'sentinelia@prospect.example',
      receivedAt: 1_767_000_000_000,
      ip: null,
    };
    const [reply] = await sealReplies(identity, key, [
      { sendId: send!.sendId, replyId: 'reply-msg-1', payload: replyPayload },
    ]);
    expect(await api.postReply(send!.sendId, reply!)).toEqual({ eventId: reply!.eventId, stored: true });
    expect(await api.postReply(send!.sendId, reply!)).toEqual({ eventId: reply!.eventId, stored: false });

    const page = await api.listEvents({ limit: 10 });
    const opener = createEventOpener({ identity, keyPair: key.keyPair });
    const opened = await Promise.all(page.events.map((e) => opener.open(e)));
    expect(opened).toEqual([
      { ok: true, kind: 'open', sendId: send!.sendId, eventId: openId, payload: openPayload },
      { ok: true, kind: 'reply', sendId: send!.sendId, eventId: reply!.eventId, payload: replyPayload },
    ]);

    const serverView = (await store.listEvents(tid, oid, { limit: 100 })).events.map((e) =>
      new TextDecoder('latin1').decode(e.sealed),
    );
    for (const row of serverView) for (const s of SENTINELS) expect(row).not.toContain(s);
  });

  it('stores campaign state as ciphertext with optimistic versions', async () => {
    const api = paneClient();
    const db = await openCandorDb('client-app-state');
    const identity = { tid, oid };
    const { key } = await ensureUserKey({
      db,
      identity,
      register: async (k) => void (await api.registerKey(k.publicKey)),
      clock: systemClock,
    });
    const cipher = await createStateCipher(key.keyPair, key.keyId);
    const campaign = {
      prospects: [{ firstName: 'Sentinelia', lastName: 'Marchbanks', email: 'sentinelia@prospect.example' }],
    };
    const b1 = { ...identity, campaignId: 'camp-state', version: 1 };

    expect(
      await api.putCampaignState('camp-state', {
        expectedVersion: null,
        blob: await cipher.encrypt(b1, campaign),
      }),
    ).toEqual({ ok: true, version: 1 });
    const v2 = { ...campaign, note: 'second' };
    expect(
      await api.putCampaignState('camp-state', {
        expectedVersion: 1,
        blob: await cipher.encrypt({ ...b1, version: 2 }, v2),
      }),
    ).toEqual({ ok: true, version: 2 });
    // A second device still at version 1 is told, not overwritten.
    expect(
      await api.putCampaignState('camp-state', {
        expectedVersion: 1,
        blob: await cipher.encrypt({ ...b1, version: 2 }, campaign),
      }),
    ).toEqual({ ok: false, currentVersion: 2 });

    const got = (await api.getCampaignState('camp-state'))!;
    expect(got.version).toBe(2);
    expect(await cipher.decrypt({ ...b1, version: got.version }, got.blob)).toEqual(v2);
    expect(await api.listCampaigns()).toContainEqual(
      expect.objectContaining({ campaignId: 'camp-state', version: 2 }),
    );

    // The operator's view: the database file on disk holds none of it in clear.
    const files = readdirSync(dir).filter((f) => f.startsWith('candor.sqlite'));
    const dump = files.map((f) => readFileSync(join(dir, f)).toString('latin1')).join('');
    expect(dump.length).toBeGreaterThan(0);
    for (const s of SENTINELS) expect(dump).not.toContain(s);
  });

  it('disconnect deletes the server side, then the device forgets everything', async () => {
    const api = paneClient();
    const db = await openCandorDb('client-app-disconnect');
    await ensureUserKey({
      db,
      identity: { tid, oid },
      register: async (k) => void (await api.registerKey(k.publicKey)),
      clock: systemClock,
    });
    const { deleted } = await api.deleteMe();
    expect(deleted.users).toBe(1);
    await wipeAll(db);
    expect(await api.getKey()).toBeNull();
    expect(await api.listCampaigns()).toEqual([]);
    expect((await api.listEvents()).events).toEqual([]);
    expect(await db.count('keys')).toBe(0);
  });
});

describe('tracking session on the real backend', () => {
  const session = (dbName: string, user = { tid, oid: randomUUID() }) =>
    openCandorDb(dbName).then(async (db) => ({
      db,
      s: await openTrackingSession({
        db,
        api: createApiClient({
          baseUrl,
          getApiToken: () =>
            issuer.mintApiToken({ ...user, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID }),
        }),
        identity: user,
        clock: systemClock,
      }),
    }));

  it('never lets a second device replace the key of the first (issue #9)', async () => {
    const user = { tid, oid: randomUUID() };
    const laptop = await session('session-laptop', user);
    expect(laptop.s.newKey).toBe(true);
    const reopened = await session('session-laptop', user);
    expect(reopened.s.newKey).toBe(false);
    expect(reopened.s.key.keyId).toBe(laptop.s.key.keyId);

    await expect(session('session-phone', user)).rejects.toMatchObject({ kind: 'needs-key' });
    const api = createApiClient({
      baseUrl,
      getApiToken: () =>
        issuer.mintApiToken({ ...user, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID }),
    });
    expect((await api.getKey())?.keyId).toBe(laptop.s.key.keyId);
  });

  it('uploads replies once however often reply sync runs, and reads them back opened', async () => {
    const user = { tid, oid: randomUUID() };
    const { s } = await session('session-replies', user);
    const api = createApiClient({
      baseUrl,
      getApiToken: () =>
        issuer.mintApiToken({ ...user, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID }),
    });
    const [send] = await api.registerSends('camp-session', [{ trackOpens: false }]);
    const reply = {
      sendId: send!.sendId,
      replyId: 'AAMkAGI2-reply-1',
      payload: { subject: 'Re: hi', from: 'p@example.org', receivedAt: 9, ip: '192.0.2.8' },
    };
    const first = await s.uploadReplies([reply]);
    const again = await s.uploadReplies([reply]);
    expect(again).toEqual(first);
    expect((await store.listEvents(user.tid, user.oid, { limit: 100 })).events).toHaveLength(1);

    await s.pullEvents();
    expect(await s.readEvents()).toEqual([
      { ok: true, kind: 'reply', sendId: send!.sendId, eventId: first[0], payload: reply.payload },
    ]);

    const sync = s.campaign<{ name: string }>('camp-session');
    sync.save({ name: 'Platform hiring' });
    await sync.flush();
    expect(sync.status).toBe('synced');
    expect((await api.getCampaignState('camp-session'))?.version).toBe(1);

    const deleted = await s.disconnect();
    expect(deleted.events).toBe(1);
    expect(await api.getKey()).toBeNull();
  });
});
