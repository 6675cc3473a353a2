import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { openCandorDb, STORE_NAMES, wipeAll, type CandorDb } from '../../src/storage/db';
import { generateUserKey } from '../../src/crypto/keys';
import { disconnect } from '../../src/storage/disconnect';
import { ApiError } from '../../src/api/errors';

async function countAll(db: CandorDb): Promise<number> {
  let n = 0;
  for (const s of STORE_NAMES) n += await db.count(s);
  return n;
}

async function fill(db: CandorDb, tid: string, oid: string) {
  const key = await generateUserKey({ tid, oid }, 0);
  await db.put('keys', { ...key, registeredAt: null, transfer: null, deviceId: 'd1' });
  await db.put('oldKeys', { ...(await generateUserKey({ tid, oid }, 0)), retiredAt: 1 });
  await db.put('snapshots', {
    tid,
    oid,
    campaignId: 'c1',
    version: 1,
    dirty: false,
    blob: new Uint8Array(40),
    savedAt: 1,
  });
  await db.put('events', {
    tid,
    oid,
    eventId: 'e1',
    sendId: 's1',
    kind: 'open',
    verdict: 'human',
    occurredAt: 1,
    sealed: new Uint8Array(120),
  });
  await db.put('cursors', { tid, oid, after: 'abc' });
}

describe('local store', () => {
  it('wipeAll leaves nothing behind, for every user on the device, while the database stays open', async () => {
    const db = await openCandorDb('wipe-test');
    await fill(db, 't1', 'u1');
    await fill(db, 't1', 'u2');
    await fill(db, 't2', 'u1');
    expect(await countAll(db)).toBe(15);
    await wipeAll(db);
    expect(await countAll(db)).toBe(0);
    db.close();
    const reopened = await openCandorDb('wipe-test');
    expect(await countAll(reopened)).toBe(0);
  });

  it('keeps each user’s rows apart by (tid, oid)', async () => {
    const db = await openCandorDb('index-test');
    await fill(db, 't1', 'u1');
    await fill(db, 't1', 'u2');
    expect(await db.getAllFromIndex('snapshots', 'byUser', ['t1', 'u1'])).toHaveLength(1);
    expect(await db.getAllFromIndex('events', 'byUser', ['t1', 'u2'])).toHaveLength(1);
    expect(await db.getAllFromIndex('events', 'byUser', ['t2', 'u1'])).toHaveLength(0);
  });
});

describe('upgrade to v3', () => {
  it('keeps a v2 device’s key pair usable, marks it as having no transfer copy and gives it a device id', async () => {
    const name = 'upgrade-v2';
    const old = await generateUserKey({ tid: 't1', oid: 'u1' }, 5);
    // A database exactly as the v2 pane left it.
    const v2 = await openDB(name, 2, {
      upgrade(db) {
        db.createObjectStore('keys', { keyPath: ['tid', 'oid'] });
        db.createObjectStore('snapshots', { keyPath: ['tid', 'oid', 'campaignId'] }).createIndex('byUser', [
          'tid',
          'oid',
        ]);
        db.createObjectStore('events', { keyPath: ['tid', 'oid', 'eventId'] }).createIndex('byUser', [
          'tid',
          'oid',
        ]);
        db.createObjectStore('cursors', { keyPath: ['tid', 'oid'] });
        db.createObjectStore('replyCursors', { keyPath: ['tid', 'oid', 'folder'] });
      },
    });
    await v2.put('keys', { ...old, registeredAt: 7 });
    await v2.put('cursors', { tid: 't1', oid: 'u1', after: 'c9' });
    v2.close();

    const db = await openCandorDb(name);
    const key = await db.get('keys', ['t1', 'u1']);
    expect(key).toMatchObject({
      keyId: old.keyId,
      publicKey: old.publicKey,
      registeredAt: 7,
      transfer: null,
    });
    expect(key?.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(key?.keyPair.privateKey.extractable).toBe(false);
    expect(await db.get('cursors', ['t1', 'u1'])).toMatchObject({ after: 'c9' });
    expect(await db.count('oldKeys')).toBe(0);
    // The upgraded pair still works: ECDH with it derives bits.
    const bits = await crypto.subtle.deriveBits(
      { name: 'ECDH', public: key!.keyPair.publicKey },
      key!.keyPair.privateKey,
      256,
    );
    expect(bits.byteLength).toBe(32);
  });
});

describe('disconnect', () => {
  const counts = { events: 3, sends: 2, campaignStates: 1, users: 1, tenants: 0 };

  it('deletes on the server, then wipes the device', async () => {
    const db = await openCandorDb('disconnect-ok');
    await fill(db, 't1', 'u1');
    const calls: string[] = [];
    const api = {
      deleteMe: async () => {
        calls.push('deleteMe');
        expect(await countAll(db)).toBe(5); // the device is wiped only after the server answered
        return { deleted: counts };
      },
    };
    expect(await disconnect(db, api)).toEqual(counts);
    expect(calls).toEqual(['deleteMe']);
    expect(await countAll(db)).toBe(0);
  });

  it('also removes the mailbox share of the key backup from roaming settings', async () => {
    const db = await openCandorDb('disconnect-roaming');
    await fill(db, 't1', 'u1');
    const saved = new Map([
      ['candor.keyShare', '{"v":1}'],
      ['other.addin', 'kept'],
    ]);
    const roaming = {
      get: (n: string) => saved.get(n) ?? null,
      set: async (n: string, v: string) => void saved.set(n, v),
      remove: async (n: string) => void saved.delete(n),
    };
    await disconnect(db, { deleteMe: async () => ({ deleted: counts }) }, roaming);
    expect([...saved.keys()]).toEqual(['other.addin']);
    expect(await countAll(db)).toBe(0);
  });

  it('keeps the device’s data when the server could not delete, so the user can retry', async () => {
    const db = await openCandorDb('disconnect-offline');
    await fill(db, 't1', 'u1');
    const api = {
      deleteMe: async (): Promise<{ deleted: typeof counts }> => {
        throw new ApiError('network');
      },
    };
    await expect(disconnect(db, api)).rejects.toMatchObject({ kind: 'network' });
    expect(await countAll(db)).toBe(5);
  });
});
