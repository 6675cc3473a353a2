/**
 * The user's sealing key pair: P-256 ECDH, generated in the task pane with WebCrypto, private key
 * non-extractable. The backend only ever receives the public key. Storing it and registering it
 * is src/storage/user-key.ts; this module is the pure cryptography.
 */
import { publicKeyId } from '../shared/sealed-event';
import { toBase64url } from '../shared/base64url';

export interface UserIdentity {
  tid: string;
  oid: string;
}

/** A user's key pair on this device. */
export interface UserKey extends UserIdentity {
  /** privateKey non-extractable; publicKey (always extractable in WebCrypto) for registration. */
  keyPair: CryptoKeyPair;
  /** base64url of the 65-byte uncompressed P-256 point (what PUT /api/v1/me/key carries). */
  publicKey: string;
  /** base64url of the first 16 bytes of SHA-256 over the raw public key. */
  keyId: string;
  createdAt: number;
}

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** A fresh key pair whose private half can be used but never exported. */
export async function generateUserKey(identity: UserIdentity, now: number): Promise<UserKey> {
  const keyPair = await crypto.subtle.generateKey(ECDH_P256, false, ['deriveBits']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  return {
    tid: identity.tid,
    oid: identity.oid,
    keyPair,
    publicKey: toBase64url(raw),
    keyId: await publicKeyId(raw),
    createdAt: now,
  };
}
