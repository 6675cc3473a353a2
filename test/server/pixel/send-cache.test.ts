/**
 * The pixel's lookup cache (src/server/pixel/send-cache.ts) keeps the pixel's promises: a key
 * replaced, a user disconnected or a tenant purged — on this instance or on another one sharing
 * the database — is honoured, at once here and within the cache's TTL elsewhere; opens for a
 * disconnected user or purged tenant are never stored, even from a warm cache. SQLite (two
 * connections on one file) and PostgreSQL (two pools on one database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { createStore } from '../../../src/server/store/create-store';
import type { EventRow, PixelSend, Store } from '../../../src/server/store/store';
import { UserChangeFeed } from '../../../src/server/store/user-changes';
import { registerPixelRoutes } from '../../../src/server/pixel/routes';
import { PixelSendCache } from '../../../src/server/pixel/send-cache';
import { openOpenEvent, SealedEventError } from '../../support/sealed-event-opener';
import { postgresAvailable, postgresRequired, postgresSkipReason, usePostgres } from '../../support/postgres';
import { seedSends, seedUser, testKeyRing } from './fixtures';

const UA = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)';
const HOUR = 3_600_000;
const TTL = 5000;

function cacheSuite(open: () => Promise<Store>) {
  /** Instance A serves the pixel; instance B is another Candor on the same database. */
  let a: Store;
  let b: Store;
  const clock = new ManualClock(Date.UTC(2026, 11, 3, 9));
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    a = await open();
    await a.migrate();
    b = await open();
    await b.migrate();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function pixel() {
    const keyRing = testKeyRing();
    const app = Fastify({ logger: false });
    apps.push(app);
    const px = await registerPixelRoutes(app, { store: a, keyRing, clock, sendCache: { ttlMs: TTL } });
    await app.ready();
    const open = async (sendId: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/o/${keyRing.mint(sendId)}.gif`,
        headers: { 'user-agent': UA },
      });
      expect(res.statusCode).toBe(200);
    };
    return { open, ...px };
  }

  async function user() {
    const u = await seedUser(a, clock.now() - HOUR);
    const sends = await seedSends(a, u, 3, clock.now() - HOUR);
    return { ...u, sends: sends as [string, string, string] };
  }

  const eventsOf = async (u: { tid: string; oid: string }) =>
    (await a.listEvents(u.tid, u.oid, { limit: 1000 })).events;
  const opensWith = async (pair: CryptoKeyPair, ev: EventRow) =>
    openOpenEvent(pair, ev, ev.sealed).then(
      () => true,
      (e: unknown) => {
        if (e instanceof SealedEventError) return false;
        throw e;
      },
    );
  const newPair = async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ])) as CryptoKeyPair;
    return { pair, raw: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) };
  };

  it('repeat opens of a send within the TTL cost one database lookup', async () => {
    const u = await user();
    const px = await pixel();
    for (let i = 0; i < 10; i++) await px.open(u.sends[0]);
    expect(px.counters.recorded).toBe(10);
    expect(await eventsOf(u)).toHaveLength(10);
    expect(px.lookup.lookups).toBe(1);
    await clock.advance(TTL);
    await px.open(u.sends[0]);
    expect(px.lookup.lookups).toBe(2);
  });

  it('a key replaced on this instance is used for the very next open', async () => {
    const u = await user();
    const px = await pixel();
    await px.open(u.sends[0]);
    const next = await newPair();
    await a.setUserKey(u.tid, u.oid, { keyId: 'u2', key: { format: 'raw', raw: next.raw } }, clock.now());
    await px.open(u.sends[0]);
    const [first, second] = await eventsOf(u);
    expect(await opensWith(u.pair, first as EventRow)).toBe(true);
    expect(await opensWith(next.pair, second as EventRow)).toBe(true);
    expect(await opensWith(u.pair, second as EventRow)).toBe(false);
  });

  it('a key replaced on this instance reaches every cached send of the user', async () => {
    const u = await user();
    const px = await pixel();
    await px.open(u.sends[0]);
    await px.open(u.sends[1]);
    const next = await newPair();
    await a.setUserKey(u.tid, u.oid, { keyId: 'u2', key: { format: 'raw', raw: next.raw } }, clock.now());
    await px.open(u.sends[0]); // refreshes the user's state through send 0…
    await px.open(u.sends[1]); // …which send 1 takes up without a lookup of its own
    const evs = await eventsOf(u);
    expect(await opensWith(next.pair, evs[2] as EventRow)).toBe(true);
    expect(await opensWith(next.pair, evs[3] as EventRow)).toBe(true);
    expect(px.lookup.lookups).toBe(3);
  });

  it('a key replaced on another instance is used once the TTL has passed', async () => {
    const u = await user();
    const px = await pixel();
    await px.open(u.sends[0]);
    const next = await newPair();
    await b.setUserKey(u.tid, u.oid, { keyId: 'u2', key: { format: 'raw', raw: next.raw } }, clock.now());
    await px.open(u.sends[0]); // within the TTL: still the key this instance knew
    await clock.advance(TTL);
    await px.open(u.sends[0]);
    const evs = await eventsOf(u);
    expect(evs).toHaveLength(3);
    expect(await opensWith(u.pair, evs[1] as EventRow)).toBe(true);
    expect(await opensWith(next.pair, evs[2] as EventRow)).toBe(true);
  });

  it('a user disconnected on another instance: opens from a warm cache store nothing', async () => {
    const u = await user();
    const px = await pixel();
    await px.open(u.sends[0]);
    await px.open(u.sends[1]);
    expect(await eventsOf(u)).toHaveLength(2);
    await b.deleteUser(u.tid, u.oid);
    await px.open(u.sends[0]);
    await px.open(u.sends[1]);
    await px.open(u.sends[2]);
    expect(await eventsOf(u)).toEqual([]);
    expect((await a.countTenantRows(u.tid)).events).toBe(0);
  });

  it('a user disconnected on this instance is ignored at once, without sealing', async () => {
    const u = await user();
    const px = await pixel();
    await px.open(u.sends[0]);
    await a.deleteUser(u.tid, u.oid);
    const before = px.counters.ignored;
    await px.open(u.sends[0]);
    expect(px.counters.ignored).toBe(before + 1);
    expect(await eventsOf(u)).toEqual([]);
  });

  it('a tenant purged on another instance: opens from a warm cache store nothing', async () => {
    const u = await user();
    const px = await pixel();
    await px.open(u.sends[0]);
    for (let done = false; !done;) done = (await b.purgeTenantBatch(u.tid, 1000, clock.now())).done;
    await px.open(u.sends[0]);
    await px.open(u.sends[1]);
    expect(await a.countTenantRows(u.tid)).toMatchObject({ events: 0, sends: 0, users: 0, tenants: 0 });
  });

  it('a contract ended on this instance stops recording at once', async () => {
    const u = await user();
    const px = await pixel();
    await px.open(u.sends[0]);
    await a.upsertTenant({ tid: u.tid, contractEndsAt: clock.now() - 1 }, clock.now());
    await px.open(u.sends[0]);
    expect(await eventsOf(u)).toHaveLength(1);
  });
}

describe('pixel lookup cache, SQLite (two connections on one file)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'candor-cache-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cacheSuite(() => createStore(join(dir, 'candor.db')));
});

describe.skipIf(!postgresAvailable && !postgresRequired)(
  `pixel lookup cache, PostgreSQL (two pools on one database)${postgresAvailable ? '' : ` (${postgresSkipReason})`}`,
  () => {
    const pg = usePostgres();
    let url = '';
    beforeAll(async () => {
      url = await pg.newDatabase();
    });
    cacheSuite(() => createStore(url));
  },
);

describe('pixel lookup cache, a change during a lookup', () => {
  it('a lookup that was under way when a change was reported does not fill the cache', async () => {
    const feed = new UserChangeFeed();
    let release!: () => void;
    let calls = 0;
    const row: PixelSend = {
      tid: 't',
      oid: 'o',
      campaignId: 'c',
      sendId: 's',
      trackOpens: true,
      createdAt: 0,
      userKey: null,
      contractEndsAt: null,
    };
    const store = {
      userChanges: feed,
      getSendForPixel: async () => {
        calls++;
        if (calls === 1) await new Promise<void>((r) => (release = r));
        return row;
      },
    };
    const cache = new PixelSendCache(store, new ManualClock(0), { ttlMs: TTL });
    const first = cache.getSendForPixel('s');
    await Promise.resolve();
    feed.emit('t', 'o'); // e.g. the key was replaced while the first lookup read the old one
    release();
    await first;
    await cache.getSendForPixel('s');
    expect(calls).toBe(2);
    await cache.getSendForPixel('s');
    expect(calls).toBe(2);
  });
});
