/**
 * Test-only: opens what the server sealed, and seals one-off events, with WebCrypto. Kept out of
 * src/server on purpose: nothing the server runs can open a sealed event.
 */
import { ZERO_NONCE, eventAad, startGroup, type EventIds } from '../../src/server/crypto/sealed-event';
import type { OpenPlaintext } from '../../src/server/pixel/seal';
import {
  deriveGroupKey,
  parseSealedEvent,
  publicKeyId,
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

/** Seals one payload as a group of one, with WebCrypto only, in format v1 (no key id). */
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
  let ownKeyId: Promise<string> | undefined;
  return async (ids, sealed) => {
    const record = parseSealedEvent(sealed);
    if (!record) throw new SealedEventError('unknown sealed-event format');
    // A v2 record names its key: one naming another key is not ours to open (as in the pane).
    ownKeyId ??= subtle()
      .exportKey('raw', recipient.publicKey)
      .then((raw) => publicKeyId(new Uint8Array(raw)));
    if (record.keyId !== null && record.keyId !== (await ownKeyId)) {
      throw new SealedEventError('sealed event names another key');
    }
    const { enc } = record;
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
          record.ct,
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
