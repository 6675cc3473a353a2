/**
 * Approving a new device from one that holds the key, with the server as a relay only.
 *
 * A short authentication string with a commitment, so a malicious server cannot grind the code:
 *   1. new device: ephemeral P-256 pair and a nonce; sends only the commitment
 *      SHA-256("candor/approval-commit/v1" ‖ ephemeral public key (65 raw) ‖ nonce (32)).
 *   2. old device: its own random nonce (responderNonce), sent after the commitment is fixed.
 *   3. new device reveals public key and nonce; both sides check the commitment and show
 *      code = uint32be(SHA-256("candor/approval-code/v1" ‖ pub ‖ nonce ‖ responderNonce)[0..3]) mod 10^6.
 *   4. the user confirms the codes match; the old device seals the key material to the public key
 *      (HPKE base, info "candor/device-approval/v1",
 *       AAD JSON ["candor/device-approval/v1", tid, oid, approvalId, keyId]).
 * Neither party can choose its input after seeing the other's, so a substituted key matches the
 * shown code with probability 10^-6 per attempt.
 */
import { fromBase64url, toBase64url } from '../../shared/base64url';
import { ENC_BYTES } from '../../shared/sealed-event';
import type { UserIdentity } from '../keys';
import { KEY_MATERIAL_BYTES, concatBytes, equalBytes } from '../key-material';
import { hpkeOpenWith, hpkeSealTo } from './hpke';

const NONCE_BYTES = 32;
const COMMIT_LABEL = new TextEncoder().encode('candor/approval-commit/v1');
const CODE_LABEL = new TextEncoder().encode('candor/approval-code/v1');
const INFO = 'candor/device-approval/v1';

/** The revealed key or nonce does not match the commitment (or is not well formed). */
export class ApprovalMismatch extends Error {
  override readonly name = 'ApprovalMismatch';
}

export interface ApprovalStart {
  /** Private key non-extractable; keep the whole pair to open the sealed key. */
  ephemeral: CryptoKeyPair;
  /** base64url of the 65-byte raw public key (revealed in step 3). */
  publicKey: string;
  /** base64url of 32 random bytes (revealed in step 3). */
  nonce: string;
  /** base64url SHA-256 commitment (sent in step 1). */
  commitment: string;
}

export async function startApproval(): Promise<ApprovalStart> {
  const ephemeral = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ]);
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', ephemeral.publicKey));
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  return {
    ephemeral,
    publicKey: toBase64url(pub),
    nonce: toBase64url(nonce),
    commitment: toBase64url(await sha256(COMMIT_LABEL, pub, nonce)),
  };
}

export function responderNonce(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** Both devices: checks the commitment, then the 6-digit code shown as "123 456". */
export async function approvalCode(input: {
  commitment: string;
  publicKey: string;
  nonce: string;
  responderNonce: string;
}): Promise<string> {
  let pub: Uint8Array<ArrayBuffer>, nonce: Uint8Array<ArrayBuffer>, theirs: Uint8Array<ArrayBuffer>;
  let commitment: Uint8Array<ArrayBuffer>;
  try {
    pub = fromBase64url(input.publicKey);
    nonce = fromBase64url(input.nonce);
    theirs = fromBase64url(input.responderNonce);
    commitment = fromBase64url(input.commitment);
  } catch {
    throw new ApprovalMismatch('approval values are not base64url');
  }
  if (
    pub.length !== ENC_BYTES ||
    pub[0] !== 0x04 ||
    nonce.length !== NONCE_BYTES ||
    theirs.length !== NONCE_BYTES
  )
    throw new ApprovalMismatch('approval values have the wrong length');
  if (!equalBytes(commitment, await sha256(COMMIT_LABEL, pub, nonce)))
    throw new ApprovalMismatch('the revealed key does not match the commitment');
  const digest = await sha256(CODE_LABEL, pub, nonce, theirs);
  const n = new DataView(digest.buffer).getUint32(0, false) % 1_000_000;
  const digits = n.toString().padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** Old device: the key material sealed to the new device's ephemeral public key (base64url). */
export function sealKeyForDevice(
  d: Uint8Array,
  publicKey: string,
  identity: UserIdentity,
  approvalId: string,
  keyId: string,
): Promise<string> {
  if (d.length !== KEY_MATERIAL_BYTES) throw new TypeError('key material must be 96 bytes');
  return hpkeSealTo(publicKey, INFO, [INFO, identity.tid, identity.oid, approvalId, keyId], d);
}

/** New device: opens the sealed key material with the whole ephemeral pair. */
export function openKeyFromDevice(
  sealed: string,
  ephemeral: CryptoKeyPair,
  identity: UserIdentity,
  approvalId: string,
  keyId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  return hpkeOpenWith(sealed, ephemeral, INFO, [INFO, identity.tid, identity.oid, approvalId, keyId]);
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concatBytes(...parts)));
}
