/**
 * One contract suite, run against both backends: SQLite (a temp file) and a real PostgreSQL
 * (test/support/postgres). Each test uses fresh random tenant ids, so tests share a database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pgLib from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/server/store/create-store';
import {
  DuplicateSendError,
  InvalidInputError,
  SendLimitError,
  type EventRow,
  type Store,
} from '../../../src/server/store/store';
import { postgresAvailable, postgresRequired, postgresSkipReason, usePostgres } from '../../support/postgres';

const id = () => randomBytes(16).toString('base64url');
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const rawKey = () => {
  const k = new Uint8Array(65);
  k[0] = 0x04;
  k.set(randomBytes(64), 1);
  return k;
};

interface Backend {
  name: string;
  open: () => Promise<Store>;
}

function contractSuite(backend: () => Backend) {
  let store: Store;
  beforeAll(async () => {
    store = await backend().open();
    await store.migrate();
  });
  afterAll(async () => store?.close());

  async function seedUser(tid = randomUUID(), oid = randomUUID()) {
    await store.upsertTenant({ tid, contractEndsAt: null }, T0);
    await store.setUserKey(tid, oid, { keyId: 'k1', key: { format: 'raw', raw: rawKey() } }, T0);
    return { tid, oid };
  }

  function event(tid: string, oid: string, sendId: string, over: Partial<EventRow> = {}): EventRow {
    return {
      tid,
      oid,
      sendId,
      eventId: id(),
      kind: 'open',
      verdict: 'human',
      occurredAt: T0 + 1000,
      sealed: new Uint8Array(randomBytes(120)),
      ...over,
    };
  }

  it('migrates idempotently, also from a second instance on the same database', async () => {
    await store.migrate();
    const again = await backend().open();
    await again.migrate();
    await again.close();
  });

  it('keeps tenants with their contract end, updating in place', async () => {
    const tid = randomUUID();
    expect(await store.getTenant(tid)).toBeNull();
    await store.upsertTenant({ tid, contractEndsAt: null }, T0);
    const t = await store.upsertTenant({ tid, contractEndsAt: T0 + 86_400_000 }, T0 + 5);
    expect(t).toEqual({ tid, contractEndsAt: T0 + 86_400_000, createdAt: T0, updatedAt: T0 + 5 });
    expect(await store.getTenant(tid)).toEqual(t);
    expect((await store.listTenants()).filter((x) => x.tid === tid)).toEqual([t]);
  });

  it('stores a raw key, replaces it with a JWK keeping only its public members', async () => {
    const { tid, oid } = await seedUser();
    const first = await store.getUser(tid, oid);
    expect(first?.key?.keyId).toBe('k1');
    expect(first?.key?.key.format).toBe('raw');
    const jwk = { kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ', d: 'secret-must-not-be-kept', ext: true };
    await store.setUserKey(tid, oid, { keyId: 'k2', key: { format: 'jwk', jwk } }, T0 + 10);
    const user = await store.getUser(tid, oid);
    expect(user?.key).toEqual({
      keyId: 'k2',
      key: { format: 'jwk', jwk: { kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ' } },
      updatedAt: T0 + 10,
    });
  });

  it('rejects a raw key that is not an uncompressed P-256 point', async () => {
    const { tid, oid } = await seedUser();
    const bad = new Uint8Array(33);
    await expect(
      store.setUserKey(tid, oid, { keyId: 'k', key: { format: 'raw', raw: bad } }, T0),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('registers a batch of sends and finds each one for the pixel, with the owner key', async () => {
    const { tid, oid } = await seedUser();
    const a = id();
    const b = id();
    const sends = await store.registerSends(
      tid,
      oid,
      'camp-1',
      [
        { sendId: a, trackOpens: true },
        { sendId: b, trackOpens: false },
      ],
      T0,
    );
    expect(sends).toHaveLength(2);
    const px = await store.getSendForPixel(a);
    expect(px).toMatchObject({
      tid,
      oid,
      campaignId: 'camp-1',
      sendId: a,
      trackOpens: true,
      createdAt: T0,
      contractEndsAt: null,
    });
    expect(px?.userKey?.keyId).toBe('k1');
    expect((await store.getSendForPixel(b))?.trackOpens).toBe(false);
    await store.upsertTenant({ tid, contractEndsAt: T0 + 5 }, T0);
    expect((await store.getSendForPixel(a))?.contractEndsAt).toBe(T0 + 5);
    expect(await store.getSendForPixel(id())).toBeNull();
    expect((await store.listSends(tid, oid, 'camp-1')).map((s) => s.sendId).sort()).toEqual([a, b].sort());
  });

  it('registers a batch atomically: one duplicate id registers none of it', async () => {
    const { tid, oid } = await seedUser();
    const taken = id();
    await store.registerSends(tid, oid, 'c', [{ sendId: taken, trackOpens: true }], T0);
    const fresh = id();
    await expect(
      store.registerSends(
        tid,
        oid,
        'c',
        [
          { sendId: fresh, trackOpens: true },
          { sendId: taken, trackOpens: true },
        ],
        T0,
      ),
    ).rejects.toBeInstanceOf(DuplicateSendError);
    expect(await store.getSendForPixel(fresh)).toBeNull();
  });

  it('caps each user’s sends per rolling 24 hours, atomically, with the time until a batch fits', async () => {
    const { tid, oid } = await seedUser();
    const other = await seedUser(tid);
    const H = 3_600_000;
    const reg = (n: number, at: number, who = oid) =>
      store.registerSends(
        tid,
        who,
        'c',
        Array.from({ length: n }, () => ({ sendId: id(), trackOpens: true })),
        at,
        { maxPerDay: 5 },
      );
    await reg(3, T0);
    await reg(2, T0 + H);
    const refused = await reg(1, T0 + 2 * H).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendLimitError);
    expect(refused).toMatchObject({ maxPerDay: 5, remaining: 0, retryAfterMs: 22 * H });
    // Another user of the tenant has their own allowance.
    expect(await reg(5, T0 + 2 * H, other.oid)).toHaveLength(5);
    // Four more need the first three and one of the second pair gone: 24 h after T0 + 1 h.
    await expect(reg(4, T0 + 24 * H)).rejects.toMatchObject({ remaining: 3, retryAfterMs: H });
    expect(await store.listSends(tid, oid, 'c')).toHaveLength(5); // refused batches stored nothing
    expect(await reg(3, T0 + 24 * H)).toHaveLength(3);
    // A batch larger than the limit itself can never fit.
    await expect(reg(6, T0 + 99 * H)).rejects.toMatchObject({ remaining: 5, retryAfterMs: null });
  });

  it('holds the send cap under concurrent registrations', async () => {
    const { tid, oid } = await seedUser();
    const batch = () => Array.from({ length: 3 }, () => ({ sendId: id(), trackOpens: true }));
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => store.registerSends(tid, oid, 'c', batch(), T0, { maxPerDay: 7 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(await store.listSends(tid, oid, 'c')).toHaveLength(6);
  });

  it('rejects malformed send ids (wrong length, padding, non-canonical)', async () => {
    const { tid, oid } = await seedUser();
    for (const bad of ['abc', `${id()}==`, 'AAAAAAAAAAAAAAAAAAAAAB']) {
      await expect(
        store.registerSends(tid, oid, 'c', [{ sendId: bad, trackOpens: true }], T0),
      ).rejects.toBeInstanceOf(InvalidInputError);
    }
  });

  it('appends a group in one call and pages a user’s events by cursor, bytes intact', async () => {
    const { tid, oid } = await seedUser();
    const other = await seedUser(tid);
    const s = id();
    const so = id();
    await store.registerSends(tid, oid, 'c', [{ sendId: s, trackOpens: true }], T0);
    await store.registerSends(tid, other.oid, 'c', [{ sendId: so, trackOpens: true }], T0);
    const mine = Array.from({ length: 5 }, (_, i) => event(tid, oid, s, { occurredAt: T0 + i }));
    const theirs = event(tid, other.oid, so);
    expect(await store.appendEvents([...mine.slice(0, 3), theirs, ...mine.slice(3)])).toEqual({
      inserted: 6,
    });

    const p1 = await store.listEvents(tid, oid, { limit: 2 });
    expect(p1.events).toEqual(mine.slice(0, 2));
    const p2 = await store.listEvents(tid, oid, { after: p1.next, limit: 10 });
    expect(p2.events).toEqual(mine.slice(2));
    const p3 = await store.listEvents(tid, oid, { after: p2.next, limit: 10 });
    expect(p3.events).toEqual([]);
    expect(p3.next).toBe(p2.next);
    // New events show up after the cursor the client kept.
    const later = event(tid, oid, s, { kind: 'reply', verdict: null });
    await store.appendEvents([later]);
    expect((await store.listEvents(tid, oid, { after: p3.next, limit: 10 })).events).toEqual([later]);
  });

  it('treats a repeated reply event id as already stored', async () => {
    // Reply ids are picked by the pane, which may upload one twice; open ids are minted by the pixel.
    const { tid, oid } = await seedUser();
    const s = id();
    await store.registerSends(tid, oid, 'c', [{ sendId: s, trackOpens: true }], T0);
    const e = event(tid, oid, s, { kind: 'reply', verdict: null });
    expect(await store.appendEvents([e])).toEqual({ inserted: 1 });
    expect(await store.appendEvents([e, { ...e, sealed: new Uint8Array([1]) }])).toEqual({ inserted: 0 });
    expect((await store.listEvents(tid, oid, { limit: 10 })).events).toEqual([e]);
  });

  it('keeps event ids unique per user: another user of the tenant may use the same id', async () => {
    const a = await seedUser();
    const b = await seedUser(a.tid);
    const [sa, sb] = [id(), id()];
    await store.registerSends(a.tid, a.oid, 'c', [{ sendId: sa, trackOpens: true }], T0);
    await store.registerSends(b.tid, b.oid, 'c', [{ sendId: sb, trackOpens: true }], T0);
    const ea = event(a.tid, a.oid, sa, { kind: 'reply', verdict: null });
    const eb = event(b.tid, b.oid, sb, { eventId: ea.eventId, kind: 'reply', verdict: null });
    expect(await store.appendEvents([ea])).toEqual({ inserted: 1 });
    expect(await store.appendEvents([eb])).toEqual({ inserted: 1 });
    expect((await store.listEvents(a.tid, a.oid, { limit: 10 })).events).toEqual([ea]);
    expect((await store.listEvents(b.tid, b.oid, { limit: 10 })).events).toEqual([eb]);
    // A purge takes both, counted once each.
    const p = await store.purgeTenantBatch(a.tid, 1000, T0);
    expect(p).toMatchObject({ done: true, deleted: { events: 2 } });
  });

  it('drops, without failing the group, events for unknown sends or another user’s send', async () => {
    const { tid, oid } = await seedUser();
    const other = await seedUser(tid);
    const s = id();
    await store.registerSends(tid, oid, 'c', [{ sendId: s, trackOpens: true }], T0);
    const good = event(tid, oid, s);
    const res = await store.appendEvents([event(tid, oid, id()), event(tid, other.oid, s), good]);
    expect(res).toEqual({ inserted: 1 });
    expect((await store.listEvents(tid, oid, { limit: 10 })).events).toEqual([good]);
    expect((await store.listEvents(tid, other.oid, { limit: 10 })).events).toEqual([]);
  });

  it('rejects a forged cursor and an out-of-range limit', async () => {
    const { tid, oid } = await seedUser();
    await expect(store.listEvents(tid, oid, { after: 'not-a-cursor', limit: 10 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(store.listEvents(tid, oid, { limit: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.listEvents(tid, oid, { limit: 100_000 })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('gives opaque cursors bound to the user: another user’s or an altered one is refused', async () => {
    const a = await seedUser();
    const b = await seedUser(a.tid);
    const s = id();
    await store.registerSends(a.tid, a.oid, 'c', [{ sendId: s, trackOpens: true }], T0);
    await store.appendEvents([event(a.tid, a.oid, s), event(a.tid, a.oid, s)]);
    const page = await store.listEvents(a.tid, a.oid, { limit: 1 });
    const cursor = page.next as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    // Nothing readable inside: not the old `e1:<seq>`, not a bare number. (Any two digits in a row
    // would also match random ciphertext, ~6% of runs; a readable cursor is digits only.)
    const inside = Buffer.from(cursor, 'base64url').toString('latin1');
    expect(inside).not.toMatch(/e1:|^[0-9]+$/);
    expect(Buffer.from(cursor, 'base64url').length).toBeGreaterThanOrEqual(28);
    expect((await store.listEvents(a.tid, a.oid, { after: cursor, limit: 10 })).events).toHaveLength(1);
    await expect(store.listEvents(b.tid, b.oid, { after: cursor, limit: 10 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(store.listEvents(randomUUID(), a.oid, { after: cursor, limit: 10 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    const bytes = Buffer.from(cursor, 'base64url');
    for (const at of [0, 5, 14, bytes.length - 1]) {
      const t = Buffer.from(bytes);
      t[at]! ^= 0x01;
      await expect(
        store.listEvents(a.tid, a.oid, { after: t.toString('base64url'), limit: 10 }),
      ).rejects.toBeInstanceOf(InvalidInputError);
    }
    // The old readable format is no longer accepted.
    const legacy = Buffer.from('e1:1', 'utf8').toString('base64url');
    await expect(store.listEvents(a.tid, a.oid, { after: legacy, limit: 10 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    // A second instance on the same database reads the same cursors.
    const again = await backend().open();
    await again.migrate();
    try {
      expect((await again.listEvents(a.tid, a.oid, { after: cursor, limit: 10 })).events).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('versions campaign state blobs optimistically', async () => {
    const { tid, oid } = await seedUser();
    const b1 = new Uint8Array([1, 2, 3]);
    expect(await store.putCampaignState(tid, oid, 'c1', b1, null, T0)).toEqual({ ok: true, version: 1 });
    expect(await store.putCampaignState(tid, oid, 'c1', b1, null, T0)).toEqual({
      ok: false,
      currentVersion: 1,
    });
    const b2 = new Uint8Array([9]);
    expect(await store.putCampaignState(tid, oid, 'c1', b2, 1, T0 + 1)).toEqual({ ok: true, version: 2 });
    expect(await store.putCampaignState(tid, oid, 'c1', b1, 1, T0 + 2)).toEqual({
      ok: false,
      currentVersion: 2,
    });
    expect(await store.putCampaignState(tid, oid, 'nope', b1, 3, T0)).toEqual({
      ok: false,
      currentVersion: null,
    });
    expect(await store.getCampaignState(tid, oid, 'c1')).toEqual({
      campaignId: 'c1',
      version: 2,
      blob: b2,
      updatedAt: T0 + 1,
    });
    await store.putCampaignState(tid, oid, 'c0', b1, null, T0);
    expect(await store.listCampaigns(tid, oid)).toEqual([
      { campaignId: 'c0', version: 1, updatedAt: T0 },
      { campaignId: 'c1', version: 2, updatedAt: T0 + 1 },
    ]);
  });

  it('deletes a user with everything they own in one call, and nobody else’s data', async () => {
    const { tid, oid } = await seedUser();
    const other = await seedUser(tid);
    const [s1, s2, so] = [id(), id(), id()];
    await store.registerSends(
      tid,
      oid,
      'c',
      [
        { sendId: s1, trackOpens: true },
        { sendId: s2, trackOpens: true },
      ],
      T0,
    );
    await store.registerSends(tid, other.oid, 'c', [{ sendId: so, trackOpens: true }], T0);
    await store.appendEvents([
      event(tid, oid, s1),
      event(tid, oid, s2),
      event(tid, oid, s2),
      event(tid, other.oid, so),
    ]);
    await store.putCampaignState(tid, oid, 'c', new Uint8Array([1]), null, T0);

    expect(await store.deleteUser(tid, oid)).toEqual({
      events: 3,
      sends: 2,
      campaignStates: 1,
      users: 1,
      tenants: 0,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    });
    expect(await store.getUser(tid, oid)).toBeNull();
    expect(await store.getSendForPixel(s1)).toBeNull();
    expect((await store.listEvents(tid, oid, { limit: 10 })).events).toEqual([]);
    expect(await store.listCampaigns(tid, oid)).toEqual([]);
    // An open arriving afterwards for the deleted user's send records nothing.
    expect(await store.appendEvents([event(tid, oid, s1)])).toEqual({ inserted: 0 });
    expect((await store.listEvents(tid, other.oid, { limit: 10 })).events).toHaveLength(1);
    expect(await store.getTenant(tid)).not.toBeNull();
  });

  it('grants a contested lease to one of two stores racing on the same database, then takes over after it lapses', async () => {
    const { tid, oid } = await seedUser();
    const twin = await backend().open();
    await twin.migrate();
    try {
      for (let round = 0; round < 5; round++) {
        const devices = Array.from({ length: 6 }, () => randomUUID());
        const results = await Promise.all(
          devices.map((deviceId, i) =>
            (i % 2 ? twin : store).takeLease(tid, oid, `race-${round}`, { deviceId, seconds: 60 }, T0),
          ),
        );
        expect(results.filter((r) => r.granted)).toHaveLength(1);
        for (const r of results.filter((x) => !x.granted))
          expect(r).toEqual({ granted: false, expiresAt: T0 + 60_000 });
      }
      const [a, b] = [randomUUID(), randomUUID()];
      expect(await store.takeLease(tid, oid, 'c', { deviceId: a, seconds: 30 }, T0)).toMatchObject({
        granted: true,
      });
      expect(await twin.takeLease(tid, oid, 'c', { deviceId: b, seconds: 30 }, T0 + 29_999)).toEqual({
        granted: false,
        expiresAt: T0 + 30_000,
      });
      expect(await twin.takeLease(tid, oid, 'c', { deviceId: b, seconds: 30 }, T0 + 30_000)).toEqual({
        granted: true,
        deviceId: b,
        seconds: 30,
        expiresAt: T0 + 60_000,
      });
      expect(await store.releaseLease(tid, oid, 'c', a)).toBe(false);
      expect(await store.releaseLease(tid, oid, 'c', b)).toBe(true);
    } finally {
      await twin.close();
    }
  });

  it('counts wrong recovery answers once each when two stores race, and refuses past the limit', async () => {
    const { tid, oid } = await seedUser();
    const hash = new Uint8Array(randomBytes(32));
    await store.putKeyBackup(
      tid,
      oid,
      { kind: 'recovery', keyId: 'k1', header: 'h', data: new Uint8Array(124), verifierHash: hash },
      T0,
    );
    const twin = await backend().open();
    await twin.migrate();
    const policy = { windows: [{ ms: 60_000, max: 3 }] };
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? twin : store).tryRecoveryUnlock(tid, oid, T0, policy, () => false),
        ),
      );
      const wrong = results.filter((r) => r.kind === 'wrong-secret');
      expect(wrong.map((r) => (r.kind === 'wrong-secret' ? r.attemptsLeft : -1)).sort()).toEqual([0, 1, 2]);
      expect(results.filter((r) => r.kind === 'too-many-attempts')).toHaveLength(5);
      expect(
        await store.tryRecoveryUnlock(tid, oid, T0 + 60_000, policy, (h) => Buffer.from(h).equals(hash)),
      ).toEqual({
        kind: 'unlocked',
        keyId: 'k1',
        wrapped: new Uint8Array(124),
      });
    } finally {
      await twin.close();
    }
  });

  it('deletes and counts key backups, approvals, leases and attempts with the user and in a purge', async () => {
    const seed = async (tid?: ReturnType<typeof randomUUID>) => {
      const u = await seedUser(tid);
      await store.putKeyBackup(u.tid, u.oid, { kind: 'split', keyId: 'k1', data: new Uint8Array(32) }, T0);
      await store.putKeyBackup(
        u.tid,
        u.oid,
        {
          kind: 'recovery',
          keyId: 'k1',
          header: 'h',
          data: new Uint8Array(124),
          verifierHash: new Uint8Array(32),
        },
        T0,
      );
      await store.createApproval(u.tid, u.oid, { id: id(), commitment: 'c', expiresAt: T0 + 1000 }, T0, 3);
      await store.takeLease(u.tid, u.oid, 'c', { deviceId: randomUUID(), seconds: 60 }, T0);
      await store.tryRecoveryUnlock(u.tid, u.oid, T0, { windows: [{ ms: 1000, max: 5 }] }, () => false);
      return u;
    };
    const a = await seed();
    const counts = await store.deleteUser(a.tid, a.oid);
    expect(counts).toMatchObject({ keyBackups: 2, approvals: 1, leases: 1, recoveryAttempts: 1, users: 1 });
    const b = await seed();
    await seed(b.tid);
    await store.upsertTenant({ tid: b.tid, contractEndsAt: T0 }, T0);
    let deleted = 0;
    for (let i = 0; i < 20; i++) {
      const p = await store.purgeTenantBatch(b.tid, 3, T0);
      deleted += Object.values(p.deleted).reduce((x, y) => x + y, 0);
      if (p.done) break;
    }
    // 2 users × (2 backups + approval + lease + attempt + user row) + the tenant row.
    expect(deleted).toBe(13);
    expect((await store.getPurgeCheckpoint(b.tid))?.deleted).toMatchObject({
      keyBackups: 4,
      approvals: 2,
      leases: 2,
      recoveryAttempts: 2,
      users: 2,
      tenants: 1,
    });
  });

  it('purges a tenant in bounded, resumable batches, leaving other tenants untouched', async () => {
    const a = await seedUser();
    const a2 = await seedUser(a.tid);
    const b = await seedUser();
    for (const u of [a, a2, b]) {
      const sends = [id(), id(), id()];
      await store.registerSends(
        u.tid,
        u.oid,
        'c',
        sends.map((sendId) => ({ sendId, trackOpens: true })),
        T0,
      );
      await store.appendEvents(sends.flatMap((s) => [event(u.tid, u.oid, s), event(u.tid, u.oid, s)]));
      await store.putCampaignState(u.tid, u.oid, 'c', new Uint8Array([7]), null, T0);
    }
    const before = await store.countTenantRows(a.tid);
    expect(before).toEqual({
      events: 12,
      sends: 6,
      campaignStates: 2,
      users: 2,
      tenants: 1,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    });
    const bBefore = await store.countTenantRows(b.tid);

    let calls = 0;
    for (;;) {
      const p = await store.purgeTenantBatch(a.tid, 5, T0 + calls);
      calls++;
      const deletedNow = Object.values(p.deleted).reduce((x, y) => x + y, 0);
      expect(deletedNow).toBeLessThanOrEqual(5);
      if (p.done) {
        expect(p.remaining).toBe(0);
        break;
      }
      expect(calls).toBeLessThan(20);
    }
    expect(calls).toBe(5); // 23 rows, 5 per call
    expect(await store.countTenantRows(a.tid)).toEqual({
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
    const cp = await store.getPurgeCheckpoint(a.tid);
    expect(cp).toMatchObject({ tid: a.tid, startedAt: T0, finishedAt: T0 + 4, deleted: before });
    expect(cp?.contractEndsAt).toBeNull();
    expect(await store.countTenantRows(b.tid)).toEqual(bBefore);
    // Running again after completion is harmless.
    expect(await store.purgeTenantBatch(a.tid, 5, T0 + 99)).toMatchObject({ done: true, remaining: 0 });
    expect((await store.getPurgeCheckpoint(a.tid))?.deleted).toEqual(before);
    expect((await store.listPurgeCheckpoints()).some((c) => c.tid === a.tid)).toBe(true);
  });

  it('resumes a purge from a new process after the previous one stopped mid-way', async () => {
    const u = await seedUser();
    const sends = [id(), id()];
    await store.registerSends(
      u.tid,
      u.oid,
      'c',
      sends.map((sendId) => ({ sendId, trackOpens: true })),
      T0,
    );
    await store.appendEvents(sends.map((s) => event(u.tid, u.oid, s)));
    await store.upsertTenant({ tid: u.tid, contractEndsAt: T0 - 1 }, T0);
    const first = await store.purgeTenantBatch(u.tid, 3, T0);
    expect(first).toMatchObject({ done: false, remaining: 3 });
    const fresh = await backend().open();
    await fresh.migrate();
    try {
      const rest = await fresh.purgeTenantBatch(u.tid, 100, T0 + 1);
      expect(rest).toMatchObject({ done: true, remaining: 0 });
      expect((await fresh.getPurgeCheckpoint(u.tid))?.deleted).toEqual({
        events: 2,
        sends: 2,
        campaignStates: 0,
        users: 1,
        tenants: 1,
        keyBackups: 0,
        approvals: 0,
        leases: 0,
        recoveryAttempts: 0,
      });
      // The contract end is kept from the first batch, though the tenant row is gone now.
      expect((await fresh.getPurgeCheckpoint(u.tid))?.contractEndsAt).toBe(T0 - 1);
    } finally {
      await fresh.close();
    }
  });

  it('keeps deletion records that carry counts and a caller-made reference only', async () => {
    const counts = {
      events: 3,
      sends: 2,
      campaignStates: 1,
      users: 1,
      tenants: 0,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    };
    const ref = randomBytes(32).toString('hex');
    const r1 = await store.addDeletionRecord({
      kind: 'user-disconnect',
      subjectRef: ref,
      counts,
      at: T0,
      contractEndsAt: null,
      prevHash: null,
      hash: 'h1',
    });
    const r2 = await store.addDeletionRecord({
      kind: 'tenant-purge',
      subjectRef: ref,
      counts,
      at: T0 + 1,
      contractEndsAt: T0 - 5,
      prevHash: 'h1',
      hash: 'h2',
    });
    if (!r1 || !r2) throw new Error('both records should be stored');
    expect(r2.id).toBeGreaterThan(r1.id);
    const listed = await store.listDeletionRecords({ afterId: r1.id - 1, limit: 10 });
    expect(listed.slice(0, 2)).toEqual([r1, r2]);
    expect(await store.listDeletionRecords({ afterId: r1.id, limit: 1 })).toEqual([r2]);
  });

  it('keeps one record per finished purge, however many runs try to write it', async () => {
    const counts = {
      events: 1,
      sends: 1,
      campaignStates: 0,
      users: 1,
      tenants: 1,
      keyBackups: 0,
      approvals: 0,
      leases: 0,
      recoveryAttempts: 0,
    };
    const tid = randomUUID();
    const purge = {
      kind: 'tenant-purge' as const,
      subjectRef: tid,
      counts,
      at: T0 + 7,
      contractEndsAt: T0,
      prevHash: null,
      hash: null,
    };
    const attempts = await Promise.all([store.addDeletionRecord(purge), store.addDeletionRecord(purge)]);
    expect(attempts.filter((r) => r !== null)).toHaveLength(1);
    expect(await store.addDeletionRecord(purge)).toBeNull();
    // Disconnect records name only the tenant: two users leaving in the same millisecond are two records.
    const leave = { ...purge, kind: 'user-disconnect' as const };
    expect(await store.addDeletionRecord(leave)).not.toBeNull();
    expect(await store.addDeletionRecord(leave)).not.toBeNull();
    const mine = (await store.listDeletionRecords({ limit: 1000 })).filter((r) => r.subjectRef === tid);
    expect(mine.map((r) => r.kind).sort()).toEqual(['tenant-purge', 'user-disconnect', 'user-disconnect']);
  });

  it('counts API requests per subject in fixed windows aligned to the clock', async () => {
    const w = 60_000;
    const start = Math.floor(T0 / w) * w;
    const user = `user:${randomUUID()}:${randomUUID()}`;
    expect(await store.countRequest(user, w, start + 5_000)).toEqual({ count: 1, resetAt: start + w });
    expect(await store.countRequest(user, w, start + 59_999)).toEqual({ count: 2, resetAt: start + w });
    // Another subject, or another window length, counts on its own.
    expect((await store.countRequest(`ip:${randomUUID()}`, w, start + 6_000)).count).toBe(1);
    expect((await store.countRequest(user, 1_000, start + 6_000)).count).toBe(1);
    // The next window starts again from one.
    expect(await store.countRequest(user, w, start + w)).toEqual({ count: 1, resetAt: start + 2 * w });
    await expect(store.countRequest(user, 0, start)).rejects.toThrow(RangeError);
  });
}

describe('SQLite store', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'candor-store-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  contractSuite(() => ({ name: 'sqlite', open: () => createStore(join(dir, 'candor.db')) }));
});

describe.skipIf(!postgresAvailable && !postgresRequired)(
  `PostgreSQL store${postgresAvailable ? '' : ` (${postgresSkipReason})`}`,
  () => {
    const pg = usePostgres();
    let url = '';
    beforeAll(async () => {
      url = await pg.newDatabase();
    });
    contractSuite(() => ({ name: 'postgres', open: () => createStore(url) }));

    it('shares request counts between instances and keeps no subject in the clear', async () => {
      const [a, b] = [await createStore(url), await createStore(url)];
      try {
        await Promise.all([a.migrate(), b.migrate()]);
        const w = 60_000;
        const now = Math.floor(Date.now() / w) * w + 1_000;
        const subject = `ip:198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
        const counts = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).countRequest(subject, w, now)),
        );
        // Ten requests through two instances at once: one count, each number given once.
        expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        const db = new pgLib.Client({ connectionString: url });
        await db.connect();
        try {
          const { rows } = await db.query<{ subject: Buffer }>('SELECT subject FROM request_counts');
          expect(rows.length).toBeGreaterThan(0);
          for (const r of rows) {
            expect(r.subject).toHaveLength(16);
            expect(r.subject.toString('latin1')).not.toContain('198.51.100.');
          }
          // A window that is over is deleted by the next count after it (once a minute per instance).
          const fresh = await createStore(url);
          await fresh.migrate();
          await fresh.countRequest(`user:${randomUUID()}`, w, now + 2 * w);
          await fresh.close();
          const left = await db.query('SELECT 1 FROM request_counts WHERE window_end <= $1', [now + 2 * w]);
          expect(left.rowCount).toBe(0);
        } finally {
          await db.end();
        }
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  },
);
