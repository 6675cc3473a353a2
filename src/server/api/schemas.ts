import { z } from 'zod';

/**
 * Request and response shapes of the task-pane API: the single source for validation (strict
 * objects, unknown keys rejected — no mass assignment) and for the OpenAPI document.
 */

/** 16 random bytes in canonical base64url (send and event ids). */
export const Id128 = z.string().regex(/^[A-Za-z0-9_-]{21}[AQgw]$/, 'base64url of 16 bytes');
/** Chosen by the task pane; an opaque label, never a name. */
export const CampaignId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 characters of [A-Za-z0-9_-]');
const Base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url');

export const CampaignParams = z.strictObject({ campaignId: CampaignId });
export const SendParams = z.strictObject({ sendId: Id128 });

export const PutKeyBody = z.strictObject({
  /** The user's P-256 public key: uncompressed SEC1 point (65 bytes), base64url. */
  publicKey: Base64url.length(87),
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

export const EventsQuery = z.strictObject({
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
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
  sealed: Base64url.min(1).max(16_384),
});
export const ReplyResponse = z.strictObject({ eventId: Id128, stored: z.boolean() });

export const PutStateBody = z.strictObject({
  /** The version the client last read; null to create. */
  expectedVersion: z.number().int().nonnegative().nullable(),
  /** Encrypted by the task pane; opaque here. */
  blob: Base64url.min(1),
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
});
export const DisconnectResponse = z.strictObject({ deleted: Counts });

export const ErrorResponse = z.object({ error: z.string() });
