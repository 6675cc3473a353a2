/**
 * Deleted data leaves the database files (issue #8 item 3). SQLite: after a disconnect and a
 * checkpoint, the file holds none of the user's ids or blob bytes (secure_delete zeroes freed
 * content). PostgreSQL: the tables that held the rows are vacuumed after a disconnect and after a
 * tenant purge, so dead tuples do not wait for autovacuum.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPurge } from '../../../src/server/retention/purge';
import { fromBase64url } from '../../../src/shared/base64url';
import { bearer, describeStores, id128, T0, type Harness } from '../api/harness';
import { registeredUserKey } from '../api/sealed-uploads';

/** 16 recognisable bytes, repeated inside every blob the user stores. */
const MARK = Buffer.from('c4nd0r-d3l3t3-m3', 'latin1');
const sealed = () => Buffer.concat([MARK, randomBytes(40), MARK, randomBytes(40)]);

async function seedUser(h: Harness, tid: string) {
  const oid = randomUUID();
  const headers = bearer(await h.token(tid, oid));
  const sendIds = Array.from({ length: 40 }, id128);
  await h.store.registerSends(
    tid,
    oid,
    'camp',
    sendIds.map((sendId) => ({ sendId, trackOpens: true })),
    T0,
  );
  const events = sendIds.flatMap((sendId) =>
    [0, 1, 2].map(() => ({
      tid,
      oid,
      sendId,
      eventId: id128(),
      kind: 'open' as const,
      verdict: 'human' as const,
      occurredAt: T0,
      sealed: new Uint8Array(sealed()),
    })),
  );
  expect(await h.store.appendEvents(events)).toEqual({ inserted: events.length });
  // A state blob v1 under the user's registered key (the server refuses anything else), whose
  // ciphertext carries the mark between random bytes.
  const { keyId } = await registeredUserKey(h.app, { tid, oid }, headers);
  const blob = Buffer.concat([
    Buffer.from([1]),
    fromBase64url(keyId),
    randomBytes(12),
    ...Array.from({ length: 50 }, () => Buffer.concat([MARK, randomBytes(8)])),
  ]).toString('base64url');
  const put = await h.app.inject({
    method: 'PUT',
    url: '/api/v1/campaigns/camp/state',
    headers,
    payload: { expectedVersion: null, blob },
  });
  expect(put.statusCode).toBe(200);
  return { oid, headers, sendIds, eventIds: events.map((e) => e.eventId) };
}

describeStores('deleted data', (open, kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open();
  });
  afterAll(() => h.close());

  // One test per store, each checking what that store promises.
  if (kind === 'sqlite')
    it('leaves none of a disconnected user’s bytes in the SQLite file', async () => {
      const tid = await h.onboard();
      const stays = await seedUser(h, tid);
      const leaves = await seedUser(h, tid);
      const del = await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: leaves.headers });
      expect(del.statusCode).toBe(200);

      const db = new Database(h.databaseTarget);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const file = readFileSync(h.databaseTarget);
      // The control: the remaining user's bytes are in the file, so the scan can see such bytes.
      expect(file.includes(Buffer.from(stays.oid, 'latin1'))).toBe(true);
      expect(file.includes(Buffer.from(stays.sendIds[0]!, 'base64url'))).toBe(true);
      expect(file.includes(MARK)).toBe(true);

      expect(file.includes(Buffer.from(leaves.oid, 'latin1')), 'oid').toBe(false);
      for (const id of [...leaves.sendIds, ...leaves.eventIds]) {
        expect(file.includes(Buffer.from(id, 'base64url')), `id ${id}`).toBe(false);
      }
      // Delete the other user too: then no blob byte of either is left.
      await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: stays.headers });
      const db2 = new Database(h.databaseTarget);
      db2.pragma('wal_checkpoint(TRUNCATE)');
      db2.close();
      expect(readFileSync(h.databaseTarget).includes(MARK), 'blob bytes').toBe(false);
    });
  else
    it('vacuums the emptied tables after a disconnect and after a tenant purge', async () => {
      const client = new pg.Client({ connectionString: h.databaseTarget });
      await client.connect();
      const lastVacuums = async () =>
        (
          await client.query<{ relname: string; n: string }>(
            `SELECT relname, vacuum_count AS n FROM pg_stat_user_tables
           WHERE relname IN ('events', 'sends', 'campaign_states', 'users', 'tenants') ORDER BY relname`,
          )
        ).rows.map((r) => ({ table: r.relname, vacuums: Number(r.n) }));
      try {
        const tid = await h.onboard(randomUUID(), T0 + 1000);
        const u = await seedUser(h, tid);
        const before = await lastVacuums();
        expect(
          (await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: u.headers })).statusCode,
        ).toBe(200);
        const afterDisconnect = await lastVacuums();
        for (const t of ['events', 'sends', 'campaign_states', 'users']) {
          const b = before.find((r) => r.table === t)?.vacuums ?? 0;
          expect(afterDisconnect.find((r) => r.table === t)?.vacuums, t).toBeGreaterThan(b);
        }
        await seedUser(h, tid);
        await h.clock.advance(1000 + 31 * 86_400_000);
        const purged = await runPurge({ store: h.store, clock: h.clock, graceDays: 30, batchSize: 50 });
        expect(purged.map((p) => p.tid)).toContain(tid);
        const afterPurge = await lastVacuums();
        for (const t of ['events', 'sends', 'campaign_states', 'users', 'tenants']) {
          const b = afterDisconnect.find((r) => r.table === t)?.vacuums ?? 0;
          expect(afterPurge.find((r) => r.table === t)?.vacuums, t).toBeGreaterThan(b);
        }
      } finally {
        await client.end();
      }
    });
});
