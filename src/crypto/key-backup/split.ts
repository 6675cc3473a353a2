/**
 * The roaming split: key material wrapped under a key derived from two random shares, one kept in
 * the user's Office roaming settings (their mailbox), one on Candor's server (released only to
 * the user's own API token). Either share alone reveals nothing about the KEK.
 *
 *   KEK     = HKDF-SHA256(ikm = roamingShare ‖ serverShare, salt = keyId (16 raw bytes),
 *                         info = "candor/key-split/v1") → AES-256-GCM
 *   wrapped = base64url(IV (12) ‖ AES-256-GCM(KEK, d, AAD) ‖ tag (16))
 *   AAD     = JSON ["candor/key-split/v1", tid, oid, keyId]
 */
import { fromBase64url, toBase64url } from '../../shared/base64url';
import type { UserIdentity } from '../keys';
import { KEY_MATERIAL_BYTES, concatBytes, jsonAad } from '../key-material';
import { KeyBackupError } from './errors';

const SHARE_BYTES = 32;
const IV_BYTES = 12;
const INFO = 'candor/key-split/v1';

/** What goes into roaming settings (`candor.keyShare`, as JSON). */
export interface RoamingKeyShare {
  v: 1;
  tid: string;
  oid: string;
  keyId: string;
  /** base64url of 32 random bytes. */
  share: string;
  /** base64url(IV ‖ ciphertext ‖ tag). */
  wrapped: string;
}

export async function splitWrap(
  d: Uint8Array,
  identity: UserIdentity,
  keyId: string,
): Promise<{ roaming: RoamingKeyShare; serverShare: string }> {
  if (d.length !== KEY_MATERIAL_BYTES) throw new TypeError('key material must be 96 bytes');
  const roamingShare = crypto.getRandomValues(new Uint8Array(SHARE_BYTES));
  const serverShare = crypto.getRandomValues(new Uint8Array(SHARE_BYTES));
  const kek = await splitKek(roamingShare, serverShare, keyId);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: splitAad(identity, keyId) },
    kek,
    new Uint8Array(d),
  );
  return {
    roaming: {
      v: 1,
      tid: identity.tid,
      oid: identity.oid,
      keyId,
      share: toBase64url(roamingShare),
      wrapped: toBase64url(concatBytes(iv, new Uint8Array(ct))),
    },
    serverShare: toBase64url(serverShare),
  };
}

/** Both shares → key material. Throws `does-not-open` for another user, key or share, or an alteration. */
export async function splitUnwrap(
  roaming: RoamingKeyShare,
  serverShare: string,
  identity: UserIdentity,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    if (roaming.v !== 1 || roaming.tid !== identity.tid || roaming.oid !== identity.oid) throw new Error();
    const kek = await splitKek(fromBase64url(roaming.share), fromBase64url(serverShare), roaming.keyId);
    const bytes = fromBase64url(roaming.wrapped);
    const d = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES), additionalData: splitAad(identity, roaming.keyId) },
      kek,
      bytes.slice(IV_BYTES),
    );
    return new Uint8Array(d);
  } catch {
    throw new KeyBackupError('does-not-open', 'the roaming key share does not open with the server share');
  }
}

async function splitKek(
  roamingShare: Uint8Array,
  serverShare: Uint8Array,
  keyId: string,
): Promise<CryptoKey> {
  if (roamingShare.length !== SHARE_BYTES || serverShare.length !== SHARE_BYTES) throw new Error('bad share');
  const ikm = await crypto.subtle.importKey('raw', concatBytes(roamingShare, serverShare), 'HKDF', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: fromBase64url(keyId), info: new TextEncoder().encode(INFO) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function splitAad(identity: UserIdentity, keyId: string): Uint8Array<ArrayBuffer> {
  return jsonAad([INFO, identity.tid, identity.oid, keyId]);
}
