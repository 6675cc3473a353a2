/**
 * The server's side of the sealed-event format (the task pane's is src/shared/sealed-event.ts,
 * which owns the suite and the AAD; test/crypto/format-compat.test.ts holds both sides together).
 * Here: importing a registered key (raw or JWK) and starting a group. Nothing on the server can
 * open a sealed event: the tests' opener lives in test/support/sealed-event-opener.ts.
 *
 * Format v2: 0x02 ‖ keyId (16) ‖ enc (65 bytes, HPKE DHKEM(P-256) encapsulated key) ‖ AES-256-GCM(ct ‖ tag)
 * (v1, still read: the same without the key id.) The pixel writes v2 (src/server/pixel/seal.ts).
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
  ZERO_NONCE,
  eventAad,
  sealedEventSuite,
  startEventGroup,
  type EventIds,
} from '../../shared/sealed-event';

export { ENC_BYTES, GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES, ZERO_NONCE, eventAad, type EventIds };
/** The format's constants are defined once, in src/shared/sealed-event.ts. */
export const SEALED_FORMAT_V1 = SEALED_EVENT_VERSION;

/** The suite and the AAD come from the task pane's definition (src/shared/sealed-event.ts). */
const eventSuite = sealedEventSuite();

/** Imports a user's P-256 public key (raw uncompressed point or public JWK) for sealing. */
export async function importRecipientKey(
  key: { format: 'raw'; raw: Uint8Array } | { format: 'jwk'; jwk: JsonWebKey },
): Promise<CryptoKey> {
  return key.format === 'raw'
    ? eventSuite.kem.deserializePublicKey(key.raw)
    : eventSuite.kem.importKey('jwk', key.jwk, true);
}

/** Starts a group: one ECDH. Returns the enc to store and the secret to derive event keys from. */
export const startGroup = (recipient: CryptoKey): Promise<{ enc: Uint8Array; secret: Uint8Array }> =>
  startEventGroup(recipient);
