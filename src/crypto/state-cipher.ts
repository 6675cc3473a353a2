/**
 * Campaign state encryption. The task pane keeps each campaign (prospects, template, send
 * states) as one JSON snapshot and stores it on the backend only as this ciphertext.
 *
 * Key: HKDF-SHA256 over an ECDH of the user's private key with their own public key (see
 * self-secret.ts), info "candor/state-key/v1", a non-extractable AES-256-GCM key. Derived rather
 * than generated and stored separately, so the sealing key pair is the only secret: whatever
 * later moves or recovers that pair (device approval, a recovery key) restores access to state
 * too, and deleting it shreds both. Only the private-key holder can compute d·(d·G); anyone else
 * faces the Diffie–Hellman problem.
 *
 * Blob v1 (layout in src/shared/state-blob.ts): 0x01 ‖ kid (16) ‖ iv (12, random per write) ‖
 * AES-256-GCM ciphertext+tag, with
 * AAD = JSON ["candor/state/v1", tid, oid, campaignId, version] — a blob moved to another user,
 * campaign or version does not open, so the server cannot swap or relabel snapshots.
 *
 * With a keyring (earlier key pairs kept after rotation or recovery), a blob naming another key id
 * is opened with that key's derived state key; new blobs are always written under the current key.
 */
import { fromBase64url, toBase64url } from '../shared/base64url';
import {
  STATE_BLOB_VERSION as STATE_VERSION,
  STATE_HEADER_BYTES as HEADER_BYTES,
  STATE_IV_BYTES as IV_BYTES,
  STATE_KID_BYTES as KID_BYTES,
  STATE_TAG_BYTES as TAG_BYTES,
} from '../shared/state-blob';
import type { UserIdentity } from './keys';
import { deriveSelfKey } from './self-secret';

export interface StateBinding extends UserIdentity {
  campaignId: string;
  version: number;
}

export type StateOpenFailure = 'malformed' | 'other-key' | 'tampered';

export class StateOpenError extends Error {
  override readonly name = 'StateOpenError';
  constructor(readonly reason: StateOpenFailure) {
    super(
      reason === 'other-key'
        ? 'This campaign was saved with a key this device does not have.'
        : 'This campaign snapshot is damaged or does not belong here.',
    );
  }
}

export interface StateCipher {
  readonly keyId: string;
  encrypt(binding: StateBinding, value: unknown): Promise<Uint8Array<ArrayBuffer>>;
  /** Throws StateOpenError when the blob is not this user's, for this campaign and version. */
  decrypt<T = unknown>(binding: StateBinding, blob: Uint8Array): Promise<T>;
}

const deriveStateKey = (keyPair: CryptoKeyPair): Promise<CryptoKey> =>
  deriveSelfKey(keyPair, 'candor/state-key/v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']);

/**
 * Derives the state key from the user's key pair; the key never leaves WebCrypto. `keyring`
 * (key id → pair, e.g. earlier keys) lets `decrypt` open blobs written under those keys too.
 */
export async function createStateCipher(
  keyPair: CryptoKeyPair,
  keyId: string,
  keyring?: ReadonlyMap<string, CryptoKeyPair>,
): Promise<StateCipher> {
  const key = await deriveStateKey(keyPair);
  const kid = fromBase64url(keyId);
  if (kid.length !== KID_BYTES) throw new TypeError('keyId must be 16 bytes of base64url');
  const otherKeys = new Map<string, Promise<CryptoKey>>();
  const keyFor = (blobKeyId: string): Promise<CryptoKey> | undefined => {
    if (blobKeyId === keyId) return Promise.resolve(key);
    const pair = keyring?.get(blobKeyId);
    if (!pair) return undefined;
    let derived = otherKeys.get(blobKeyId);
    if (!derived) {
      derived = deriveStateKey(pair);
      otherKeys.set(blobKeyId, derived);
    }
    return derived;
  };

  return {
    keyId,
    async encrypt(binding, value) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: stateAad(binding) },
        key,
        new TextEncoder().encode(JSON.stringify(value)),
      );
      const blob = new Uint8Array(HEADER_BYTES + ct.byteLength);
      blob[0] = STATE_VERSION;
      blob.set(kid, 1);
      blob.set(iv, 1 + KID_BYTES);
      blob.set(new Uint8Array(ct), HEADER_BYTES);
      return blob;
    },
    async decrypt<T>(binding: StateBinding, blob: Uint8Array): Promise<T> {
      if (blob.length < HEADER_BYTES + TAG_BYTES || blob[0] !== STATE_VERSION)
        throw new StateOpenError('malformed');
      const blobKey = keyFor(toBase64url(blob.subarray(1, 1 + KID_BYTES)));
      if (!blobKey) throw new StateOpenError('other-key');
      let plaintext: ArrayBuffer;
      try {
        plaintext = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: blob.slice(1 + KID_BYTES, HEADER_BYTES), additionalData: stateAad(binding) },
          await blobKey,
          blob.slice(HEADER_BYTES),
        );
      } catch {
        throw new StateOpenError('tampered');
      }
      return JSON.parse(new TextDecoder().decode(plaintext)) as T;
    },
  };
}

function stateAad(b: StateBinding): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(b.version) || b.version < 1)
    throw new RangeError('state version must be a positive integer');
  return new TextEncoder().encode(JSON.stringify(['candor/state/v1', b.tid, b.oid, b.campaignId, b.version]));
}
