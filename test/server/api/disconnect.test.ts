/**
 * Disconnect under load and after a crash (issue #8 item 11): a large deletion does not stall
 * other requests, and a deletion that stopped part-way leaves a user who is refused everywhere
 * except DELETE /me, which finishes it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, describeStores, id128, T0, type Harness } from './harness';

async function seedEvents(h: Harness, tid: string, oid: string, n: number): Promise<string> {
  const sendId = id128();
  await h.store.registerSends(tid, oid, 'camp', [{ sendId, trackOpens: true }], T0);
  for (let done = 0; done < n; done += 5000) {
    const batch = Array.from({ length: Math.min(5000, n - done) }, () => ({
      tid,
      oid,
      sendId,
      eventId: id128(),
      kind: 'open' as const,
      verdict: 'human' as const,
      occurredAt: T0,
      sealed: new Uint8Array(randomBytes(64)),
    }));
    await h.store.appendEvents(batch);
  }
  return sendId;
}

describeStores('disconnect', (open, kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open();
  });
  afterAll(() => h.close());

  it('serves other requests while a large deletion runs', async () => {
    const tid = await h.onboard();
    const oid = randomUUID();
    await seedEvents(h, tid, oid, 5_000);
    const headers = bearer(await h.token(tid, oid));

    // Once the deletion has started, ask for something else and note which finishes first.
    const order: string[] = [];
    const store = h.store;
    const original = store.deleteUser.bind(store);
    let other: Promise<unknown> = Promise.resolve();
    store.deleteUser = (t, o) => {
      other = h.app.inject({ url: '/healthz' }).then((r) => order.push(`healthz ${r.statusCode}`));
      return original(t, o).finally(() => order.push('deleted'));
    };
    try {
      const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers });
      await other;
      expect(res.statusCode).toBe(200);
      expect(res.json().deleted).toMatchObject({ events: 5_000, sends: 1, users: 1 });
      expect(order).toEqual(['healthz 200', 'deleted']);
    } finally {
      delete (store as Partial<typeof store>).deleteUser;
    }
  });

  it('finishes a deletion that stopped part-way; until then the user is refused elsewhere', async () => {
    const tid = await h.onboard();
    const oid = randomUUID();
    const sendId = await seedEvents(h, tid, oid, 300);
    await h.store.putCampaignState(tid, oid, 'camp', new Uint8Array([1, 2, 3]), null, T0);
    // What a crash after the first chunk leaves: the user marked as leaving, some events gone.
    if (kind === 'sqlite') {
      const db = new Database(h.databaseTarget);
      db.prepare('UPDATE users SET leaving = 1, key_id = NULL WHERE tid = ? AND oid = ?').run(tid, oid);
      db.prepare(
        'DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE tid = ? AND oid = ? LIMIT 100)',
      ).run(tid, oid);
      db.close();
    } else {
      const c = new pg.Client({ connectionString: h.databaseTarget });
      await c.connect();
      await c.query('UPDATE users SET leaving = true, key_id = NULL WHERE tid = $1 AND oid = $2', [tid, oid]);
      await c.query(
        'DELETE FROM events WHERE (tid, oid, event_id) IN (SELECT tid, oid, event_id FROM events WHERE tid = $1 AND oid = $2 LIMIT 100)',
        [tid, oid],
      );
      await c.end();
    }
    const headers = bearer(await h.token(tid, oid));
    for (const [method, url] of [
      ['GET', '/api/v1/events'],
      ['GET', '/api/v1/campaigns'],
      ['GET', '/api/v1/me/key'],
      ['POST', '/api/v1/campaigns/camp/sends'],
    ] as const) {
      const res = await h.app.inject({
        method,
        url,
        headers,
        payload: method === 'POST' ? { sends: [{ trackOpens: true }] } : undefined,
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
    // The pixel records nothing for a leaving user.
    expect(await h.store.getSendForPixel(sendId)).toBeNull();

    const del = await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers });
    expect(del.statusCode).toBe(200);
    expect(del.json().deleted).toEqual({
      events: 200,
      sends: 1,
      campaignStates: 1,
      users: 1,
      tenants: 0,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    });
    expect(await h.store.countTenantRows(tid)).toEqual({
      events: 0,
      sends: 0,
      campaignStates: 0,
      users: 0,
      tenants: 1,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    });
    // Gone, not leaving: the same person may connect again as a new user.
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers })).json()).toEqual({
      campaigns: [],
    });
  });
});
