/**
 * Opening sealed open/reply events in the task pane — the inverse of the pixel's sealer and of
 * reply-seal.ts, through the shared format in src/shared/sealed-event.ts. A record that does not
 * open is reported with a reason, never thrown: one bad row must not hide the others.
 */
import {
  deriveGroupKey,
  openWithGroupKey,
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
  /** Server arrival time; used only to explain a failure. */
  occurredAt?: number;
  sealed: Uint8Array;
}

export type OpenFailure =
  /** Not a v1 record at all. */
  | 'malformed'
  /**
   * Does not open, and arrived before this device's key was registered: most likely sealed to
   * an earlier key (another device, or before storage was cleared). The format carries no key id,
   * so this is inferred from timing.
   */
  | 'other-key'
  /** Does not open with this key for this row (user, send, event) — moved, altered or corrupt. */
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
  /** The whole pair: see deriveGroupKey on why the private key alone is not enough. */
  keyPair: CryptoKeyPair;
  /** When the backend accepted this device's key (StoredUserKey.registeredAt). */
  keyRegisteredAt?: number | null;
  /** Group keys kept for reuse; rows sealed in one server epoch share one. */
  cacheSize?: number;
}

/** An opener for one user's rows. Rows of one sealing group share one ECDH, done once here. */
export function createEventOpener({
  identity,
  keyPair,
  keyRegisteredAt = null,
  cacheSize = 256,
}: EventOpenerOptions): EventOpener {
  const groupKeys = new Map<string, Promise<CryptoKey>>();

  function groupKeyFor(enc: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
    const id = toBase64url(enc);
    const cached = groupKeys.get(id);
    if (cached) groupKeys.delete(id); // re-inserted below: Map order doubles as LRU order
    const key = cached ?? deriveGroupKey(keyPair, enc);
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
      try {
        const groupKey = await groupKeyFor(record.enc);
        const payload = await openWithGroupKey(groupKey, record, { ...identity, ...base });
        return { ...base, ok: true, payload } as OpenedEvent;
      } catch {
        // A wrong key, a wrong binding and a flipped bit all look the same to AES-GCM.
        const beforeOurKey =
          keyRegisteredAt !== null && row.occurredAt !== undefined && row.occurredAt < keyRegisteredAt;
        return { ...base, ok: false, reason: beforeOurKey ? 'other-key' : 'tampered' };
      }
    },
  };
}
