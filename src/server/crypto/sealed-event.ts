/**
 * The server's side of the sealed-event format (the task pane's is src/shared/sealed-event.ts,
 * which owns the suite and the AAD; test/crypto/format-compat.test.ts holds both sides together).
 * Here: importing a registered key (raw or JWK), starting a group, and a WebCrypto opener/sealer
 * used by the server's tests.
 *
 * Format v1: 0x01 ‖ enc (65 bytes, HPKE DHKEM(P-256) encapsulated key) ‖ AES-256-GCM(ct ‖ tag)
 *
 * HPKE (RFC 9180, base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) sets up one
 * context per group of events; the group secret is the context's exported secret (§5.3). Each
 * event is then encrypted under its own key, HKDF-SHA256(group secret, info = AAD), where the AAD
 * names tenant, user, send and event. Why not the context's own seal(): its nonces are a sequence,
 * so opening event k would need events 0..k-1 first; exported per-event keys open in any order,
 * and since every key encrypts exactly one message, the fixed zero nonce never repeats under a key.
 * A row moved to another user, send or event id derives a different key and fails to open.
 */
import {
  ENC_BYTES,
  GROUP_EXPORT_CONTEXT,
  GROUP_SECRET_BYTES,
  SEALED_EVENT_VERSION,
  TAG_BYTES,
  ZERO_NONCE,
  deriveGroupKey,
  eventAad,
  eventKey as sharedEventKey,
  importGroupSecret,
  sealedEventSuite,
  startEventGroup,
  type EventIds,
} from '../../shared/sealed-event';

export { ENC_BYTES, GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES, ZERO_NONCE, eventAad, type EventIds };
/** The format's constants are defined once, in src/shared/sealed-event.ts. */
export const SEALED_FORMAT_V1 = SEALED_EVENT_VERSION;

/** The suite and the AAD come from the task pane's definition (src/shared/sealed-event.ts). */
const eventSuite = sealedEventSuite();

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

/** Imports a user's P-256 public key (raw uncompressed point or public JWK) for sealing. */
export async function importRecipientKey(
  key: { format: 'raw'; raw: Uint8Array } | { format: 'jwk'; jwk: JsonWebKey },
): Promise<CryptoKey> {
  return key.format === 'raw'
    ? eventSuite.kem.deserializePublicKey(key.raw)
    : eventSuite.kem.importKey('jwk', key.jwk, true);
}

/** Starts a group: one ECDH. Returns the enc to store and the secret to derive event keys from. */
/** Starts a group: one ECDH. Returns the enc to store and the secret to derive event keys from. */
export const startGroup = (recipient: CryptoKey): Promise<{ enc: Uint8Array; secret: Uint8Array }> =>
  startEventGroup(recipient);

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
  const out = new Uint8Array(1 + ENC_BYTES + ct.length);
  out[0] = SEALED_FORMAT_V1;
  out.set(enc, 1);
  out.set(ct, 1 + ENC_BYTES);
  return out;
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
