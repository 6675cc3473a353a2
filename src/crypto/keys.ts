/**
 * The user's sealing key pair: P-256 ECDH, generated in the task pane with WebCrypto, private key
 * non-extractable, kept as CryptoKey objects in IndexedDB. One per (tid, oid) per device. The
 * backend only ever receives the public key.
 *
 * A device without the key (new machine, other Outlook host, cleared storage) generates a new
 * pair and registers it; from then on events are sealed to the new key and what was sealed to
 * the old one cannot be opened there. See docs/zero-knowledge.md ("A lost or new device").
 */
import { publicKeyId } from '../shared/sealed-event';
import { toBase64url } from '../shared/base64url';
import type { Clock } from '../shared/clock';
import type { CandorDb, StoredUserKey } from '../storage/db';

export interface UserIdentity {
  tid: string;
  oid: string;
}

/** What the backend needs to seal to this user (PUT /api/v1/me/key). */
export interface PublicKeyRegistration {
  publicKey: string;
  keyId: string;
}

export type RegisterKey = (key: PublicKeyRegistration) => Promise<void>;

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** A fresh key pair whose private half can be used but never exported. */
export async function generateUserKey(identity: UserIdentity, now: number): Promise<StoredUserKey> {
  const keyPair = await crypto.subtle.generateKey(ECDH_P256, false, ['deriveBits']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  return {
    tid: identity.tid,
    oid: identity.oid,
    keyPair,
    publicKey: toBase64url(raw),
    keyId: await publicKeyId(raw),
    createdAt: now,
    registeredAt: null,
  };
}

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
    const fresh = await generateUserKey(identity, clock.now());
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
