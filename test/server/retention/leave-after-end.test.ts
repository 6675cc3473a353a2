/**
 * Leaving after the contract ended (issue #8 item 22): during the grace period between contract
 * end and purge, a user's validly signed token is refused everywhere except DELETE /me, which
 * deletes their data and records the contract end it happened under.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contractEndInstant, DAY_MS } from '../../../src/server/retention/contract';
import { runPurge } from '../../../src/server/retention/purge';
import { bearer, describeStores, id128, type Harness } from '../api/harness';

describeStores('leaving after the contract ended', (open) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open();
  });
  afterAll(() => h.close());

  /** Every API operation the OpenAPI document lists, with path parameters filled in. */
  async function operations(): Promise<{ method: string; url: string }[]> {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((verb) => ({
        method: verb.toUpperCase(),
        url: path.replace('{campaignId}', 'camp').replace('{sendId}', id128()),
      })),
    );
  }

  it('refuses every route but DELETE /me, which deletes and records the contract end', async () => {
    // The clock starts on 2026-11-02; this contract covered October.
    const end = contractEndInstant('2026-10-31');
    const tid = await h.onboard(randomUUID(), null);
    const oid = randomUUID();
    const active = bearer(await h.token(tid, oid));
    const sends = await h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/camp/sends',
      headers: active,
      payload: { sends: [{ trackOpens: true }, { trackOpens: false }] },
    });
    expect(sends.statusCode).toBe(201);
    await h.store.upsertTenant({ tid, contractEndsAt: end }, h.clock.now());

    const headers = bearer(await h.token(tid, oid));
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(5);
    for (const op of ops) {
      if (op.method === 'DELETE' && op.url === '/api/v1/me') continue;
      const res = await h.app.inject({ method: op.method as 'GET', url: op.url, headers, payload: {} });
      expect(res.statusCode, `${op.method} ${op.url}`).toBe(401);
    }
    expect((await h.store.countTenantRows(tid)).sends).toBe(2);

    const del = await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers });
    expect(del.statusCode).toBe(200);
    expect(del.json().deleted).toMatchObject({ sends: 2, users: 1 });
    const records = (await h.store.listDeletionRecords({ limit: 1000 })).filter((r) => r.subjectRef === tid);
    expect(records).toEqual([expect.objectContaining({ kind: 'user-disconnect', contractEndsAt: end })]);

    // After the purge the tenant is gone: nothing is accepted any more, not even DELETE /me.
    await h.clock.advance(end + 31 * DAY_MS - h.clock.now());
    const purged = await runPurge({ store: h.store, clock: h.clock, graceDays: 30, batchSize: 100 });
    expect(purged.find((p) => p.tid === tid)?.record.contractEndsAt).toBe(end);
    const late = bearer(await h.token(tid, oid));
    expect((await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: late })).statusCode).toBe(401);
  });

  it('records the contract end of an open-ended tenant as null', async () => {
    const tid = await h.onboard();
    const del = await h.app.inject({
      method: 'DELETE',
      url: '/api/v1/me',
      headers: bearer(await h.token(tid, randomUUID())),
    });
    expect(del.statusCode).toBe(200);
    const records = (await h.store.listDeletionRecords({ limit: 1000 })).filter((r) => r.subjectRef === tid);
    expect(records).toEqual([expect.objectContaining({ kind: 'user-disconnect', contractEndsAt: null })]);
  });
});
