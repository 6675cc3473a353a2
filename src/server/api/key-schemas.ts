/**
 * Request and response shapes of the key routes (backups, device approvals), send leases and
 * event re-sealing: strict objects, bounded sizes, canonical base64url. Everything here is
 * ciphertext, a share, a nonce, a public key or a hash input: nothing that opens a key alone.
 */
import { z } from 'zod';
import { Base64url, Base64urlBytes, b64chars, CampaignId, Id128 } from './schemas';

/** Key ids (user and tenant recovery keys): first 16 bytes of SHA-256 of the point, base64url. */
export const KeyId = Id128;
const b64 = (bytes: number) => Base64url.length(b64chars(bytes));
const b64Range = (min: number, max: number) => Base64url.min(b64chars(min)).max(b64chars(max));

/** A wrapped P-256 private key (d ‖ x ‖ y, 96 bytes) under AES-256-GCM: IV 12 + 96 + tag 16. */
export const WRAPPED_KEY_BYTES = 12 + 96 + 16;
/** An HPKE-sealed private key: enc (65) + 96 + tag (16). Room left for a later format. */
const SEALED_KEY_MIN = 65 + 16 + 1;
const SEALED_KEY_MAX = 256;

export const KeyChangedResponse = z.strictObject({
  error: z.literal('key-changed'),
  /** The registered key id, or null when none is registered. */
  keyId: KeyId.nullable(),
});

export const KeyBackupsResponse = z.strictObject({
  keyId: KeyId.nullable(),
  recovery: z.strictObject({ keyId: KeyId, header: Base64url, createdAt: z.number() }).nullable(),
  split: z.strictObject({ keyId: KeyId, createdAt: z.number() }).nullable(),
  tenant: z.strictObject({ keyId: KeyId, tenantKeyId: KeyId, createdAt: z.number() }).nullable(),
  tenantRecoveryKey: z.strictObject({ keyId: KeyId, publicKey: Base64url }).nullable(),
});

export const PutRecoveryBody = z.strictObject({
  keyId: KeyId,
  /** b64u(JSON RecoveryHeader): KDF parameters and salt, public by design (the pane checks them). */
  header: Base64url.min(4).max(1024),
  wrapped: b64(WRAPPED_KEY_BYTES).transform((s) => Buffer.from(s, 'base64url')),
  /** The second half of the Argon2id output; the server keeps only its SHA-256. */
  verifier: b64(32).transform((s) => Buffer.from(s, 'base64url')),
});
export const UnlockBody = z.strictObject({
  verifier: b64(32).transform((s) => Buffer.from(s, 'base64url')),
});
export const UnlockResponse = z.strictObject({ keyId: KeyId, wrapped: Base64url });
export const WrongSecretResponse = z.strictObject({
  error: z.literal('wrong-secret'),
  attemptsLeft: z.number().int().nonnegative(),
});

export const PutSplitBody = z.strictObject({
  keyId: KeyId,
  share: b64(32).transform((s) => Buffer.from(s, 'base64url')),
});
export const SplitResponse = z.strictObject({ keyId: KeyId, share: Base64url });

export const PutTenantBody = z.strictObject({
  keyId: KeyId,
  tenantKeyId: KeyId,
  blob: Base64urlBytes(SEALED_KEY_MIN, SEALED_KEY_MAX),
});
export const TenantKeyChangedResponse = z.strictObject({
  error: z.literal('tenant-key-changed'),
  /** The tenant's current recovery key id, or null when the tenant has none. */
  tenantKeyId: KeyId.nullable(),
});

export const StoredResponse = z.strictObject({ keyId: KeyId, createdAt: z.number() });

export const ApprovalParams = z.strictObject({ id: Id128 });
export const CreateApprovalBody = z.strictObject({ commitment: b64(32) });
export const CreatedApprovalResponse = z.strictObject({ id: Id128, expiresAt: z.number() });
export const ApprovalJson = z.strictObject({
  id: Id128,
  state: z.enum(['created', 'responded', 'revealed', 'granted']),
  commitment: Base64url,
  responderNonce: Base64url.optional(),
  publicKey: Base64url.optional(),
  nonce: Base64url.optional(),
  keyId: KeyId.optional(),
  sealedKey: Base64url.optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export const ApprovalsResponse = z.strictObject({ approvals: z.array(ApprovalJson) });
export const RespondApprovalBody = z.strictObject({ nonce: b64(32) });
export const RevealApprovalBody = z.strictObject({
  /** The new device's ephemeral P-256 public key, uncompressed (65 bytes). */
  publicKey: b64(65),
  nonce: b64Range(16, 64),
});
export const GrantApprovalBody = z.strictObject({
  keyId: KeyId,
  sealedKey: b64Range(SEALED_KEY_MIN, SEALED_KEY_MAX),
});
export const WrongStateResponse = z.strictObject({
  error: z.literal('wrong-state'),
  state: z.enum(['created', 'responded', 'revealed', 'granted']),
});
export const DeletedResponse = z.strictObject({ deleted: z.boolean() });

export const LeaseParams = z.strictObject({ campaignId: CampaignId });
export const LeaseBody = z.strictObject({
  /** The device's own id (a UUID it keeps), never a name. */
  deviceId: z.uuid(),
  seconds: z.number().int().min(15).max(600),
});
export const LeaseQuery = z.strictObject({ deviceId: z.uuid() });
export const LeaseResponse = z.strictObject({
  deviceId: z.uuid(),
  expiresAt: z.number(),
  seconds: z.number().int(),
});
export const LeasedResponse = z.strictObject({
  error: z.literal('leased'),
  retryAfterSeconds: z.number().int().positive(),
});
export const ReleasedResponse = z.strictObject({ released: z.boolean() });
