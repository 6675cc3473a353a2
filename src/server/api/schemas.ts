import { z } from 'zod';
import { fromBase64url } from '../../shared/base64url';
import { MIN_SEALED_REPLY_BYTES, MIN_STATE_BLOB_BYTES } from '../crypto/ciphertext-shape';

/**
 * Request and response shapes of the task-pane API: the single source for validation (strict
 * objects, unknown keys rejected — no mass assignment) and for the OpenAPI document.
 */

/** 16 random bytes in canonical base64url (send and event ids). */
export const Id128 = z.string().regex(/^[A-Za-z0-9_-]{21}[AQgw]$/, 'base64url of 16 bytes');
/** Chosen by the task pane; an opaque label, never a name. */
export const CampaignId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 characters of [A-Za-z0-9_-]');
/**
 * Canonical unpadded base64url: whole quads, then optionally 2 or 3 characters whose unused low
 * bits are zero (so each byte string has exactly one spelling).
 */
export const Base64url = z
  .string()
  .regex(
    /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-][AQgw]|[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048])?$/,
    'canonical base64url',
  );
/** Base64url characters for `bytes` bytes. */
export const b64chars = (bytes: number) => Math.ceil((bytes * 4) / 3);
/** Canonical base64url in a request, decoded to bytes (the pattern already guarantees it decodes). */
export const Base64urlBytes = (minBytes: number, maxBytes?: number) => {
  const text = Base64url.min(b64chars(minBytes));
  return (maxBytes === undefined ? text : text.max(b64chars(maxBytes))).transform((s) => fromBase64url(s));
};

export const CampaignParams = z.strictObject({ campaignId: CampaignId });
export const SendParams = z.strictObject({ sendId: Id128 });

export const PutKeyBody = z.strictObject({
  /** The user's P-256 public key: uncompressed SEC1 point (65 bytes), base64url. */
  publicKey: Base64url.length(87),
  /** Replace only if this is the registered key id (null: only if none is registered); else 409. */
  expectedKeyId: Id128.nullable().optional(),
});
export const KeyResponse = z.strictObject({ keyId: z.string(), publicKey: Base64url, updatedAt: z.number() });

export const SendsBody = (maxSends: number) =>
  z.strictObject({
    sends: z
      .array(z.strictObject({ trackOpens: z.boolean() }))
      .min(1)
      .max(maxSends),
  });
export const SendsResponse = z.strictObject({
  sends: z.array(z.strictObject({ sendId: Id128, pixelUrl: z.url().nullable() })),
});

/** Query of a route that takes none: any parameter is refused. */
export const NoQuery = z.strictObject({});

export const EventsQuery = z.strictObject({
  /** The previous page's `next`; its format belongs to the store, so only length and charset here. */
  after: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{1,256}$/, '1-256 characters of [A-Za-z0-9._~-]')
    .optional(),
  /** Plain decimal 1-500: no sign, spaces, leading zeros, exponents or hex. */
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, 'decimal 1-500')
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .default(100),
});
export const EventJson = z.strictObject({
  eventId: Id128,
  sendId: Id128,
  kind: z.enum(['open', 'reply']),
  verdict: z.enum(['human', 'proxy', 'scanner']).nullable(),
  occurredAt: z.number(),
  /** Sealed event v1 (src/shared/sealed-event.ts), base64url. */
  sealed: Base64url,
});
export const EventsResponse = z.strictObject({ events: z.array(EventJson), next: z.string().nullable() });

export const ReplyBody = z.strictObject({
  /** Chosen by the task pane and bound into the sealed record's associated data; retries are idempotent. */
  eventId: Id128,
  /** Sealed event v1: 0x01 ‖ enc (a P-256 point) ‖ AES-256-GCM ciphertext ‖ tag; refused if it cannot be. */
  sealed: Base64urlBytes(MIN_SEALED_REPLY_BYTES, 12_288),
});
export const ReplyResponse = z.strictObject({ eventId: Id128, stored: z.boolean() });

export const PutStateBody = z.strictObject({
  /** The version the client last read; null to create. */
  expectedVersion: z.number().int().nonnegative().nullable(),
  /** State blob v1: 0x01 ‖ kid of the caller's registered key ‖ iv ‖ ciphertext ‖ tag; refused if it cannot be. */
  blob: Base64urlBytes(MIN_STATE_BLOB_BYTES),
});
export const PutStateResponse = z.strictObject({ version: z.number() });
export const ConflictResponse = z.strictObject({
  error: z.literal('version-conflict'),
  currentVersion: z.number().nullable(),
});
export const StateResponse = z.strictObject({
  campaignId: CampaignId,
  version: z.number(),
  blob: Base64url,
  updatedAt: z.number(),
});
export const CampaignsResponse = z.strictObject({
  campaigns: z.array(z.strictObject({ campaignId: CampaignId, version: z.number(), updatedAt: z.number() })),
});

export const Counts = z.strictObject({
  events: z.number(),
  sends: z.number(),
  campaignStates: z.number(),
  users: z.number(),
  tenants: z.number(),
  keyBackups: z.number(),
  approvals: z.number(),
  leases: z.number(),
  recoveryAttempts: z.number(),
});
export const DisconnectResponse = z.strictObject({ deleted: Counts });

export const ErrorResponse = z.object({ error: z.string() });
/** 400: the short code, and for schema failures the failing field paths (never their values). */
export const BadRequestResponse = z.strictObject({
  error: z.string(),
  fields: z.array(z.string()).optional(),
});
/** 429: the same wait as the Retry-After header, for callers that cannot read headers. */
export const RateLimitedResponse = z.strictObject({
  error: z.string(),
  retryAfterSeconds: z.number().int().positive(),
});
/** 429 `send-limit`: the daily cap, what may still be sent now, and the wait (null: the batch never fits). */
export const SendLimitResponse = z.strictObject({
  error: z.literal('send-limit'),
  limitPerDay: z.number().int().positive(),
  remaining: z.number().int().nonnegative(),
  retryAfterSeconds: z.number().int().positive().nullable(),
});
/** POST sends' 429: the request rate limit or the daily send cap. */
export const SendsTooManyResponse = z.union([RateLimitedResponse, SendLimitResponse]);
