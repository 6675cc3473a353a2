import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { createStore } from '../../../src/server/store/create-store';
import type { EventRow, Store } from '../../../src/server/store/store';
import { registerPixelRoutes } from '../../../src/server/pixel/routes';
import { openOpenEvent } from '../../support/sealed-event-opener';
import type { PixelKeyRing } from '../../../src/server/pixel/token';
import { seedSends, seedUser, testKeyRing } from './fixtures';

const NGINX_EMPTY_GIF = Buffer.from(
  '47494638396101000100800100000000ffffff21f90401000001002c00000000010001000002024c01003b',
  'hex',
);
const UA = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)';
const HOUR = 3_600_000;

let dir: string;
let store: Store;
const clock = new ManualClock(Date.UTC(2026, 10, 3, 9));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candor-pixel-'));
  store = await createStore(join(dir, 'pixel.db'));
  await store.migrate();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Wraps the store to count calls and optionally hold or fail appendEvents. */
function spyStore(inner: Store) {
  const calls = { lookups: 0, appends: 0, rows: 0 };
  let gate: Promise<void> | null = null;
  let fail = false;
  const spy: Store = Object.create(inner);
  spy.getSendForPixel = (id: string) => {
    calls.lookups++;
    return inner.getSendForPixel(id);
  };
  spy.appendEvents = async (rows: readonly EventRow[]) => {
    calls.appends++;
    if (gate) await gate;
    if (fail) throw new Error('disk full');
    calls.rows += rows.length;
    return inner.appendEvents(rows);
  };
  return {
    spy,
    calls,
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    failCommits: (on: boolean) => (fail = on),
  };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function pixelApp(
  s: Store,
  keyRing: PixelKeyRing,
  opts: { trustProxy?: number; logs?: string[]; sendCacheTtlMs?: number } = {},
) {
  const logs = opts.logs;
  const app = Fastify({
    logger: logs
      ? {
          level: 'info',
          stream: new Writable({
            write(chunk, _enc, cb) {
              logs.push(String(chunk));
              cb();
            },
          }),
        }
      : false,
  });
  apps.push(app);
  const { counters, writer } = await registerPixelRoutes(app, {
    store: s,
    keyRing,
    clock,
    trustProxy: opts.trustProxy ?? 0,
    ...(opts.sendCacheTtlMs === undefined ? {} : { sendCache: { ttlMs: opts.sendCacheTtlMs } }),
  });
  await app.ready();
  return { app, counters, writer };
}

function expectPixel(
  res: { statusCode: number; rawPayload: Buffer; headers: Record<string, unknown> },
  status = 200,
) {
  expect(res.statusCode).toBe(status);
  expect(res.rawPayload.equals(NGINX_EMPTY_GIF)).toBe(true);
  expect(res.headers['content-type']).toBe('image/gif');
  expect(res.headers['content-length']).toBe('43');
  expect(res.headers['cache-control']).toContain('no-store');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
}

const eventsOf = async (u: { tid: string; oid: string }) =>
  (await store.listEvents(u.tid, u.oid, { limit: 1000 })).events;

describe('open pixel', () => {
  it('records one sealed open for a valid GET and answers the 43-byte GIF', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now());
    const [sendId] = await seedSends(store, user, 1, clock.now());
    const { app } = await pixelApp(store, keyRing);
    await clock.advance(HOUR);
    const res = await app.inject({
      method: 'GET',
      url: `/o/${keyRing.mint(sendId as string)}.gif`,
      headers: { 'user-agent': UA },
      remoteAddress: '203.0.113.50',
    });
    expectPixel(res);
    const [ev, ...rest] = await eventsOf(user);
    expect(rest).toEqual([]);
    expect(ev).toMatchObject({
      tid: user.tid,
      oid: user.oid,
      sendId,
      kind: 'open',
      verdict: 'human',
      occurredAt: clock.now(),
    });
    // Event ids lead with the event time (index-friendly; the time is in clear as occurredAt anyway).
    expect(Buffer.from((ev as EventRow).eventId, 'base64url').readUIntBE(0, 6)).toBe(clock.now());
    const opened = await openOpenEvent(user.pair, ev as EventRow, (ev as EventRow).sealed);
    expect(opened).toEqual({ ip: '203.0.113.50', at: clock.now(), verdict: 'human' });
    // The stored row holds neither the address nor the user agent in clear.
    const sealed = Buffer.from((ev as EventRow).sealed);
    expect(sealed.includes(Buffer.from('203.0.113.50'))).toBe(false);
    expect(sealed.includes(Buffer.from('Outlook'))).toBe(false);
  });

  it('HEAD answers the same GIF and records nothing', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now());
    const [sendId] = await seedSends(store, user, 1, clock.now());
    const s = spyStore(store);
    const { app, counters } = await pixelApp(s.spy, keyRing);
    const res = await app.inject({
      method: 'HEAD',
      url: `/o/${keyRing.mint(sendId as string)}.gif`,
      headers: { 'user-agent': UA },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('43');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(counters.head).toBe(1);
    expect(s.calls).toEqual({ lookups: 0, appends: 0, rows: 0 });
    expect(await eventsOf(user)).toEqual([]);
  });

  it('any mutation of a valid token gets the same GIF and causes no database work at all', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now());
    const [sendId] = await seedSends(store, user, 1, clock.now());
    const token = keyRing.mint(sendId as string);
    const s = spyStore(store);
    const { app } = await pixelApp(s.spy, keyRing);
    const URLSAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.nat(), fc.constantFrom(...URLSAFE)).map(([p, c]) => {
            const i = p % token.length;
            return token.slice(0, i) + c + token.slice(i + 1);
          }),
          fc.nat().map((p) => token.slice(0, p % token.length)),
          fc.stringMatching(/^[A-Za-z0-9_-]{1,4}$/).map((t) => token + t),
          fc.constant(token.toUpperCase()),
          fc.constant(token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))),
        ),
        async (mutated) => {
          fc.pre(mutated !== token);
          const res = await app.inject({
            method: 'GET',
            url: `/o/${mutated}.gif`,
            headers: { 'user-agent': UA },
          });
          expectPixel(res);
        },
      ),
      { numRuns: 300 },
    );
    expect(s.calls).toEqual({ lookups: 0, appends: 0, rows: 0 });
    expect(await eventsOf(user)).toEqual([]);
  });

  it('records nothing for unknown sends, sends without tracking, deleted users, or a path without .gif', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now());
    const [untracked] = await seedSends(store, user, 1, clock.now(), false);
    const gone = await seedUser(store, clock.now());
    const [goneSend] = await seedSends(store, gone, 1, clock.now());
    const [tracked] = await seedSends(store, user, 1, clock.now());
    await store.deleteUser(gone.tid, gone.oid);
    const { app, counters } = await pixelApp(store, keyRing);
    const { newSendId } = await import('../../../src/server/pixel/token');
    for (const url of [
      `/o/${keyRing.mint(newSendId())}.gif`,
      `/o/${keyRing.mint(untracked as string)}.gif`,
      `/o/${keyRing.mint(goneSend as string)}.gif`,
      `/o/${keyRing.mint(tracked as string)}.png`,
      `/o/${keyRing.mint(tracked as string)}`,
    ]) {
      expectPixel(await app.inject({ method: 'GET', url, headers: { 'user-agent': UA } }));
    }
    expect(counters).toMatchObject({ recorded: 0, ignored: 5 });
    expect(await eventsOf(user)).toEqual([]);
    expect(await eventsOf(gone)).toEqual([]);
  });

  it('records nothing once the tenant’s contract has ended', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now() - HOUR);
    const [sendId] = await seedSends(store, user, 1, clock.now() - HOUR);
    await store.upsertTenant({ tid: user.tid, contractEndsAt: clock.now() + 1000 }, clock.now());
    const { app } = await pixelApp(store, keyRing);
    const url = `/o/${keyRing.mint(sendId as string)}.gif`;
    expectPixel(await app.inject({ method: 'GET', url, headers: { 'user-agent': UA } }));
    await clock.advance(1000);
    expectPixel(await app.inject({ method: 'GET', url, headers: { 'user-agent': UA } }));
    expect(await eventsOf(user)).toHaveLength(1);
  });

  it('records at most 20 opens per send per hour and keeps serving the GIF', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now() - HOUR);
    const [sendId, other] = await seedSends(store, user, 2, clock.now() - HOUR);
    const s = spyStore(store);
    // Without the lookup cache, so every lookup reaches the store and is counted.
    const { app, counters } = await pixelApp(s.spy, keyRing, { sendCacheTtlMs: 0 });
    const open = (id: string) =>
      app.inject({ method: 'GET', url: `/o/${keyRing.mint(id)}.gif`, headers: { 'user-agent': UA } });
    for (let i = 0; i < 25; i++) expectPixel(await open(sendId as string));
    expectPixel(await open(other as string));
    expect(counters).toMatchObject({ recorded: 21, ignored: 5 });
    // Over-budget opens cost no database work either.
    expect(s.calls.lookups).toBe(21);
    await clock.advance(HOUR);
    expectPixel(await open(sendId as string));
    const bySend = (await eventsOf(user)).filter((e) => e.sendId === sendId);
    expect(bySend).toHaveLength(21);
  });

  it('takes the address from X-Forwarded-For only behind a trusted proxy', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now());
    const [a, b] = await seedSends(store, user, 2, clock.now() - HOUR);
    const headers = { 'user-agent': UA, 'x-forwarded-for': '198.51.100.77, 192.0.2.10' };
    const direct = await pixelApp(store, keyRing, { trustProxy: 0 });
    await direct.app.inject({
      method: 'GET',
      url: `/o/${keyRing.mint(a as string)}.gif`,
      headers,
      remoteAddress: '10.0.0.5',
    });
    const proxied = await pixelApp(store, keyRing, { trustProxy: 1 });
    await proxied.app.inject({
      method: 'GET',
      url: `/o/${keyRing.mint(b as string)}.gif`,
      headers,
      remoteAddress: '10.0.0.5',
    });
    const events = await eventsOf(user);
    const ips = await Promise.all(events.map(async (e) => (await openOpenEvent(user.pair, e, e.sealed)).ip));
    // Spoofed left-most entries are never taken; one trusted hop means the right-most entry.
    expect(ips).toEqual(['10.0.0.5', '192.0.2.10']);
  });

  it('answers 200 only after the event’s transaction committed', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now() - HOUR);
    const [sendId] = await seedSends(store, user, 1, clock.now() - HOUR);
    const s = spyStore(store);
    const release = s.hold();
    const { app } = await pixelApp(s.spy, keyRing);
    let answered = false;
    const pending = app
      .inject({
        method: 'GET',
        url: `/o/${keyRing.mint(sendId as string)}.gif`,
        headers: { 'user-agent': UA },
      })
      .then((r) => {
        answered = true;
        return r;
      });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.calls.appends).toBe(1);
    expect(answered).toBe(false);
    release();
    expectPixel(await pending);
    expect(await eventsOf(user)).toHaveLength(1);
  });

  it('a failed commit answers 503 with the same GIF, and logs no token, address or user agent', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now() - HOUR);
    const [sendId] = await seedSends(store, user, 1, clock.now() - HOUR);
    const s = spyStore(store);
    s.failCommits(true);
    const logs: string[] = [];
    const { app, counters } = await pixelApp(s.spy, keyRing, { logs });
    const token = keyRing.mint(sendId as string);
    const res = await app.inject({
      method: 'GET',
      url: `/o/${token}.gif`,
      headers: { 'user-agent': UA },
      remoteAddress: '203.0.113.99',
    });
    expectPixel(res, 503);
    expect(res.headers['retry-after']).toBe('60');
    expect(counters.failed).toBe(1);
    expect(logs.join('')).toContain('pixel open not stored');
    for (const secret of [token, sendId as string, '203.0.113.99', 'Outlook', 'disk full']) {
      expect(logs.join('')).not.toContain(secret);
    }
    s.failCommits(false);
    expectPixel(await app.inject({ method: 'GET', url: `/o/${token}.gif`, headers: { 'user-agent': UA } }));
    expect(await eventsOf(user)).toHaveLength(1);
  });

  it('commits concurrent opens in groups, none lost', async () => {
    const keyRing = testKeyRing();
    const user = await seedUser(store, clock.now() - HOUR);
    const sends = await seedSends(store, user, 200, clock.now() - HOUR);
    const s = spyStore(store);
    const { app, writer } = await pixelApp(s.spy, keyRing);
    const res = await Promise.all(
      sends.map((id) =>
        app.inject({ method: 'GET', url: `/o/${keyRing.mint(id)}.gif`, headers: { 'user-agent': UA } }),
      ),
    );
    expect(res.every((r) => r.statusCode === 200)).toBe(true);
    expect(s.calls.rows).toBe(200);
    expect(s.calls.appends).toBeLessThan(20);
    expect(writer.stats.largestBatch).toBeGreaterThan(10);
    expect(await eventsOf(user)).toHaveLength(200);
  });

  it('never fetches a URL named in the request', async () => {
    let hits = 0;
    const target = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = (target.address() as { port: number }).port;
    try {
      const keyRing = testKeyRing();
      const user = await seedUser(store, clock.now() - HOUR);
      const [sendId] = await seedSends(store, user, 1, clock.now() - HOUR);
      const { app } = await pixelApp(store, keyRing);
      const src = encodeURIComponent(`http://127.0.0.1:${port}/x`);
      for (const url of [
        `/o/${keyRing.mint(sendId as string)}.gif?src=${src}&url=${src}`,
        `/o/http%3A%2F%2F127.0.0.1%3A${port}.gif`,
      ]) {
        expectPixel(
          await app.inject({
            method: 'GET',
            url,
            headers: { 'user-agent': UA, referer: `http://127.0.0.1:${port}/` },
          }),
        );
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(hits).toBe(0);
    } finally {
      target.close();
    }
  });
});
