/**
 * The user key's private bytes, for the few moments they must exist in memory: when a key is
 * created, backed up, approved to another device, recovered or rotated. Everywhere else the key
 * is a non-extractable CryptoKeyPair (src/crypto/keys.ts).
 *
 * Key material `d` is always 96 bytes: the JWK's d ‖ x ‖ y, each 32 bytes. WebCrypto cannot import
 * a P-256 private key without its public point, so the point travels with the scalar.
 *
 * The transfer copy is the one deliberate exception to "never extractable": an AES-GCM-sealed copy
 * of `d` kept on the device under a non-extractable AES key, so this device can later approve a
 * new device or write a new backup. Script running in the pane can open it (docs/zero-knowledge.md).
 */
import { fromBase64url, toBase64url } from '../shared/base64url';
import { publicKeyId } from '../shared/sealed-event';
import type { UserIdentity, UserKey } from './keys';

export const KEY_MATERIAL_BYTES = 96;
const COORD = 32;
const IV_BYTES = 12;
const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** Key material that is malformed, or whose private scalar does not belong to its public point. */
export class KeyMaterialError extends Error {
  override readonly name = 'KeyMaterialError';
}

/** Creates a key pair, returns it non-extractable along with its 96 bytes (d ‖ x ‖ y). */
export async function generateKeyMaterial(
  identity: UserIdentity,
  now: number,
): Promise<{ key: UserKey; d: Uint8Array<ArrayBuffer> }> {
  const extractable = await crypto.subtle.generateKey(ECDH_P256, true, ['deriveBits']);
  const jwk = await crypto.subtle.exportKey('jwk', extractable.privateKey);
  const d = new Uint8Array(KEY_MATERIAL_BYTES);
  d.set(fromBase64url(jwk.d ?? ''), 0);
  d.set(fromBase64url(jwk.x ?? ''), COORD);
  d.set(fromBase64url(jwk.y ?? ''), 2 * COORD);
  // The extractable pair goes out of scope here; only the re-imported, non-extractable one is kept.
  return { key: await importKeyMaterial(identity, d, now), d };
}

/**
 * Imports 96 bytes as a pair whose private key cannot be exported. Checks that the scalar belongs
 * to the point (two ECDHs with a throwaway key), so a corrupted backup fails here, not later.
 * Callers compare the returned `keyId` with the one they expected.
 */
export async function importKeyMaterial(
  identity: UserIdentity,
  d: Uint8Array,
  now: number,
): Promise<UserKey> {
  if (d.length !== KEY_MATERIAL_BYTES) throw new KeyMaterialError('key material must be 96 bytes');
  const [jd, jx, jy] = [0, 1, 2].map((i) => toBase64url(d.subarray(i * COORD, (i + 1) * COORD)));
  const base = { kty: 'EC', crv: 'P-256', x: jx, y: jy } as const;
  let keyPair: CryptoKeyPair;
  try {
    keyPair = {
      privateKey: await crypto.subtle.importKey('jwk', { ...base, d: jd }, ECDH_P256, false, ['deriveBits']),
      publicKey: await crypto.subtle.importKey('jwk', base, ECDH_P256, true, []),
    };
  } catch {
    throw new KeyMaterialError('key material is not a P-256 key');
  }
  if (!(await belongTogether(keyPair))) throw new KeyMaterialError('private key does not match public key');
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

async function belongTogether(pair: CryptoKeyPair): Promise<boolean> {
  const probe = await crypto.subtle.generateKey(ECDH_P256, false, ['deriveBits']);
  const [a, b] = await Promise.all([
    crypto.subtle.deriveBits({ name: 'ECDH', public: probe.publicKey }, pair.privateKey, 256),
    crypto.subtle.deriveBits({ name: 'ECDH', public: pair.publicKey }, probe.privateKey, 256),
  ]);
  return equalBytes(new Uint8Array(a), new Uint8Array(b));
}

/** A device's AES-256-GCM key for its transfer copy; it can be used, never exported. */
export function createTransferKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** IV (12) ‖ AES-256-GCM(d) ‖ tag, bound to the user and key id. */
export async function sealTransferCopy(
  transferKey: CryptoKey,
  d: Uint8Array,
  identity: UserIdentity,
  keyId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  if (d.length !== KEY_MATERIAL_BYTES) throw new KeyMaterialError('key material must be 96 bytes');
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: transferAad(identity, keyId) },
    transferKey,
    new Uint8Array(d),
  );
  return concatBytes(iv, new Uint8Array(ct));
}

/** Opens a transfer copy; throws when the blob, the user or the key id is not the one sealed. */
export async function openTransferCopy(
  transferKey: CryptoKey,
  blob: Uint8Array,
  identity: UserIdentity,
  keyId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const d = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: blob.slice(0, IV_BYTES), additionalData: transferAad(identity, keyId) },
      transferKey,
      blob.slice(IV_BYTES),
    );
    return new Uint8Array(d);
  } catch {
    throw new KeyMaterialError('transfer copy does not open for this user and key');
  }
}

function transferAad(identity: UserIdentity, keyId: string): Uint8Array<ArrayBuffer> {
  return jsonAad(['candor/transfer-copy/v1', identity.tid, identity.oid, keyId]);
}

/** Associated data as a JSON array: unambiguous whatever characters the ids contain. */
export function jsonAad(parts: readonly string[]): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(parts));
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
