/**
 * Scale-out on PostgreSQL, end to end: two Candor processes (the real entry, src/server/main.ts) on
 * one database, both under pixel load and API traffic at once.
 *
 * - Every open answered 200 by either instance is stored exactly once (no loss, no duplicates).
 * - The per-user send cap holds across both instances: concurrent registrations on both never
 *   exceed it (it is checked in PostgreSQL under the user's row lock, not per process).
 * - So does the per-user API rate limit: requests alternating between the instances are counted
 *   in PostgreSQL, once.
 * - A user disconnecting through instance B while instance A keeps serving their tokens (from a
 *   warm lookup cache) ends with none of their rows; a tenant purged by a third connection while
 *   both instances serve its tokens ends with no rows either.
 * Bounded: about 3 s of load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock';
import { loadConfig } from '../../../src/server/config';
import { openDemoIssuer } from '../../../src/server/demo';
import { createStore } from '../../../src/server/store/create-store';
import type { Store } from '../../../src/server/store/store';
import { parsePixelKeys } from '../../../src/server/pixel/key-file';
import { PixelKeyRing } from '../../../src/server/pixel/token';
import { postgresAvailable, postgresRequired, postgresSkipReason, usePostgres } from '../../support/postgres';
import { seedSends, seedUser } from './fixtures';

const UA = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)';
const LOAD_MS = 3000;
const CONNECTIONS = 24;
const MAX_SENDS_PER_DAY = 50;
const USER_PER_MINUTE = 30;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function http(
  port: number,
  path: string,
  options: { agent?: Agent | false; method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        headers: {
          'user-agent': UA,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.end(payload);
  });
}

function start(env: Record<string, string>): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) =>
    child.once('exit', (code) => {
      if (code) console.error(`instance exited ${code}: ${stderr.slice(-2000)}`);
      r();
    }),
  );
  return { child, exited };
}

async function waitUp(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await http(port, '/healthz').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error('instance did not start');
}

async function eventIds(store: Store, u: { tid: string; oid: string }): Promise<string[]> {
  const ids: string[] = [];
  for (let after: string | null = null; ;) {
    const page = await store.listEvents(u.tid, u.oid, { after, limit: 1000 });
    if (page.events.length === 0) return ids;
    for (const e of page.events) ids.push(`${e.sendId}/${e.eventId}`);
    after = page.next;
  }
}

describe.skipIf(!postgresAvailable && !postgresRequired)(
  `scale-out: two instances on one PostgreSQL${postgresAvailable ? '' : ` (${postgresSkipReason})`}`,
  () => {
    const pg = usePostgres();
    let url = '';
    let dataDir = '';
    beforeAll(async () => {
      url = await pg.newDatabase();
      dataDir = mkdtempSync(join(tmpdir(), 'candor-scale-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('no lost or duplicated opens, one send cap, disconnect and purge while both serve', async () => {
      const store = await createStore(url);
      await store.migrate();
      const pixelKeys = `s1:${randomBytes(32).toString('base64url')}`;
      const ring = new PixelKeyRing(parsePixelKeys(pixelKeys), 's1');
      const seedAt = Date.now() - 3_600_000;
      const stay = [];
      for (let i = 0; i < 4; i++) stay.push(await seedUser(store, seedAt));
      const leaver = await seedUser(store, seedAt);
      const purged = await seedUser(store, seedAt); // its own tenant
      const sendsOf = new Map<string, string[]>();
      for (const u of [...stay, leaver, purged]) sendsOf.set(u.oid, await seedSends(store, u, 120, seedAt));
      // A user with no sends yet, who registers them through the API on both instances.
      const sender = await seedUser(store, seedAt);

      const [portA, portB] = [await freePort(), await freePort()];
      const env = {
        CANDOR_MODE: 'demo',
        DATABASE_URL: url,
        DATA_DIR: dataDir,
        PIXEL_KEYS: pixelKeys,
        PUBLIC_URL: `http://127.0.0.1:${portA}`,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        MAX_SENDS_PER_DAY: String(MAX_SENDS_PER_DAY),
        RATE_LIMIT_USER_PER_MINUTE: String(USER_PER_MINUTE),
      };
      const issuer = await openDemoIssuer(loadConfig(env), systemClock);
      const config = loadConfig(env);
      const tokenFor = (u: { tid: string; oid: string }) =>
        issuer.mintApiToken({
          tid: u.tid,
          oid: u.oid,
          audience: config.auth.apiClientId,
          azp: config.auth.addinClientIds[0] as string,
          lifetimeSeconds: 600,
        });
      const a = start({ ...env, PORT: String(portA) });
      const b = start({ ...env, PORT: String(portB) });
      try {
        await Promise.all([waitUp(portA), waitUp(portB)]);

        // Pixel load on both instances, over every user's tokens.
        const all = [...stay, leaver, purged].flatMap((u) =>
          (sendsOf.get(u.oid) as string[]).map((sendId) => ({
            oid: u.oid,
            sendId,
            path: `/o/${ring.mint(sendId)}.gif`,
          })),
        );
        const acked = new Map<string, number>();
        let other = 0;
        let stop = false;
        const agents = [new Agent({ keepAlive: true }), new Agent({ keepAlive: true })];
        // Each token is opened by one connection, so on one instance; under the per-send budget
        // (20 recorded opens per send per hour, per instance), past which an open is answered 200
        // but not recorded: every 200 here must be a row.
        const maxRequests = all.length * 19;
        const loops = Array.from({ length: CONNECTIONS }, async (_, c) => {
          for (let i = c; !stop && i < maxRequests; i += CONNECTIONS) {
            const t = all[i % all.length] as (typeof all)[number];
            const r = await http(c % 2 ? portB : portA, t.path, { agent: agents[c % 2] });
            if (r.status === 200) acked.set(t.oid, (acked.get(t.oid) ?? 0) + 1);
            else other++;
          }
        });

        // API traffic at the same time: 10 batches of 10 sends, alternating instances, against a
        // cap of 50 per day.
        const senderToken = await tokenFor(sender);
        const batches = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            http(i % 2 ? portB : portA, '/api/v1/campaigns/scale/sends', {
              method: 'POST',
              token: senderToken,
              body: { sends: Array.from({ length: 10 }, () => ({ trackOpens: true })) },
            }),
          ),
        );
        await sleep(LOAD_MS / 3);
        // The leaver disconnects through instance B while A serves their tokens.
        const gone = await http(portB, '/api/v1/me', { method: 'DELETE', token: await tokenFor(leaver) });
        // A third connection (the retention job) purges the other tenant while both serve it.
        for (let done = false; !done;)
          done = (await store.purgeTenantBatch(purged.tid, 200, Date.now())).done;
        await sleep(LOAD_MS / 2);
        stop = true;
        await Promise.all(loops);
        for (const ag of agents) ag.destroy();

        expect(other).toBe(0);
        expect(gone.status).toBeLessThan(300);
        const accepted = batches.filter((r) => r.status === 200 || r.status === 201);
        expect(accepted.length).toBe(MAX_SENDS_PER_DAY / 10);
        expect(batches.filter((r) => r.status === 429)).toHaveLength(10 - accepted.length);
        expect((await store.listSends(sender.tid, sender.oid, 'scale')).length).toBe(MAX_SENDS_PER_DAY);

        // Every 200 for a staying user is one stored row, and no row is there twice.
        for (const u of stay) {
          const ids = await eventIds(store, u);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.length).toBe(acked.get(u.oid) ?? 0);
          expect(ids.length).toBeGreaterThan(0);
        }
        expect(acked.get(leaver.oid) ?? 0).toBeGreaterThan(0);
        expect(await store.countTenantRows(leaver.tid)).toMatchObject({ events: 0, sends: 0 });
        expect(await store.getUser(leaver.tid, leaver.oid)).toBeNull();
        expect(acked.get(purged.oid) ?? 0).toBeGreaterThan(0);
        const left = await store.countTenantRows(purged.tid);
        expect(Object.values(left).every((n) => n === 0)).toBe(true);

        // The per-user API rate limit is one limit, counted in PostgreSQL: a user alternating
        // between the instances gets USER_PER_MINUTE requests in a minute in all, not per instance.
        // Windows are aligned to the clock: start well inside one, so all requests share it.
        const intoMinute = Date.now() % 60_000;
        if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 200);
        const chattyToken = await tokenFor(await seedUser(store, seedAt));
        const codes: number[] = [];
        for (let i = 0; i < USER_PER_MINUTE + 6; i++)
          codes.push((await http(i % 2 ? portB : portA, '/api/v1/campaigns', { token: chattyToken })).status);
        expect(codes.slice(0, USER_PER_MINUTE)).toEqual(Array(USER_PER_MINUTE).fill(200));
        expect(codes.slice(USER_PER_MINUTE)).toEqual(Array(6).fill(429));
      } finally {
        for (const i of [a, b]) i.child.kill('SIGTERM');
        await Promise.race([Promise.all([a.exited, b.exited]), sleep(15_000)]);
        for (const i of [a, b]) if (i.child.exitCode === null) i.child.kill('SIGKILL');
        await store.close();
      }
    }, 120_000);
  },
);
