import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateUserKey } from '../../src/crypto/keys';
import { ensureUserKey, loadUserKey, type PublicKeyRegistration } from '../../src/storage/user-key';
import { openCandorDb, wipeAll } from '../../src/storage/db';
import { ManualClock } from '../../src/shared/clock';
import { fromBase64url } from '../../src/shared/base64url';
import { publicKeyId } from '../../src/shared/sealed-event';

const identity = { tid: '6f1c2a34-0000-4000-8000-000000000001', oid: '0a9b8c7d-0000-4000-8000-000000000002' };
let dbSeq = 0;
const freshDb = () => openCandorDb(`keys-test-${++dbSeq}`);

function recordingRegistrar() {
  const calls: PublicKeyRegistration[] = [];
  return { calls, register: async (k: PublicKeyRegistration) => void calls.push(k) };
}

describe('user key pair', () => {
  it('keeps the private key non-extractable and exposes only the public key', async () => {
    const key = await generateUserKey(identity, 1);
    expect(key.keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', key.keyPair.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', key.keyPair.privateKey)).rejects.toThrow();
    const raw = fromBase64url(key.publicKey);
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(0x04);
    expect(key.keyId).toBe(await publicKeyId(raw));
  });

  it('stays non-extractable after a round trip through IndexedDB', async () => {
    const db = await freshDb();
    const { key } = await ensureUserKey({ db, identity, register: async () => {}, clock: new ManualClock() });
    db.close();
    const reopened = await openCandorDb(`keys-test-${dbSeq}`);
    const loaded = await loadUserKey(reopened, identity);
    expect(loaded?.keyId).toBe(key.keyId);
    expect(loaded?.keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', loaded!.keyPair.privateKey)).rejects.toThrow();
  });

  it('generates and registers once, then reuses the stored pair', async () => {
    const db = await freshDb();
    const clock = new ManualClock();
    const reg = recordingRegistrar();
    const first = await ensureUserKey({ db, identity, register: reg.register, clock });
    const second = await ensureUserKey({ db, identity, register: reg.register, clock });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.key.keyId).toBe(first.key.keyId);
    expect(reg.calls).toEqual([{ publicKey: first.key.publicKey, keyId: first.key.keyId }]);
    expect(second.key.registeredAt).toBe(clock.now());
  });

  it('retries a failed registration with the same key, never a new one', async () => {
    const db = await freshDb();
    const clock = new ManualClock();
    const failing = async () => {
      throw new Error('network down');
    };
    await expect(ensureUserKey({ db, identity, register: failing, clock })).rejects.toThrow('network down');
    const stored = await loadUserKey(db, identity);
    expect(stored?.registeredAt).toBeNull();
    const reg = recordingRegistrar();
    const retried = await ensureUserKey({ db, identity, register: reg.register, clock });
    expect(retried.key.keyId).toBe(stored!.keyId);
    expect(retried.created).toBe(false);
    expect(reg.calls.map((c) => c.keyId)).toEqual([stored!.keyId]);
  });

  it('keeps one pair when two tabs race to create it', async () => {
    const db = await freshDb();
    const clock = new ManualClock();
    const [a, b] = await Promise.all([
      ensureUserKey({ db, identity, register: async () => {}, clock }),
      ensureUserKey({ db, identity, register: async () => {}, clock }),
    ]);
    expect(a.key.keyId).toBe(b.key.keyId);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
  });

  it('makes a new pair after storage is wiped, and says so', async () => {
    const db = await freshDb();
    const clock = new ManualClock();
    const reg = recordingRegistrar();
    const before = await ensureUserKey({ db, identity, register: reg.register, clock });
    await wipeAll(db);
    const after = await ensureUserKey({ db, identity, register: reg.register, clock });
    expect(after.created).toBe(true);
    expect(after.key.keyId).not.toBe(before.key.keyId);
    expect(reg.calls.map((c) => c.keyId)).toEqual([before.key.keyId, after.key.keyId]);
  });

  it('keeps one key per (tenant, user)', async () => {
    const db = await freshDb();
    const clock = new ManualClock();
    const a = await ensureUserKey({ db, identity, register: async () => {}, clock });
    const b = await ensureUserKey({
      db,
      identity: { ...identity, oid: 'someone-else' },
      register: async () => {},
      clock,
    });
    expect(a.key.keyId).not.toBe(b.key.keyId);
  });
});
