/**
 * The one definition of a sealed tracking event as the task pane sees it: the HPKE suite, the
 * associated data that binds a record to its row, the plaintext schemas, and the byte form the
 * server stores. The task pane seals replies and opens both kinds through this file; the pixel's
 * sealer (src/server/pixel/seal.ts, on src/server/crypto/sealed-event.ts) writes the same bytes —
 * test/crypto/format-compat.test.ts holds the two together.
 *
 * Format v2: 0x02 ‖ keyId (16 raw bytes) ‖ enc (65 bytes) ‖ AES-256-GCM ciphertext ‖ tag (16)
 * Format v1: 0x01 ‖ enc (65 bytes) ‖ AES-256-GCM ciphertext ‖ tag (16)   (read, no longer written)
 *   keyId   the first 16 bytes of SHA-256 over the recipient's raw public key (publicKeyId), so a
 *           reader holding several keys (rotation, a recovered key) picks the right one, and
 *           "sealed to another key" is a fact, not a guess. It is not in the AAD: a wrong id only
 *           picks a key that does not open the record.
 *   group   HPKE base mode, RFC 9180: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. One
 *           sender context per group of events (one ECDH); its exported secret (§5.3, context
 *           "candor/event-group/v1", 32 bytes) is the group secret. `enc` is shared by the group.
 *   event   key = HKDF-SHA256(ikm = group secret, salt = empty, info = AAD), AES-256-GCM with a
 *           zero nonce — every key encrypts exactly one message, so the nonce never repeats.
 *   AAD     "candor/event/v1" ‖ JSON [tid, oid, sendId, eventId]: a row moved to another user,
 *           send or event derives a different key and does not open.
 * Why not the HPKE context's own seal(): its nonces are a sequence, so event k would only open
 * after 0..k-1; per-event keys open in any order once rows are paged, deduplicated or deleted.
 * The kind (open/reply) is not in the AAD; the payload schemas differ, so a relabelled row fails
 * validation instead.
 */
import { CipherSuite, DhkemP256HkdfSha256, HkdfSha256, Aes256Gcm } from '@hpke/core';
import { z } from 'zod';
import { fromBase64url, toBase64url } from './base64url';

/** Format v1 (no key id). Still read; the server still accepts it from old clients. */
export const SEALED_EVENT_VERSION = 0x01;
/** Format v2: the record names its recipient's key id. Written by every sealer. */
export const SEALED_EVENT_V2 = 0x02;
export const KEY_ID_BYTES = 16;
/** RFC 9180 identifiers of the suite, for documentation and crypto agility. */
export const SEALED_EVENT_SUITE = { kem: 0x0010, kdf: 0x0001, aead: 0x0002 } as const;
export const GROUP_EXPORT_CONTEXT = new TextEncoder().encode('candor/event-group/v1');
export const GROUP_SECRET_BYTES = 32;
export const ENC_BYTES = 65;
export const TAG_BYTES = 16;
export const ZERO_NONCE = new Uint8Array(12);

export function sealedEventSuite(): CipherSuite {
  return new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
}

export type SealedEventKind = 'open' | 'reply';

/** The row a record belongs to; all four ids go into the associated data. */
export interface EventIds {
  tid: string;
  oid: string;
  sendId: string;
  eventId: string;
}

/** The row plus its kind, which picks the payload schema. */
export interface EventBinding extends EventIds {
  kind: SealedEventKind;
}

/** Associated data: a JSON array is unambiguous whatever characters the ids contain. */
export function eventAad(ids: EventIds): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    `candor/event/v1${JSON.stringify([ids.tid, ids.oid, ids.sendId, ids.eventId])}`,
  );
}

const ip = z.string().min(2).max(45).nullable();
const epochMs = z.number().int().nonnegative();

/** An open of the tracking pixel, as judged at intake. */
export const openPayloadSchema = z.strictObject({
  ip,
  at: epochMs,
  verdict: z.enum(['human', 'proxy', 'scanner']),
});
export type OpenPayload = z.infer<typeof openPayloadSchema>;

