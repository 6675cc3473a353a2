/**
 * Opening sealed open/reply events in the task pane — the inverse of the server's sealer and of
 * reply-seal.ts, through the shared format in src/shared/sealed-event.ts. A record that does not
 * open is reported with a reason, never thrown: one bad row must not hide the others.
 */
import {
  deriveBatchKey,
  openWithBatchKey,
  parseSealedEvent,
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
  sealed: Uint8Array;
}

export type OpenFailure =
  /** Not a v1 record at all. */
  | 'malformed'
  /** Sealed to a key this device does not hold (an earlier key, or another device's). */
  | 'other-key'
  /** The right key, but the ciphertext or its binding (user, send, event, kind) does not match. */
  | 'tampered';

export type OpenedEvent = {
  [K in SealedEventKind]: { ok: true; eventId: string; sendId: string; kind: K; payload: PayloadOf[K] };
}[SealedEventKind];

export type OpenResult =
  OpenedEvent | { ok: false; eventId: string; sendId: string; kind: string; reason: OpenFailure };

export interface EventOpener {
  open(row: SealedEventRow): Promise<OpenResult>;
}

export interface EventOpenerOptions {
  identity: UserIdentity;
  /** The whole pair: see deriveBatchKey on why the private key alone is not enough. */
  keyPair: CryptoKeyPair;
  keyId: string;
  /** Batch keys kept for reuse; rows of one server flush share one. */
  cacheSize?: number;
}

/** An opener for one user's rows. Rows sealed in one batch share one ECDH, done once here. */
export function createEventOpener({
  identity,
  keyPair,
  keyId,
  cacheSize = 256,
}: EventOpenerOptions): EventOpener {
  const batchKeys = new Map<string, Promise<CryptoKey>>();

  function batchKeyFor(enc: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
    const id = toBase64url(enc);
    let key = batchKeys.get(id);
    if (key) {
      batchKeys.delete(id); // re-insert below: Map order doubles as LRU order
    } else {
      key = deriveBatchKey(keyPair, enc);
      key.catch(() => batchKeys.delete(id));
    }
    batchKeys.set(id, key);
    if (batchKeys.size > cacheSize) batchKeys.delete(batchKeys.keys().next().value as string);
    return key;
  }

  return {
    async open(row) {
      const base = { eventId: row.eventId, sendId: row.sendId, kind: row.kind };
      const record = row.kind === 'open' || row.kind === 'reply' ? parseSealedEvent(row.sealed) : undefined;
      if (!record) return { ...base, ok: false, reason: 'malformed' };
      if (record.kid !== keyId) return { ...base, ok: false, reason: 'other-key' };
      try {
        const batchKey = await batchKeyFor(record.enc);
        const payload = await openWithBatchKey(batchKey, record, { ...identity, ...base });
        return { ...base, ok: true, payload } as OpenedEvent;
      } catch {
        // A wrong binding, a flipped bit and an invalid enc all look the same to AES-GCM.
        return { ...base, ok: false, reason: 'tampered' };
      }
    },
  };
}
