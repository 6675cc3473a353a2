/**
 * The user's key pair on this device: kept as CryptoKey objects in IndexedDB (structured clone
 * keeps the private key non-extractable), one per (tid, oid), registered with the backend.
 *
 * A device without the key (new machine, other Outlook host, cleared storage) generates a new
 * pair and registers it; from then on events are sealed to the new key and what was sealed to
 * the old one cannot be opened there. See docs/zero-knowledge.md ("A lost or new device").
 */
import { generateUserKey, type UserIdentity } from '../crypto/keys';
import type { Clock } from '../shared/clock';
import { newDeviceId, type CandorDb, type StoredUserKey } from './db';

/** What the backend needs to seal to this user (PUT /api/v1/me/key). */
export interface PublicKeyRegistration {
  publicKey: string;
  keyId: string;
}

export type RegisterKey = (key: PublicKeyRegistration) => Promise<void>;

export function loadUserKey(db: CandorDb, identity: UserIdentity): Promise<StoredUserKey | undefined> {
  return db.get('keys', [identity.tid, identity.oid]);
}

export interface EnsureUserKeyOptions {
  db: CandorDb;
  identity: UserIdentity;
  register: RegisterKey;
  clock: Clock;
}

export interface EnsuredUserKey {
  key: StoredUserKey;
  /** true when this call generated the pair: anything sealed to an earlier key is unreadable here. */
  created: boolean;
}

/**
 * Loads this user's key pair, or generates and stores one; registers the public key with the
 * backend until the backend has accepted it once. The pair is stored before registering, so a
 * failed registration is retried on the next call with the same key, never a new one.
 */
export async function ensureUserKey({
  db,
  identity,
  register,
  clock,
}: EnsureUserKeyOptions): Promise<EnsuredUserKey> {
  let key = await loadUserKey(db, identity);
  let created = false;
  if (!key) {
    const fresh: StoredUserKey = {
      ...(await generateUserKey(identity, clock.now())),
      registeredAt: null,
      transfer: null,
      deviceId: newDeviceId(),
    };
    // add() (not put) so two tabs racing here keep exactly one pair: the loser re-reads the winner's.
    try {
      await db.add('keys', fresh);
      key = fresh;
      created = true;
      await requestPersistentStorage();
    } catch (err) {
      key = await loadUserKey(db, identity);
      if (!key) throw err;
    }
  }
  if (key.registeredAt === null) {
    await register({ publicKey: key.publicKey, keyId: key.keyId });
    key = { ...key, registeredAt: clock.now() };
    await db.put('keys', key);
  }
  return { key, created };
}

/**
 * Asks the browser not to evict our storage under pressure: losing it loses the key. Best effort;
 * browsers may refuse, and Node (tests) has no StorageManager.
 */
async function requestPersistentStorage(): Promise<void> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  try {
    if (storage?.persist && !(await storage.persisted())) await storage.persist();
  } catch {
    // Not fatal: the key still works; it is only at higher risk of eviction.
  }
}
