/**
 * HPKE base mode with the events' suite (DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM),
 * one message, for sealing key material to another key pair (tenant recovery, device approval).
 * Output: enc (65) ‖ ciphertext ‖ tag, as base64url.
 */
import { fromBase64url, toBase64url } from '../../shared/base64url';
import { ENC_BYTES, sealedEventSuite } from '../../shared/sealed-event';
import { concatBytes, jsonAad } from '../key-material';
import { KeyBackupError } from './errors';

export async function hpkeSealTo(
  publicKey: string,
  info: string,
  aad: readonly string[],
  plaintext: Uint8Array,
): Promise<string> {
  const suite = sealedEventSuite();
  const raw = fromBase64url(publicKey);
  if (raw.length !== ENC_BYTES || raw[0] !== 0x04)
    throw new TypeError('not an uncompressed P-256 public key');
  const recipientPublicKey = await suite.kem.deserializePublicKey(raw);
  const { enc, ct } = await suite.seal(
    { recipientPublicKey, info: new TextEncoder().encode(info) },
    new Uint8Array(plaintext),
    jsonAad(aad),
  );
  return toBase64url(concatBytes(new Uint8Array(enc), new Uint8Array(ct)));
}

/** Pass the whole CryptoKeyPair: @hpke/core 1.9.0 mis-derives the public key from a lone P-256 private key. */
export async function hpkeOpenWith(
  sealed: string,
  recipientKey: CryptoKeyPair,
  info: string,
  aad: readonly string[],
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const bytes = fromBase64url(sealed);
    const pt = await sealedEventSuite().open(
      { recipientKey, enc: bytes.slice(0, ENC_BYTES), info: new TextEncoder().encode(info) },
      bytes.slice(ENC_BYTES),
      jsonAad(aad),
    );
    return new Uint8Array(pt);
  } catch {
    throw new KeyBackupError('does-not-open', 'sealed key does not open with this key pair');
  }
}
