/**
 * Opening data sealed to any of the user's keys (the current one and earlier ones kept in
 * `oldKeys`), until the crypto modules' opener and state cipher take a keyring themselves — then
 * these two adapters give way to them.
 *
 * - State blobs carry their key id (blob v1 header): the blob is opened with that key's cipher.
 * - Events: format v2 (`0x02 ‖ keyId (16) ‖ enc ‖ ct ‖ tag`) names its key; it is opened with that
 *   key as the same record without the key id. v1 names none: each key of the ring is tried, the
 *   current one first.
 */
import type { UserIdentity } from '../crypto/keys';
import { createEventOpener, type EventOpener, type OpenResult } from '../crypto/open-event';
import { createStateCipher, StateOpenError, type StateCipher } from '../crypto/state-cipher';
import { toBase64url } from '../shared/base64url';
import { STATE_BLOB_VERSION, STATE_KID_BYTES } from '../shared/state-blob';

export type Keyring = ReadonlyMap<string, CryptoKeyPair>;

const EVENT_V2 = 0x02;
const KID_BYTES = 16;

/** The key id a v2 event names, or null for v1 (or something too short to be either). */
export function eventKeyId(sealed: Uint8Array): string | null {
  return sealed[0] === EVENT_V2 && sealed.length > 1 + KID_BYTES
    ? toBase64url(sealed.subarray(1, 1 + KID_BYTES))
    : null;
}

/** The key id a state blob v1 header names, or null. */
export function stateKeyId(blob: Uint8Array): string | null {
  return blob[0] === STATE_BLOB_VERSION && blob.length > 1 + STATE_KID_BYTES
    ? toBase64url(blob.subarray(1, 1 + STATE_KID_BYTES))
    : null;
}

/** Encrypts with the current key; decrypts with whichever key of the ring the blob names. */
export async function createKeyringStateCipher(keyring: Keyring, currentKeyId: string): Promise<StateCipher> {
  const ciphers = new Map<string, Promise<StateCipher>>();
  const cipherFor = (keyId: string): Promise<StateCipher> | undefined => {
    const pair = keyring.get(keyId);
    if (!pair) return undefined;
    let c = ciphers.get(keyId);
    if (!c) ciphers.set(keyId, (c = createStateCipher(pair, keyId)));
    return c;
  };
  const current = cipherFor(currentKeyId);
  if (!current) throw new TypeError('The keyring must hold the current key.');
  const currentCipher = await current;
  return {
    keyId: currentKeyId,
    encrypt: (binding, value) => currentCipher.encrypt(binding, value),
    async decrypt<T>(binding: Parameters<StateCipher['decrypt']>[0], blob: Uint8Array): Promise<T> {
      const kid = stateKeyId(blob);
      if (kid === null) return currentCipher.decrypt<T>(binding, blob); // reports it malformed
      const cipher = cipherFor(kid);
      if (!cipher) throw new StateOpenError('other-key');
      return (await cipher).decrypt<T>(binding, blob);
    },
  };
}

export interface KeyringOpenerOptions {
  identity: UserIdentity;
  keyring: Keyring;
  currentKeyId: string;
  keyRegisteredAt?: number | null;
}

export function createKeyringEventOpener({
  identity,
  keyring,
  currentKeyId,
  keyRegisteredAt = null,
}: KeyringOpenerOptions): EventOpener {
  const openers = new Map<string, EventOpener>();
  const openerFor = (keyId: string): EventOpener | undefined => {
    const keyPair = keyring.get(keyId);
    if (!keyPair) return undefined;
    let o = openers.get(keyId);
    if (!o) {
      o = createEventOpener({
        identity,
        keyPair,
        keyRegisteredAt: keyId === currentKeyId ? keyRegisteredAt : null,
      });
      openers.set(keyId, o);
    }
    return o;
  };
  const order = [currentKeyId, ...[...keyring.keys()].filter((k) => k !== currentKeyId)];
  return {
    async open(row): Promise<OpenResult> {
      const kid = eventKeyId(row.sealed);
      if (kid !== null) {
        const opener = openerFor(kid);
        if (!opener)
          return { eventId: row.eventId, sendId: row.sendId, kind: row.kind, ok: false, reason: 'other-key' };
        const v1 = new Uint8Array(row.sealed.length - KID_BYTES);
        v1[0] = 0x01;
        v1.set(row.sealed.subarray(1 + KID_BYTES), 1);
        return opener.open({ ...row, sealed: v1 });
      }
      let first: OpenResult | undefined;
      for (const keyId of order) {
        const result = await openerFor(keyId)!.open(row);
        if (result.ok) return result;
        first ??= result;
      }
      return first!;
    },
  };
}
