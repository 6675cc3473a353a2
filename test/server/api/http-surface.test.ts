/**
 * The HTTP surface as a browser or attacker sees it (security.md §7 test 14): security headers on
 * API and pages, the task-pane CSP with Outlook's frame-ancestors, CORS for the add-in origin only,
 * rate limits, the published OpenAPI document, key-set outage, and JSON fuzzing that never yields 5xx.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteKeySource } from '../../../src/server/auth/key-source';
import { PixelKeyRing } from '../../../src/server/pixel/token';
import { OUTLOOK_FRAME_ANCESTORS } from '../../../src/server/app';
import { bearer, openHarness, publicKeyB64, type Harness } from './harness';

const ADDIN = 'https://addin.example.com';

describe('HTTP surface', () => {
  let h: Harness;
  let tid: string;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'candor-dist-'));
    writeFileSync(join(dist, 'taskpane.html'), '<!doctype html><title>Candor</title>');
    writeFileSync(join(dist, 'taskpane.0badc0de.js'), 'console.log("pane");');
    writeFileSync(join(dist, 'taskpane.0badc0de.js.map'), '{"version":3,"sources":["src/secret.ts"]}');
    h = await openHarness('sqlite', '', {
      env: { CORS_ORIGINS: ADDIN, RATE_LIMIT_USER_PER_MINUTE: '40', RATE_LIMIT_IP_PER_MINUTE: '1000' },
      deps: {
        staticRoot: dist,
        pixel: undefined,
        pixelKeyRing: new PixelKeyRing([{ kid: 't1', secret: randomBytes(32) }], 't1'),
      },
    });
    tid = await h.onboard();
  });
  afterAll(async () => {
    await h.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers health checks and publishes an OpenAPI document covering every route', async () => {
    expect((await h.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const doc = (await h.app.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) =>
      Object.keys(m).map((verb) => `${verb.toUpperCase()} ${p}`),
    );
    expect(ops.sort()).toEqual(
      [
        'DELETE /api/v1/me',
        'GET /api/v1/campaigns',
        'GET /api/v1/campaigns/{campaignId}/state',
        'GET /api/v1/events',
        'GET /api/v1/me/key',
        'POST /api/v1/campaigns/{campaignId}/sends',
        'POST /api/v1/sends/{sendId}/reply',
        'PUT /api/v1/campaigns/{campaignId}/state',
        'PUT /api/v1/me/key',
        'GET /api/v1/me/key/backups',
        'PUT /api/v1/me/key/backups/recovery',
        'POST /api/v1/me/key/backups/recovery/unlock',
        'PUT /api/v1/me/key/backups/split',
        'GET /api/v1/me/key/backups/split',
        'PUT /api/v1/me/key/backups/tenant',
        'POST /api/v1/me/key/approvals',
        'GET /api/v1/me/key/approvals',
        'GET /api/v1/me/key/approvals/{id}',
        'POST /api/v1/me/key/approvals/{id}/respond',
        'POST /api/v1/me/key/approvals/{id}/reveal',
        'POST /api/v1/me/key/approvals/{id}/grant',
        'DELETE /api/v1/me/key/approvals/{id}',
        'PUT /api/v1/campaigns/{campaignId}/lease',
        'DELETE /api/v1/campaigns/{campaignId}/lease',
        'PUT /api/v1/events/{eventId}',
      ].sort(),
    );
    const sends = doc.paths['/api/v1/campaigns/{campaignId}/sends'].post;
    expect(sends.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });

  it('sends API security headers, no-store and no cookies', async () => {
    const res = await h.app.inject({
      url: '/api/v1/campaigns',
      headers: bearer(await h.token(tid, randomUUID())),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['set-cookie']).toBeUndefined();
    const refused = await h.app.inject({ url: '/api/v1/campaigns' });
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('serves the task pane with a CSP that lets Outlook frame it and nothing else', async () => {
    const res = await h.app.inject({ url: '/taskpane.html' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(' ');
    expect(ancestors).toEqual(["'self'", ...OUTLOOK_FRAME_ANCESTORS]);
    expect(ancestors).toContain('https://outlook.office.com');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    // WebAssembly (Argon2id) may compile; JavaScript eval and inline scripts stay refused.
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' https:\/\/appsforoffice\.microsoft\.com(;|$)/);
    expect(csp).not.toContain("'unsafe-eval'");
    expect(/script-src ([^;]+)/.exec(csp)?.[1]).not.toContain("'unsafe-inline'");
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
    expect((await h.app.inject({ url: '/' })).statusCode).toBe(200);
  });

  it('serves the built scripts but never a source map, even one left in the folder', async () => {
    expect((await h.app.inject({ url: '/taskpane.0badc0de.js' })).statusCode).toBe(200);
    for (const url of [
      '/taskpane.0badc0de.js.map',
      '/TASKPANE.0badc0de.JS.MAP',
      '/taskpane.0badc0de.js.map?x=1',
    ]) {
      const res = await h.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('sources');
    }
  });

  it('can send the page CSP as Report-Only, for trying a new Outlook host first', async () => {
    const trial = await openHarness('sqlite', '', {
      env: { PAGE_CSP_REPORT_ONLY: '1' },
      deps: { staticRoot: dist },
    });
    try {
      const res = await trial.app.inject({ url: '/taskpane.html' });
      expect(res.headers['content-security-policy']).toBeUndefined();
      expect(res.headers['content-security-policy-report-only']).toContain('frame-ancestors');
    } finally {
      await trial.close();
    }
  });

  it('keeps page and API headers off the pixel, which webmail embeds cross-site', async () => {
    const res = await h.app.inject({ url: '/o/v1.t1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.gif' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers the pixel over a real socket exactly as inject() sees it (the handler writes the raw response)', async () => {
    const injected = await h.app.inject({
      url: '/o/v1.t1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.gif',
    });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const comparable = (headers: Record<string, unknown>) => {
      const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = headers;
      return rest;
    };
    for (const path of [
      '/o/v1.t1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.gif',
      '/o/v1.t1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.gif?utm_source=x',
      '/o/not-a-token',
    ]) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(injected.rawPayload)).toBe(true);
      expect(comparable(Object.fromEntries(res.headers))).toEqual(comparable(injected.headers));
    }
    const head = await fetch(base + '/o/x.gif', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('43');
    // Anything else under /o/ is not the pixel.
    for (const [method, path] of [
      ['GET', '/o/a/b.gif'],
      ['POST', '/o/x.gif'],
    ] as const) {
      const res = await fetch(base + path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('mints real pixel URLs on the configured pixel host', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/c/sends',
      headers: bearer(await h.token(tid, randomUUID())),
      payload: { sends: [{ trackOpens: true }] },
    });
    const [send] = res.json().sends;
    expect(send.pixelUrl).toBe(`${h.config.pixelBaseUrl}/o/${send.pixelUrl.split('/o/')[1]}`);
    expect(send.pixelUrl).toMatch(new RegExp(`/o/v1\\.t1\\.${send.sendId}\\.[A-Za-z0-9_-]{22}\\.gif$`));
  });

  it("allows CORS for the add-in's origin only, and preflight without a token", async () => {
    const preflight = (origin: string) =>
      h.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/campaigns',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const ok = await preflight(ADDIN);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(ADDIN);
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    const evil = await preflight('https://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const get = await h.app.inject({
      url: '/api/v1/campaigns',
      headers: { ...bearer(await h.token(tid, randomUUID())), origin: 'https://evil.example' },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rate-limits per user (others unaffected) and per client address', async () => {
    const heavy = bearer(await h.token(tid, randomUUID()));
    const statuses: number[] = [];
    for (let i = 0; i < 42; i++)
      statuses.push((await h.app.inject({ url: '/api/v1/campaigns', headers: heavy })).statusCode);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(40)).toEqual([429, 429]);
    const limited = await h.app.inject({ url: '/api/v1/campaigns', headers: { ...heavy, origin: ADDIN } });
    expect(limited.json()).toMatchObject({ error: 'rate-limited' });
    // The wait is in the Retry-After header (readable cross-origin), and the same in the body.
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json().retryAfterSeconds).toBe(retryAfter);
    expect(String(limited.headers['access-control-expose-headers'])).toMatch(/retry-after/i);
    const other = await h.app.inject({
      url: '/api/v1/campaigns',
      headers: bearer(await h.token(tid, randomUUID())),
    });
    expect(other.statusCode).toBe(200);

    const perIp = await openHarness('sqlite', '', { env: { RATE_LIMIT_IP_PER_MINUTE: '5' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) {
        codes.push(
          (await perIp.app.inject({ url: '/api/v1/campaigns', remoteAddress: '203.0.113.9' })).statusCode,
        );
      }
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const perIpLimited = await perIp.app.inject({ url: '/api/v1/campaigns', remoteAddress: '203.0.113.9' });
      expect(perIpLimited.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
      // Without trusted proxies, a forged X-Forwarded-For does not buy a fresh budget.
      const spoofed = await perIp.app.inject({
        url: '/api/v1/campaigns',
        remoteAddress: '203.0.113.9',
        headers: { 'x-forwarded-for': '192.0.2.77' },
      });
      expect(spoofed.statusCode).toBe(429);
      expect(
        (await perIp.app.inject({ url: '/api/v1/campaigns', remoteAddress: '203.0.113.10' })).statusCode,
      ).toBe(401);
    } finally {
      await perIp.close();
    }

    // Behind one trusted proxy, clients are told apart by the address the proxy saw.
    const proxied = await openHarness('sqlite', '', {
      env: { RATE_LIMIT_IP_PER_MINUTE: '2', TRUST_PROXY_HOPS: '1' },
    });
    try {
      const via = (client: string) =>
        proxied.app.inject({
          url: '/api/v1/campaigns',
          remoteAddress: '10.0.0.1',
          headers: { 'x-forwarded-for': client },
        });
      expect([
        (await via('192.0.2.1')).statusCode,
        (await via('192.0.2.1')).statusCode,
        (await via('192.0.2.1')).statusCode,
      ]).toEqual([401, 401, 429]);
      expect((await via('192.0.2.2')).statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('answers 503, never 200, when the key set cannot be fetched', async () => {
    const down = await openHarness('sqlite', '', {
      keys: () => remoteKeySource('http://127.0.0.1:1/keys', { timeoutMs: 500 }),
    });
    try {
      const t = await down.onboard();
      const res = await down.app.inject({
        url: '/api/v1/campaigns',
        headers: bearer(await down.token(t, randomUUID())),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: 'unavailable' });
    } finally {
      await down.close();
    }
  });

  it('answers 4xx, never 5xx, to arbitrary JSON on every route', async () => {
    const f = await openHarness('sqlite', '');
    const ftid = await f.onboard();
    const fuzzUser = bearer(await f.token(ftid, randomUUID()));
    await f.app.inject({
      method: 'PUT',
      url: '/api/v1/me/key',
      headers: fuzzUser,
      payload: { publicKey: await publicKeyB64() },
    });
    const statuses = new Set<number>();
    const routes: [string, string][] = [
      ['PUT', '/api/v1/me/key'],
      ['POST', '/api/v1/campaigns/c/sends'],
      ['POST', `/api/v1/sends/${randomBytes(16).toString('base64url')}/reply`],
      ['PUT', '/api/v1/campaigns/c/state'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async ([method, url], body) => {
        const res = await f.app.inject({
          method: method as 'PUT',
          url,
          headers: { ...fuzzUser, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        statuses.add(res.statusCode);
        return res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429;
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (q) => {
        const res = await f.app.inject({
          url: `/api/v1/events?after=${encodeURIComponent(q)}`,
          headers: fuzzUser,
        });
        return res.statusCode === 200 || res.statusCode === 400;
      }),
      { numRuns: 100 },
    );
    await f.close();
    // The fuzzer reached validation, not just the front door.
    expect(statuses.has(400)).toBe(true);
  });
});