/**
 * Reply metadata read from headers in the task pane. `ip` is the connecting mail server's. The
 * personal fields are exactly subject, from, receivedAt and ip; the rest says what reply sync made
 * of the message (src/core/replies) and is optional so records sealed before it still open.
 */
export const replyPayloadSchema = z.strictObject({
  subject: z.string().max(2000),
  from: z.string().min(3).max(320),
  receivedAt: epochMs,
  ip,
  kind: z.enum(['reply', 'bounce', 'out-of-office']).optional(),
  confidence: z.enum(['high', 'medium', 'low']).optional(),
  matchedBy: z.enum(['conversation', 'headers', 'address-subject']).optional(),
  statusCode: z
    .string()
    .regex(/^[245]\.\d{1,3}\.\d{1,3}$/)
    .nullable()
    .optional(),
});
export type ReplyPayload = z.infer<typeof replyPayloadSchema>;

export interface PayloadOf {
  open: OpenPayload;
  reply: ReplyPayload;
}

export const payloadSchemas = { open: openPayloadSchema, reply: replyPayloadSchema } as const;

/** Key id of a raw (65-byte uncompressed) P-256 public key: first 16 bytes of its SHA-256. */
export async function publicKeyId(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', rawPublicKey));
  return toBase64url(digest.subarray(0, KEY_ID_BYTES));
}

export interface RecipientPublicKey {
  key: CryptoKey;
  kid: string;
}

/**
 * Imports the raw public key a user registered: 65 bytes, or their base64url (what
 * PUT /api/v1/me/key carries). Import checks the point is on the curve.
 */
export async function importRecipientPublicKey(publicKey: string | Uint8Array): Promise<RecipientPublicKey> {
  const raw = typeof publicKey === 'string' ? fromBase64url(publicKey) : new Uint8Array(publicKey);
  if (raw.length !== ENC_BYTES || raw[0] !== 0x04)
    throw new TypeError('not an uncompressed P-256 public key');
  const key = await crypto.subtle.importKey('raw', raw, { name: 'ECDH', namedCurve: 'P-256' }, true, []);
  return { key, kid: await publicKeyId(raw) };
}

export interface EventSealer {
  /** Seals one record into the v2 byte form (v1 when asked). The payload is validated first. */
  seal<K extends SealedEventKind>(
    binding: EventBinding & { kind: K },
    payload: PayloadOf[K],
  ): Promise<Uint8Array<ArrayBuffer>>;
}

/**
 * Starts a group to one recipient: one HPKE encapsulation, any number of records. Records name the
 * recipient's key id (format v2); pass `kid` when known, else it is computed from the public key.
 * `version: 1` writes the old format, for tests of readers that must keep accepting it.
 */
export async function createEventSealer(
  recipient: { key: CryptoKey; kid?: string },
  options: { version?: 1 | 2 } = {},
): Promise<EventSealer> {
  const { enc, secret } = await startEventGroup(recipient.key);
  const groupKey = await importGroupSecret(secret);
  const kid =
    options.version === 1
      ? undefined
      : fromBase64url(
          recipient.kid ??
            (await publicKeyId(new Uint8Array(await crypto.subtle.exportKey('raw', recipient.key)))),
        );
  return {
    async seal(binding, payload) {
      const plaintext = new TextEncoder().encode(JSON.stringify(payloadSchemas[binding.kind].parse(payload)));
      const aad = eventAad(binding);
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: ZERO_NONCE, additionalData: aad },
        await eventKey(groupKey, aad, 'encrypt'),
        plaintext,
      );
      return sealedEventBytes(enc, new Uint8Array(ct), kid);
    },
  };
}

/** One HPKE encapsulation: the enc every record of the group carries, and the group secret. */
export async function startEventGroup(
  recipientPublicKey: CryptoKey,
): Promise<{ enc: Uint8Array<ArrayBuffer>; secret: Uint8Array<ArrayBuffer> }> {
  const context = await sealedEventSuite().createSenderContext({ recipientPublicKey });
  const secret = await context.export(GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES);
  return { enc: new Uint8Array(context.enc), secret: new Uint8Array(secret) };
}

