/**
 * Demo mode as `npm start` assembles it: the local issuer (key persisted in the data directory),
 * the demo tenant onboarded on first start, the emulator's demo sign-in, and the real API
 * validation accepting exactly those tokens.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { buildApp } from '../../../src/server/app';
import { DEMO_TENANT_ID, DEMO_USER_OID, loadConfig } from '../../../src/server/config';
import { setupDemo } from '../../../src/server/demo';
import { createLogger } from '../../../src/server/logging';
import { openStore } from '../../../src/server/open-store';
import { PixelKeyRing } from '../../../src/server/pixel/token';
import type { Store } from '../../../src/server/store/store';
import { T0 } from './harness';

describe('demo mode', () => {
  let dir: string;
  let store: Store;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'candor-demo-'));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}) {
    const config = loadConfig({ DATA_DIR: join(dir, '.data'), PORT: '3998', LOG_LEVEL: 'silent', ...env });
    store ??= await openStore(config);
    const demo = await setupDemo(config, store, clock);
    const app = await buildApp(config, {
      store,
      clock,
      logger: createLogger('silent'),
      keys: demo.keys,
      registerEmulator: demo.registerEmulator,
      pixelKeyRing: new PixelKeyRing([{ kid: 'd1', secret: randomBytes(32) }], 'd1'),
    });
    return { app, demo, config };
  }

  it('onboards the demo tenant and accepts the demo sign-in token at the API', async () => {
    const { app, config } = await start();
    try {
      expect(statSync(join(config.dataDir, 'issuer-key.json')).mode & 0o077).toBe(0);
      expect(await store.getTenant(DEMO_TENANT_ID)).toMatchObject({ tid: DEMO_TENANT_ID });
      const signIn = await app.inject({ method: 'POST', url: '/emulator/identity/demo/token' });
      expect(signIn.statusCode).toBe(200);
      const { apiToken, graphToken, account } = signIn.json();
      expect(account).toMatchObject({ tid: DEMO_TENANT_ID, oid: DEMO_USER_OID });
      const api = await app.inject({
        url: '/api/v1/campaigns',
        headers: { authorization: `Bearer ${apiToken}` },
      });
      expect(api.statusCode).toBe(200);
      // A Graph token is for Graph only: the API refuses it.
      const graph = await app.inject({
        url: '/api/v1/campaigns',
        headers: { authorization: `Bearer ${graphToken}` },
      });
      expect(graph.statusCode).toBe(401);
      const me = await app.inject({
        url: '/emulator/graph/v1.0/me',
        headers: { authorization: `Bearer ${graphToken}` },
      });
      expect(me.statusCode).toBe(200);
      const keys = await app.inject({ url: '/emulator/identity/discovery/v2.0/keys' });
      expect(keys.json().keys[0].issuer).toBe(`${config.publicUrl}/emulator/identity/{tenantid}/v2.0`);
    } finally {
      await app.close();
    }
  });

  it('keeps the issuer key across restarts, so earlier tokens stay valid', async () => {
    const first = await start();
    const token = await first.demo.issuer.mintApiToken({
      tid: DEMO_TENANT_ID,
      oid: DEMO_USER_OID,
      audience: first.config.auth.apiClientId,
      azp: first.config.auth.addinClientIds[0]!,
    });
    await first.app.close();
    const second = await start();
    try {
      expect(second.demo.issuer.kid).toBe(first.demo.issuer.kid);
      const res = await second.app.inject({
        url: '/api/v1/campaigns',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(200);
    } finally {
      await second.app.close();
    }
  });

  it('hands demo tokens only to its own host names, not to a DNS-rebinding page', async () => {
    const { app } = await start({ PUBLIC_URL: 'http://candor-demo.test:3998' });
    try {
      const signIn = (host: string, headers: Record<string, string> = {}) =>
        app.inject({ method: 'POST', url: '/emulator/identity/demo/token', headers: { host, ...headers } });
      for (const host of [
        'rebind.evil.example',
        'rebind.evil.example:3998',
        '127.0.0.1.evil.example:3998',
        'localhost.evil.example',
      ]) {
        const res = await signIn(host);
        expect(res.statusCode, host).toBe(403);
        expect(res.json()).toEqual({ error: 'host-not-allowed' });
        expect(res.body).not.toContain('Token');
      }
      // X-Forwarded-Host is settable by page script; the Host header is not, and only it counts.
      const forwarded = await signIn('rebind.evil.example', { 'x-forwarded-host': '127.0.0.1:3998' });
      expect(forwarded.statusCode).toBe(403);
      const graph = await app.inject({
        url: '/emulator/graph/v1.0/me',
        headers: { host: 'rebind.evil.example' },
      });
      expect(graph.statusCode).toBe(403);

      for (const host of [
        '127.0.0.1:3998',
        'localhost:3998',
        '[::1]:3998',
        'LOCALHOST',
        'candor-demo.test:3998',
      ]) {
        const res = await signIn(host);
        expect(res.statusCode, host).toBe(200);
        expect(res.json().apiToken).toEqual(expect.any(String));
      }
    } finally {
      await app.close();
    }
  });
});
