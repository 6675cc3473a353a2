/**
 * The retention promise walked end to end on an injected clock, on both stores: a tenant whose
 * contract ends keeps its data (refused by the API) through the grace period, is purged by the
 * purge job once due — well inside 60 days — with a deletion record that names no person, and a
 * purge that crashes part-way is finished by the next run without double counting.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toBase64url } from '../../../src/shared/base64url';
import { createEventSealer, importRecipientPublicKey } from '../../../src/shared/sealed-event';
import { contractEndInstant, DAY_MS } from '../../../src/server/retention/contract';
import { runPurge } from '../../../src/server/retention/purge';
import { startPurgeSchedule } from '../../../src/server/retention/scheduler';
import type { Store, TableCounts } from '../../../src/server/store/store';
import { sumCounts } from '../../../src/server/store/rows';
import { bearer, describeStores, id128, publicKeyB64, type Harness } from '../api/harness';
import { opaqueStateBlob } from '../api/sealed-uploads';

const GRACE = 30;

async function untilSleeping(clock: { pending: number } = currentClock!) {
  for (let i = 0; i < 500 && clock.pending === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(clock.pending).toBeGreaterThan(0);
}
let currentClock: { pending: number } | undefined;

describeStores('retention timeline', (open) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open();
    currentClock = h.clock;
  });
  afterAll(() => h.close());

  /** A tenant with `users` users, each with a key, sends, state and sealed replies, via the API. */
  async function seedTenant(contractEnd: string | null, users = 2, sendsPerUser = 4) {
    const tid = await h.onboard(randomUUID(), contractEnd ? contractEndInstant(contractEnd) : null);
    const oids: string[] = [];
    for (let u = 0; u < users; u++) {
      const oid = randomUUID();
      oids.push(oid);
      const headers = bearer(await h.token(tid, oid));
      const publicKey = await publicKeyB64();
      await h.app.inject({ method: 'PUT', url: '/api/v1/me/key', headers, payload: { publicKey } });
      const sends = (
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/campaigns/c1/sends',
          headers,
          payload: { sends: Array.from({ length: sendsPerUser }, () => ({ trackOpens: true })) },
        })
      ).json().sends as { sendId: string }[];
      await h.app.inject({
        method: 'PUT',
        url: '/api/v1/campaigns/c1/state',
        headers,
        payload: { expectedVersion: null, blob: await opaqueStateBlob(publicKey) },
      });
      const sealer = await createEventSealer(await importRecipientPublicKey(publicKey));
      for (const { sendId } of sends) {
        const eventId = id128();
        const sealed = await sealer.seal(
          { kind: 'reply', tid, oid, sendId, eventId },
          { subject: 's', from: 'a@b.c', receivedAt: 1, ip: null },
        );
        const r = await h.app.inject({
          method: 'POST',
          url: `/api/v1/sends/${sendId}/reply`,
          headers,
          payload: { eventId, sealed: toBase64url(sealed) },
        });
        expect(r.statusCode).toBe(201);
      }
    }
    return { tid, oids };
  }

  const apiStatus = async (tid: string, oid: string) =>
    (await h.app.inject({ url: '/api/v1/campaigns', headers: bearer(await h.token(tid, oid)) })).statusCode;

  const sumOf = (c: TableCounts) => sumCounts(c);

  const purge = (store: Store = h.store, batchSize = 5) =>
    runPurge({ store, clock: h.clock, graceDays: GRACE, batchSize });

  it('active → ended (refused, data kept) → purged at contract end + grace, with a deletion record', async () => {
    // The clock starts on 2026-11-02; the contract covers November.
    const ending = await seedTenant('2026-11-30');
    const forever = await seedTenant(null);
    const seeded = await h.store.countTenantRows(ending.tid);
    expect(seeded).toEqual({
      events: 8,
      sends: 8,
      campaignStates: 2,
      users: 2,
      tenants: 1,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    });
    const foreverBefore = await h.store.countTenantRows(forever.tid);

    expect(await apiStatus(ending.tid, ending.oids[0]!)).toBe(200);
    await purge();
    expect(await h.store.countTenantRows(ending.tid)).toEqual(seeded);

    // Contract over: the API refuses at once, but the data waits out the grace period.
    const end = contractEndInstant('2026-11-30');
    await h.clock.advance(end - h.clock.now());
    expect(await apiStatus(ending.tid, ending.oids[0]!)).toBe(401);
    expect(await apiStatus(forever.tid, forever.oids[0]!)).toBe(200);
    await h.clock.advance((GRACE - 1) * DAY_MS);
    expect(await purge()).toEqual([]);
    expect(await h.store.countTenantRows(ending.tid)).toEqual(seeded);

    // Grace over: the scheduled job deletes everything on its next tick — well before day 60.
    const purged: string[] = [];
    const schedule = startPurgeSchedule(
      { store: h.store, clock: h.clock, graceDays: GRACE, batchSize: 5, intervalMs: DAY_MS },
      {
        purged: (p) => purged.push(p.tid),
        failed: (err) => purged.push(`failed: ${String(err)}`),
        overdue: (tids) => purged.push(`overdue: ${tids.join()}`),
      },
    );
    // Real database I/O runs between clock ticks: let each run finish (the job sleeps again) first.
    await untilSleeping();
    await h.clock.advance(DAY_MS);
    await untilSleeping();
    await schedule.stop();
    expect(purged).toEqual([ending.tid]);
    expect(h.clock.now() - end).toBeLessThanOrEqual(31 * DAY_MS);
    expect(await h.store.countTenantRows(ending.tid)).toEqual({
      events: 0,
      sends: 0,
      campaignStates: 0,
      users: 0,
      tenants: 0,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    });
    expect(await h.store.getTenant(ending.tid)).toBeNull();
    expect(await h.store.countTenantRows(forever.tid)).toEqual(foreverBefore);

    const records = (await h.store.listDeletionRecords()).filter((r) => r.subjectRef === ending.tid);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'tenant-purge', counts: seeded });
    for (const oid of ending.oids) expect(JSON.stringify(records[0])).not.toContain(oid);
    const checkpoint = await h.store.getPurgeCheckpoint(ending.tid);
    expect(checkpoint?.finishedAt).toBe(records[0]!.at);

    // A second run changes nothing and writes no second record.
    await purge();
    expect((await h.store.listDeletionRecords()).filter((r) => r.subjectRef === ending.tid)).toHaveLength(1);
  });

  it('finishes a purge that crashed mid-way, counting every row exactly once', async () => {
    const now = h.clock.now();
    const endDate = new Date(now - 40 * DAY_MS).toISOString().slice(0, 10);
    // Seed while the contract is active, then end it in the past (as `tenant end` would).
    const t = await seedTenant(null, 3, 6);
    const seeded = await h.store.countTenantRows(t.tid);
    await h.store.upsertTenant({ tid: t.tid, contractEndsAt: contractEndInstant(endDate) }, now);

    let batches = 0;
    const crashing = new Proxy(h.store, {
      get(target, prop, receiver) {
        if (prop === 'purgeTenantBatch') {
          return async (...args: Parameters<Store['purgeTenantBatch']>) => {
            if (++batches > 3) throw new Error('simulated crash');
            return target.purgeTenantBatch(...args);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(purge(crashing, 4)).rejects.toThrow('simulated crash');
    const partial = await h.store.countTenantRows(t.tid);
    const sum = (c: typeof seeded) => c.events + c.sends + c.campaignStates + c.users + c.tenants;
    expect(sum(partial)).toBe(sum(seeded) - 12);
    expect((await h.store.getPurgeCheckpoint(t.tid))?.finishedAt).toBeNull();

    // Next run: resumes from the checkpoint and completes.
    const done = await purge(h.store, 4);
    expect(done.map((d) => d.tid)).toContain(t.tid);
    expect(sum(await h.store.countTenantRows(t.tid))).toBe(0);
    const record = (await h.store.listDeletionRecords()).find((r) => r.subjectRef === t.tid);
    expect(record?.counts).toEqual(seeded);
  });

  it('writes the deletion record on the next run if the process died right after the last batch', async () => {
    const t = await seedTenant(null, 1, 2);
    const seeded = await h.store.countTenantRows(t.tid);
    await h.store.upsertTenant({ tid: t.tid, contractEndsAt: h.clock.now() - 45 * DAY_MS }, h.clock.now());
    const noRecords = new Proxy(h.store, {
      get(target, prop, receiver) {
        if (prop === 'addDeletionRecord') return async () => Promise.reject(new Error('died'));
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(purge(noRecords)).rejects.toThrow('died');
    expect((await h.store.countTenantRows(t.tid)).tenants).toBe(0);
    await purge();
    const records = (await h.store.listDeletionRecords()).filter((r) => r.subjectRef === t.tid);
    expect(records).toHaveLength(1);
    expect(records[0]!.counts).toEqual(seeded);
  });

  it('writes one deletion record when two purge runs finish the same tenant at once', async () => {
    const t = await seedTenant(null, 2, 3);
    const seeded = await h.store.countTenantRows(t.tid);
    await h.store.upsertTenant({ tid: t.tid, contractEndsAt: h.clock.now() - 45 * DAY_MS }, h.clock.now());
    // As two instances (or the server and the admin command) would: both run the whole job.
    const [a, b] = await Promise.all([purge(), purge()]);
    expect(sumOf(await h.store.countTenantRows(t.tid))).toBe(0);
    const reported = [...a, ...b].filter((p) => p.tid === t.tid);
    expect(reported).toHaveLength(1);
    expect(reported[0]!.deleted).toEqual(seeded);
    const records = (await h.store.listDeletionRecords({ limit: 1000 })).filter(
      (r) => r.subjectRef === t.tid,
    );
    expect(records).toHaveLength(1);
    expect(records[0]!.counts).toEqual(seeded);
  });

  it('raises the overdue alarm when a tenant still has data 45 days after its contract ended', async () => {
    const t = await seedTenant(null, 1, 1);
    await h.store.upsertTenant({ tid: t.tid, contractEndsAt: h.clock.now() - 46 * DAY_MS }, h.clock.now());
    const alarms: string[][] = [];
    const broken = new Proxy(h.store, {
      get(target, prop, receiver) {
        if (prop === 'purgeTenantBatch') return async () => Promise.reject(new Error('disk full'));
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const failures: unknown[] = [];
    const schedule = startPurgeSchedule(
      { store: broken, clock: h.clock, graceDays: GRACE, batchSize: 5, intervalMs: DAY_MS },
      { purged: () => undefined, failed: (err) => failures.push(err), overdue: (tids) => alarms.push(tids) },
    );
    await untilSleeping();
    await schedule.stop();
    expect(failures).toHaveLength(1);
    expect(alarms).toEqual([[t.tid]]);
    await purge();
    expect((await h.store.countTenantRows(t.tid)).tenants).toBe(0);
  });

  it('does not purge a tenant whose contract was extended before the purge became due', async () => {
    const t = await seedTenant(null, 1, 1);
    const seeded = await h.store.countTenantRows(t.tid);
    const now = h.clock.now();
    await h.store.upsertTenant({ tid: t.tid, contractEndsAt: now - 10 * DAY_MS }, now);
    expect(await apiStatus(t.tid, t.oids[0]!)).toBe(401);
    await purge();
    expect(await h.store.countTenantRows(t.tid)).toEqual(seeded);
    await h.store.upsertTenant({ tid: t.tid, contractEndsAt: now + 365 * DAY_MS }, now);
    await h.clock.advance(30 * DAY_MS);
    await purge();
    expect(await h.store.countTenantRows(t.tid)).toEqual(seeded);
    expect(await apiStatus(t.tid, t.oids[0]!)).toBe(200);
  });
});
