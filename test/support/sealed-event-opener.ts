/**
 * Test-only: opens what the server sealed, and seals one-off events, with WebCrypto. Kept out of
 * src/server on purpose: nothing the server runs can open a sealed event.
 */
import {
  ENC_BYTES,
  SEALED_FORMAT_V1,
  ZERO_NONCE,
  eventAad,
  startGroup,
  type EventIds,
} from '../../src/server/crypto/sealed-event';
import type { OpenPlaintext } from '../../src/server/pixel/seal';
import {
  TAG_BYTES,
  deriveGroupKey,
  sealedEventBytes,
  eventKey as sharedEventKey,
  importGroupSecret,
} from '../../src/shared/sealed-event';

export class SealedEventError extends Error {
  override readonly name = 'SealedEventError';
}

const subtle = () => globalThis.crypto.subtle;

/** The server's opener holds group secrets as bytes; the derivation itself is the shared one. */
async function eventKey(
  groupSecret: Uint8Array,
  aad: Uint8Array,
  usage: 'encrypt' | 'decrypt',
): Promise<CryptoKey> {
  return sharedEventKey(await importGroupSecret(new Uint8Array(groupSecret)), new Uint8Array(aad), usage);
}

/** Seals one payload as a group of one, with WebCrypto only (the task pane sealing a reply). */
export async function sealEvent(
  recipient: CryptoKey,
  ids: EventIds,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const { enc, secret } = await startGroup(recipient);
  const aad = eventAad(ids);
  const key = await eventKey(secret, aad, 'encrypt');
  const ct = new Uint8Array(
    await subtle().encrypt(
      { name: 'AES-GCM', iv: ZERO_NONCE, additionalData: aad as BufferSource },
      key,
      plaintext as BufferSource,
    ),
  );
  return sealedEventBytes(enc, ct);
}

/**
 * Opens sealed events for one user. Rows of the same group share an enc, so the opener caches
 * group secrets by enc and pays one ECDH per group, not per row.
 *
 * Pass the whole CryptoKeyPair: @hpke/core 1.9.0 mis-derives the public key from a non-extractable
 * P-256 private key about half the time and then fails to open (security.md §3.8).
 */
export function createEventOpener(
  recipient: CryptoKeyPair,
): (ids: EventIds, sealed: Uint8Array) => Promise<Uint8Array> {
  const groups = new Map<string, Promise<CryptoKey>>();
  return async (ids, sealed) => {
    if (sealed.length < 1 + ENC_BYTES + TAG_BYTES || sealed[0] !== SEALED_FORMAT_V1) {
      throw new SealedEventError('unknown sealed-event format');
    }
    const enc = sealed.subarray(1, 1 + ENC_BYTES);
    const cacheKey = Array.from(enc, (b) => b.toString(16).padStart(2, '0')).join('');
    let groupKey = groups.get(cacheKey);
    if (!groupKey) {
      groupKey = deriveGroupKey(recipient, new Uint8Array(enc));
      groups.set(cacheKey, groupKey);
      groupKey.catch(() => groups.delete(cacheKey));
    }
    const aad = eventAad(ids);
    const key = await sharedEventKey(await groupKey, aad, 'decrypt');
    try {
      return new Uint8Array(
        await subtle().decrypt(
          { name: 'AES-GCM', iv: ZERO_NONCE, additionalData: aad as BufferSource },
          key,
          sealed.subarray(1 + ENC_BYTES) as BufferSource,
        ),
      );
    } catch {
      throw new SealedEventError('sealed event does not open for this key and row');
    }
  };
}

/** Opens a single sealed event (no group cache). */
export const openSealedEvent = (
  recipient: CryptoKeyPair,
  ids: EventIds,
  sealed: Uint8Array,
): Promise<Uint8Array> => createEventOpener(recipient)(ids, sealed);

/** Opens an open event sealed by EventSealer; pass the whole CryptoKeyPair (see sealed-event.ts). */
export async function openOpenEvent(
  recipient: CryptoKeyPair,
  ids: EventIds,
  sealed: Uint8Array,
): Promise<OpenPlaintext> {
  const bytes = await createEventOpener(recipient)(ids, sealed);
  return JSON.parse(new TextDecoder().decode(bytes)) as OpenPlaintext;
}
