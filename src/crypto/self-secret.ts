/**
 * Secrets only the holder of the user's private key can compute: HKDF over an ECDH of the
 * private key with the user's own public key, d·(d·G). Candor derives its other symmetric keys
 * from this (campaign state, reply ids), so the sealing key pair stays the only secret to keep,
 * move or destroy. Each use has its own HKDF `info` label; every derived key is non-extractable.
 */
const SALT = new Uint8Array(32);

export async function deriveSelfKey(
  keyPair: CryptoKeyPair,
  info: string,
  algorithm: AesKeyAlgorithm | HmacImportParams,
  usages: KeyUsage[],
): Promise<CryptoKey> {
  const shared = await crypto.subtle.deriveBits(
    { name: 'ECDH', public: keyPair.publicKey },
    keyPair.privateKey,
    256,
  );
  const ikm = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: new TextEncoder().encode(info) },
    ikm,
    algorithm,
    false,
    usages,
  );
}
