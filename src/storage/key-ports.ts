/**
 * What key access (src/storage/key-access.ts) needs from the key cryptography and from Candor's
 * API, as the shared contract for issue #9 names them (src/crypto/key-material.ts,
 * src/crypto/key-backup/*, src/api/client.ts). Key access takes both as ports, so it is tested
 * against fakes and the real modules plug in where the pane wires it.
 *
 * `d` is always the 96-byte `d ‖ x ‖ y` of a P-256 private key; it exists in memory only while a
 * key is created, backed up, approved, recovered or rotated.
 */
import type { Approval, KeyBackups } from '../api/client';
import type { UserIdentity, UserKey } from '../crypto/keys';

/** A function of the crypto modules may be synchronous or not; key access awaits either. */
export type Awaitable<T> = T | Promise<T>;

/** The mailbox half of the split backup (Office roaming settings, `candor.keyShare`). */
export interface RoamingKeyShare {
  v: 1;
  tid: string;
  oid: string;
  keyId: string;
  /** b64u, 32 bytes. */
  share: string;
  /** b64u: the key bytes wrapped under the KEK derived from both shares. */
  wrapped: string;
}

export interface RecoveryWrap {
  /** b64u(JSON RecoveryHeader): KDF parameters, secret kind, key id. */
  header: string;
  wrapped: string;
  verifier: string;
}

export interface ApprovalStart {
  /** Private half non-extractable. */
  ephemeral: CryptoKeyPair;
  publicKey: string;
  nonce: string;
  commitment: string;
}

export interface KeyCrypto {
  generateKeyMaterial(identity: UserIdentity, now: number): Promise<{ key: UserKey; d: Uint8Array }>;
  importKeyMaterial(identity: UserIdentity, d: Uint8Array, now: number): Promise<UserKey>;
  createTransferKey(): Promise<CryptoKey>;
  sealTransferCopy(
    transferKey: CryptoKey,
    d: Uint8Array,
    identity: UserIdentity,
    keyId: string,
  ): Promise<Uint8Array>;
  openTransferCopy(
    transferKey: CryptoKey,
    blob: Uint8Array,
    identity: UserIdentity,
    keyId: string,
  ): Promise<Uint8Array>;
  generateRecoveryCode(): string;
  normaliseRecoveryCode(input: string): string | null;
  wrapForRecovery(
    d: Uint8Array,
    secret: string,
    identity: UserIdentity,
    keyId: string,
    kind: 'code' | 'passphrase',
  ): Awaitable<RecoveryWrap>;
  deriveVerifier(
    secret: string,
    header: string,
    identity: UserIdentity,
  ): Awaitable<{ verifier: string; unwrap(wrapped: string): Promise<Uint8Array> }>;
  splitWrap(
    d: Uint8Array,
    identity: UserIdentity,
    keyId: string,
  ): Awaitable<{ roaming: RoamingKeyShare; serverShare: string }>;
  splitUnwrap(roaming: RoamingKeyShare, serverShare: string, identity: UserIdentity): Promise<Uint8Array>;
  sealToTenant(
    d: Uint8Array,
    tenantPublicKey: string,
    identity: UserIdentity,
    keyId: string,
  ): Awaitable<string>;
  startApproval(): Awaitable<ApprovalStart>;
  responderNonce(): string;
  /** Throws (ApprovalMismatch) when the revealed key and nonce do not match the commitment. */
  approvalCode(input: {
    commitment: string;
    publicKey: string;
    nonce: string;
    responderNonce: string;
  }): Promise<string>;
  sealKeyForDevice(
    d: Uint8Array,
    publicKey: string,
    identity: UserIdentity,
    approvalId: string,
    keyId: string,
  ): Awaitable<string>;
  openKeyFromDevice(
    sealed: string,
    ephemeral: CryptoKeyPair,
    identity: UserIdentity,
    approvalId: string,
    keyId: string,
  ): Promise<Uint8Array>;
  /**
   * Rotation: opens a sealed event with whichever key of `keyring` it was sealed to and seals the
   * same payload (format v2) to `to`. null when no key in the ring opens it (it stays as it is).
   * Not named in the contract: the crypto helper's opener and sealer provide the two halves.
   */
  resealEvent(
    row: { eventId: string; sendId: string; kind: 'open' | 'reply'; sealed: Uint8Array },
    keyring: ReadonlyMap<string, CryptoKeyPair>,
    to: Pick<UserKey, 'publicKey' | 'keyId'>,
    identity: UserIdentity,
  ): Promise<Uint8Array | null>;
}

// The wire shapes are the API client's (src/api/client.ts); key access reads them as they are.
export type { Approval, ApprovalState, KeyBackups } from '../api/client';

/**
 * The API client methods key access uses (src/api/client.ts). Errors are the client's ApiError:
 * registerKey with a stale `expectedKeyId` → kind `conflict`, `details.keyId` = the registered id;
 * unlockRecovery → status 403 `wrong-secret` (attemptsLeft), 429 `too-many-attempts`
 * (retryAfterSeconds), 404 when there is no backup.
 */
export interface KeyApi {
  registerKey(publicKey: string, expectedKeyId?: string | null): Promise<unknown>;
  getKeyBackups(): Promise<KeyBackups>;
  putRecoveryBackup(b: {
    keyId: string;
    header: string;
    wrapped: string;
    verifier: string;
  }): Promise<unknown>;
  unlockRecovery(verifier: string): Promise<{ keyId: string; wrapped: string }>;
  putSplitShare(keyId: string, share: string): Promise<unknown>;
  getSplitShare(): Promise<{ keyId: string; share: string } | null>;
  putTenantBackup(b: { keyId: string; tenantKeyId: string; blob: string }): Promise<unknown>;
  createApproval(commitment: string): Promise<{ id: string; expiresAt: number }>;
  listApprovals(): Promise<Approval[]>;
  getApproval(id: string): Promise<Approval | null>;
  respondApproval(id: string, nonce: string): Promise<unknown>;
  revealApproval(id: string, publicKey: string, nonce: string): Promise<unknown>;
  grantApproval(id: string, keyId: string, sealedKey: string): Promise<unknown>;
  deleteApproval(id: string): Promise<unknown>;
  resealEvent(eventId: string, sealed: Uint8Array): Promise<unknown>;
  deleteMe(): Promise<unknown>;
}
