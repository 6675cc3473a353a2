/**
 * The whole zero-knowledge loop on the real backend, listening on 127.0.0.1: the pane registers
 * its key, registers a send, a mail client fetches the pixel, the pane pulls the sealed event and
 * opens it. The server's database holds the open only as ciphertext.
 */
import 'fake-indexeddb/auto';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiClient } from '../../src/api/client';
import { openCandorDb } from '../../src/storage/db';
import { openTrackingSession } from '../../src/storage/tracking-session';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import { buildApp } from '../../src/server/app';
import { localKeySource } from '../../src/server/auth/key-source';
import { DEMO_API_CLIENT_ID, loadConfig } from '../../src/server/config';
import { createStore } from '../../src/server/store/create-store';
import type { Store } from '../../src/server/store/store';
import { PixelKeyRing } from '../../src/server/pixel/token';
import { ManualClock, systemClock } from '../../src/shared/clock';

let dir: string;
let store: Store;
let app: FastifyInstance;
let issuer: LocalIssuer;
let baseUrl: string;
const serverClock = new ManualClock(Date.UTC(2026, 10, 2, 9));
const me = { tid: randomUUID(), oid: randomUUID() };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candor-loop-'));
  store = await createStore(join(dir, 'candor.sqlite'));
  await store.migrate();
  await store.upsertTenant({ tid: me.tid, contractEndsAt: null }, serverClock.now());
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
    pixelKeyRing: new PixelKeyRing([{ kid: 'k1', secret: randomBytes(32) }], 'k1'),
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('an open travels pixel → sealed row → API → pane, readable only in the pane', async () => {
  const api = createApiClient({
    baseUrl,
    getApiToken: () => issuer.mintApiToken({ ...me, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID }),
  });
  const db = await openCandorDb('pixel-loop');
  const session = await openTrackingSession({ db, api, identity: me, clock: systemClock });
  const [send] = await api.registerSends('camp-loop', [{ trackOpens: true }]);

  await serverClock.advance(30 * 60_000); // opened half an hour after sending
  const pixel = new URL(send!.pixelUrl!);
  const res = await fetch(new URL(pixel.pathname, baseUrl), {
    headers: {
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36',
    },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/gif');

  const pulled = await session.pullEvents();
  expect(pulled).toHaveLength(1);
  const [opened] = await session.readEvents();
  expect(opened).toMatchObject({ ok: true, kind: 'open', sendId: send!.sendId });
  if (!opened?.ok || opened.kind !== 'open') throw new Error('did not open');
  expect(opened.payload.ip).toMatch(/127\.0\.0\.1$/);
  expect(opened.payload.at).toBe(serverClock.now());
  expect(opened.payload.verdict).toBe(pulled[0]!.verdict);

  // The operator's view of the same open: no address anywhere in the database files.
  const dump = readdirSync(dir)
    .filter((f) => f.startsWith('candor.sqlite'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('');
  expect(dump).not.toContain('127.0.0.1');
  expect(dump).not.toContain('Chrome/130');
});
