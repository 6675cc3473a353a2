/**
 * Opening data sealed to any of the user's keys (the current one and earlier ones kept in
 * `oldKeys`): the crypto modules' opener and state cipher take the keyring; these helpers name the
 * key a record carries, for rotation to skip what already names the new key.
 *
 * - State blobs carry their key id (blob v1 header).
 * - Events: format v2 (`0x02 ‖ keyId (16) ‖ enc ‖ ct ‖ tag`) names its key; v1 names none.
 */
import type { UserIdentity } from '../crypto/keys';
import { createEventOpener, type EventOpener } from '../crypto/open-event';
import { createStateCipher, type StateCipher } from '../crypto/state-cipher';
import { toBase64url } from '../shared/base64url';
import { parseSealedEvent } from '../shared/sealed-event';
import { STATE_BLOB_VERSION, STATE_KID_BYTES } from '../shared/state-blob';

export type Keyring = ReadonlyMap<string, CryptoKeyPair>;

/** The key id a v2 event names, or null for v1 (or something that is neither). */
export function eventKeyId(sealed: Uint8Array): string | null {
  return parseSealedEvent(sealed)?.keyId ?? null;
}

/** The key id a state blob v1 header names, or null. */
export function stateKeyId(blob: Uint8Array): string | null {
  return blob[0] === STATE_BLOB_VERSION && blob.length > 1 + STATE_KID_BYTES
    ? toBase64url(blob.subarray(1, 1 + STATE_KID_BYTES))
    : null;
}

/** Encrypts with the current key; decrypts with whichever key of the ring the blob names. */
export function createKeyringStateCipher(keyring: Keyring, currentKeyId: string): Promise<StateCipher> {
  const current = keyring.get(currentKeyId);
  if (!current) throw new TypeError('The keyring must hold the current key.');
  return createStateCipher(current, currentKeyId, keyring);
}

export interface KeyringOpenerOptions {
  identity: UserIdentity;
  keyring: Keyring;
  currentKeyId: string;
  keyRegisteredAt?: number | null;
}

/** Opens v2 events with the key they name and v1 events with each key of the ring. */
export function createKeyringEventOpener({
  identity,
  keyring,
  keyRegisteredAt = null,
}: KeyringOpenerOptions): EventOpener {
  return createEventOpener({ identity, keyring, keyRegisteredAt });
}
