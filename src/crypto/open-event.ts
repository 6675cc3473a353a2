/**
 * Opening sealed open/reply events in the task pane — the inverse of the pixel's sealer and of
 * reply-seal.ts, through the shared format in src/shared/sealed-event.ts. A record that does not
 * open is reported with a reason, never thrown: one bad row must not hide the others.
 *
 * The opener holds a keyring: every key pair this user has had on this device (the current one,
 * and earlier ones kept after rotation or recovery), by key id. A v2 record names its key id, so
 * it is opened with exactly that pair; a v1 record does not, so each pair is tried in turn.
 */
import {
  deriveGroupKey,
  openWithGroupKey,
  parseSealedEvent,
  publicKeyId,
  type PayloadOf,
  type SealedEventKind,
} from '../shared/sealed-event';
import { toBase64url } from '../shared/base64url';
import type { UserIdentity } from './keys';

/** A row as the API lists it (sealed bytes decoded from base64url). */
export interface SealedEventRow {
  eventId: string;
  sendId: string;
  kind: SealedEventKind;
  /** Server arrival time; used only to explain a failure of a v1 record. */
  occurredAt?: number;
  sealed: Uint8Array;
}

export type OpenFailure =
  /** Not a v1 or v2 record at all. */
  | 'malformed'
  /**
   * Sealed to a key this device does not hold. Exact for v2 records (they name their key id). A v1
   * record carries no key id, so for v1 this is inferred: it did not open and arrived before this
   * device's key was registered.
   */
  | 'other-key'
  /** Does not open with the key it names (or any key, for v1) for this row — moved, altered or corrupt. */
  | 'tampered';

export type OpenedEvent = {
  [K in SealedEventKind]: { ok: true; eventId: string; sendId: string; kind: K; payload: PayloadOf[K] };
}[SealedEventKind];

export type OpenResult =
  OpenedEvent | { ok: false; eventId: string; sendId: string; kind: string; reason: OpenFailure };

export interface EventOpener {
  open(row: SealedEventRow): Promise<OpenResult>;
}

/** Key pairs by key id (base64url, publicKeyId of the raw public key). Whole pairs: see deriveGroupKey. */
export type Keyring = ReadonlyMap<string, CryptoKeyPair>;

export interface EventOpenerOptions {
  identity: UserIdentity;
  /**
   * Every key pair the user has on this device. Give this or `keyPair`; when both are given the
   * ring is used and `keyPair` is added to it.
   */
  keyring?: Keyring;
  /** A single key pair (the pre-#9 call shape): a ring of one, its key id computed here. */
  keyPair?: CryptoKeyPair;
  /** When the backend accepted this device's key (StoredUserKey.registeredAt); explains v1 failures. */
  keyRegisteredAt?: number | null;
  /** Group keys kept for reuse; rows sealed in one server epoch share one. */
  cacheSize?: number;
}

/** The key id of a pair, from its (always extractable) public key. */
export async function keyIdOf(keyPair: CryptoKeyPair): Promise<string> {
  return publicKeyId(new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey)));
}

/** Builds a keyring from pairs whose ids are not at hand. */
export async function keyringOf(pairs: readonly CryptoKeyPair[]): Promise<Map<string, CryptoKeyPair>> {
  const ring = new Map<string, CryptoKeyPair>();
  for (const pair of pairs) ring.set(await keyIdOf(pair), pair);
  return ring;
}

/** An opener for one user's rows. Rows of one sealing group share one ECDH, done once here. */
export function createEventOpener({
  identity,
  keyring,
  keyPair,
  keyRegisteredAt = null,
  cacheSize = 256,
}: EventOpenerOptions): EventOpener {
  const groupKeys = new Map<string, Promise<CryptoKey>>();
  let ring: Promise<Keyring> | undefined;

  function resolveRing(): Promise<Keyring> {
    ring ??= (async () => {
      const all = new Map(keyring ?? []);
      if (keyPair) all.set(await keyIdOf(keyPair), keyPair);
      return all;
    })();
    return ring;
  }

  function groupKeyFor(keyId: string, pair: CryptoKeyPair, enc: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
    const id = `${keyId}.${toBase64url(enc)}`;
    const cached = groupKeys.get(id);
    if (cached) groupKeys.delete(id); // re-inserted below: Map order doubles as LRU order
    const key = cached ?? deriveGroupKey(pair, enc);
    if (!cached) key.catch(() => groupKeys.delete(id));
    groupKeys.set(id, key);
    if (groupKeys.size > cacheSize) groupKeys.delete(groupKeys.keys().next().value as string);
    return key;
  }

  return {
    async open(row) {
      const base = { eventId: row.eventId, sendId: row.sendId, kind: row.kind };
      const record = row.kind === 'open' || row.kind === 'reply' ? parseSealedEvent(row.sealed) : undefined;
      if (!record) return { ...base, ok: false, reason: 'malformed' };
      const keys = await resolveRing();
      let candidates: [string, CryptoKeyPair][];
      if (record.keyId !== null) {
        const pair = keys.get(record.keyId);
        if (!pair) return { ...base, ok: false, reason: 'other-key' };
        candidates = [[record.keyId, pair]];
      } else {
        candidates = [...keys];
      }
      for (const [keyId, pair] of candidates) {
        try {
          const groupKey = await groupKeyFor(keyId, pair, record.enc);
          const payload = await openWithGroupKey(groupKey, record, { ...identity, ...base });
          return { ...base, ok: true, payload } as OpenedEvent;
        } catch {
          // A wrong key, a wrong binding and a flipped bit all look the same to AES-GCM.
        }
      }
      const beforeOurKey =
        record.version === 1 &&
        keyRegisteredAt !== null &&
        row.occurredAt !== undefined &&
        row.occurredAt < keyRegisteredAt;
      return { ...base, ok: false, reason: beforeOurKey ? 'other-key' : 'tampered' };
    },
  };
}