/**
 * The stored byte form of one record: v2 (version ‖ keyId ‖ enc ‖ ciphertext with its tag) when
 * the 16-byte key id is given, else v1 (version ‖ enc ‖ ciphertext with its tag).
 */
export function sealedEventBytes(
  enc: Uint8Array,
  ciphertext: Uint8Array,
  keyId?: Uint8Array,
): Uint8Array<ArrayBuffer> {
  if (keyId !== undefined && keyId.length !== KEY_ID_BYTES) throw new TypeError('key id must be 16 bytes');
  const head = keyId ? 1 + KEY_ID_BYTES : 1;
  const record = new Uint8Array(head + ENC_BYTES + ciphertext.length);
  record[0] = keyId ? SEALED_EVENT_V2 : SEALED_EVENT_VERSION;
  if (keyId) record.set(keyId, 1);
  record.set(enc, head);
  record.set(ciphertext, head + ENC_BYTES);
  return record;
}

export interface ParsedSealedEvent {
  version: 1 | 2;
  /** base64url of the recipient's key id (v2); null for v1, which does not say. */
  keyId: string | null;
  enc: Uint8Array<ArrayBuffer>;
  ct: Uint8Array<ArrayBuffer>;
}

/** Splits the byte form; undefined when it is not a well-formed v1 or v2 record. */
export function parseSealedEvent(bytes: Uint8Array): ParsedSealedEvent | undefined {
  const version = bytes[0];
  if (version !== SEALED_EVENT_VERSION && version !== SEALED_EVENT_V2) return undefined;
  const head = version === SEALED_EVENT_V2 ? 1 + KEY_ID_BYTES : 1;
  if (bytes.length < head + ENC_BYTES + TAG_BYTES) return undefined;
  return {
    version: version === SEALED_EVENT_V2 ? 2 : 1,
    keyId: version === SEALED_EVENT_V2 ? toBase64url(bytes.subarray(1, head)) : null,
    enc: new Uint8Array(bytes.slice(head, head + ENC_BYTES)),
    ct: new Uint8Array(bytes.slice(head + ENC_BYTES)),
  };
}

/**
 * Recovers a group's secret for one `enc` with the recipient's key pair, as a non-extractable
 * HKDF key. The whole CryptoKeyPair is passed on purpose: @hpke/core 1.9.0 given only a
 * non-extractable P-256 private key derives the wrong public key about half the time and fails
 * to open (reference/security.md §3.8).
 */
export async function deriveGroupKey(
  recipient: CryptoKeyPair,
  enc: Uint8Array<ArrayBuffer>,
): Promise<CryptoKey> {
  const context = await sealedEventSuite().createRecipientContext({ recipientKey: recipient, enc });
  return importGroupSecret(await context.export(GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES));
}

/** Opens one record with its group key; throws if the row binding, ciphertext or payload is wrong. */
export async function openWithGroupKey<K extends SealedEventKind>(
  groupKey: CryptoKey,
  record: Pick<ParsedSealedEvent, 'ct'>,
  binding: EventBinding & { kind: K },
): Promise<PayloadOf[K]> {
  const aad = eventAad(binding);
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: ZERO_NONCE, additionalData: aad },
    await eventKey(groupKey, aad, 'decrypt'),
    record.ct,
  );
  return payloadSchemas[binding.kind].parse(JSON.parse(new TextDecoder().decode(plaintext))) as PayloadOf[K];
}

export function importGroupSecret(secret: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
}

/** The per-event AES-256-GCM key: HKDF-SHA256(group secret, salt = empty, info = AAD). */
export function eventKey(
  groupKey: CryptoKey,
  aad: Uint8Array<ArrayBuffer>,
  usage: 'encrypt' | 'decrypt',
): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: aad },
    groupKey,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}
