/**
 * The one definition of a sealed tracking event: the HPKE suite, the associated data that binds
 * a record to its row, the plaintext schemas, and the byte form stored by the server. The server
 * seals opens (src/server/pixel/seal.ts), the task pane seals replies and opens both
 * (src/crypto/*); all of them go through this file so the format cannot drift between them.
 *
 * Format v1, bytes (the server stores them as they are; the API carries them as base64url):
 *   0x01  version
 *   kid   16 bytes: first half of SHA-256 over the recipient's raw public key (which key it was sealed to)
 *   enc   HPKE encapsulated key (65 bytes, uncompressed P-256), shared by one sealing batch
 *   nonce 12 random bytes
 *   ct    AES-256-GCM(exported key, nonce, JSON payload, aad) with its 16-byte tag
 * where exported key = HPKE base-mode context (RFC 9180, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256,
 * AES-256-GCM) `.export(EXPORT_LABEL, 32)`. One context per batch costs one ECDH for the whole
 * batch; the RFC's secret-export interface (§5.3) lets each record open on its own, in any order,
 * which HPKE's sequence-numbered seal() would not once rows are paged, deduplicated or deleted.
 * Random nonces under one batch key are safe far beyond MAX_RECORDS_PER_BATCH.
 */
import { CipherSuite, DhkemP256HkdfSha256, HkdfSha256, Aes256Gcm } from '@hpke/core';
import { z } from 'zod';
import { fromBase64url, toBase64url } from './base64url';

export const SEALED_EVENT_VERSION = 1;
/** RFC 9180 identifiers of the suite, for documentation and crypto agility. */
export const SEALED_EVENT_SUITE = { kem: 0x0010, kdf: 0x0001, aead: 0x0002 } as const;
/** HPKE exporter context for the batch key. */
const EXPORT_LABEL = new TextEncoder().encode('candor/sealed-event/v1/batch-key');
const NONCE_BYTES = 12;
const ENC_BYTES = 65;
const KID_BYTES = 16;
const HEADER_BYTES = 1 + KID_BYTES + ENC_BYTES + NONCE_BYTES;
const TAG_BYTES = 16;
export const MAX_RECORDS_PER_BATCH = 1 << 20;

export function sealedEventSuite(): CipherSuite {
  return new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
}

export type SealedEventKind = 'open' | 'reply';

/** What a record is about. All of it goes into the AEAD's associated data. */
export interface EventBinding {
  kind: SealedEventKind;
  tid: string;
  oid: string;
  sendId: string;
  eventId: string;
}

/** Associated data: a JSON array is unambiguous whatever characters the ids contain. */
export function eventAad(b: EventBinding): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    JSON.stringify(['candor/event/v1', b.kind, b.tid, b.oid, b.sendId, b.eventId]),
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

/** Reply metadata read from headers in the task pane. `ip` is the connecting mail server's. */
export const replyPayloadSchema = z.strictObject({
  subject: z.string().max(2000),
  from: z.string().min(3).max(320),
  receivedAt: epochMs,
  ip,
});
export type ReplyPayload = z.infer<typeof replyPayloadSchema>;

export interface PayloadOf {
  open: OpenPayload;
  reply: ReplyPayload;
}

export const payloadSchemas = { open: openPayloadSchema, reply: replyPayloadSchema } as const;

/** `kid` of a raw (65-byte uncompressed) P-256 public key. */
export async function publicKeyId(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', rawPublicKey));
  return toBase64url(digest.subarray(0, KID_BYTES));
}

export interface RecipientPublicKey {
  key: CryptoKey;
  kid: string;
}

/**
 * Imports the raw public key a user registered: 65 bytes, or their base64url (what
 * PUT /api/v1/me/key carries).
 */
export async function importRecipientPublicKey(publicKey: string | Uint8Array): Promise<RecipientPublicKey> {
  const raw = typeof publicKey === 'string' ? fromBase64url(publicKey) : new Uint8Array(publicKey);
  if (raw.length !== ENC_BYTES || raw[0] !== 0x04)
    throw new TypeError('not an uncompressed P-256 public key');
  const key = await crypto.subtle.importKey('raw', raw, { name: 'ECDH', namedCurve: 'P-256' }, true, []);
  return { key, kid: await publicKeyId(raw) };
}

export interface EventSealer {
  /** Seals one record; the result is the v1 byte form. */
  seal<K extends SealedEventKind>(
    binding: EventBinding & { kind: K },
    payload: PayloadOf[K],
  ): Promise<Uint8Array<ArrayBuffer>>;
}

/** Starts a sealing batch to one recipient: one HPKE encapsulation, any number of records. */
export async function createEventSealer(recipient: RecipientPublicKey): Promise<EventSealer> {
  const context = await sealedEventSuite().createSenderContext({ recipientPublicKey: recipient.key });
  const key = await importBatchKey(await context.export(EXPORT_LABEL, 32), 'encrypt');
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = SEALED_EVENT_VERSION;
  header.set(fromBase64url(recipient.kid), 1);
  header.set(new Uint8Array(context.enc), 1 + KID_BYTES);
  let sealed = 0;
  return {
    async seal(binding, payload) {
      if (++sealed > MAX_RECORDS_PER_BATCH) throw new RangeError('sealing batch is full; start a new one');
      const plaintext = new TextEncoder().encode(JSON.stringify(payloadSchemas[binding.kind].parse(payload)));
      const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: nonce, additionalData: eventAad(binding) },
        key,
        plaintext,
      );
      const record = new Uint8Array(HEADER_BYTES + ct.byteLength);
      record.set(header);
      record.set(nonce, HEADER_BYTES - NONCE_BYTES);
      record.set(new Uint8Array(ct), HEADER_BYTES);
      return record;
    },
  };
}

export interface ParsedSealedEvent {
  kid: string;
  enc: Uint8Array<ArrayBuffer>;
  nonce: Uint8Array<ArrayBuffer>;
  ct: Uint8Array<ArrayBuffer>;
}

/** Splits the byte form; undefined when it is not a well-formed v1 record. */
export function parseSealedEvent(bytes: Uint8Array): ParsedSealedEvent | undefined {
  if (bytes.length < HEADER_BYTES + TAG_BYTES || bytes[0] !== SEALED_EVENT_VERSION) return undefined;
  const copy = (from: number, to?: number) => new Uint8Array(bytes.slice(from, to));
  return {
    kid: toBase64url(bytes.subarray(1, 1 + KID_BYTES)),
    enc: copy(1 + KID_BYTES, 1 + KID_BYTES + ENC_BYTES),
    nonce: copy(HEADER_BYTES - NONCE_BYTES, HEADER_BYTES),
    ct: copy(HEADER_BYTES),
  };
}

/**
 * Recovers the batch key for one `enc` with the recipient's key pair. The whole CryptoKeyPair is
 * passed on purpose: @hpke/core 1.9.0 given only a non-extractable P-256 private key derives the
 * wrong public key about half the time and fails to open (reference/security.md §3.8).
 */
export async function deriveBatchKey(
  recipient: CryptoKeyPair,
  enc: Uint8Array<ArrayBuffer>,
): Promise<CryptoKey> {
  const context = await sealedEventSuite().createRecipientContext({ recipientKey: recipient, enc });
  return importBatchKey(await context.export(EXPORT_LABEL, 32), 'decrypt');
}

/** Opens one record with its batch key; throws if the AAD or ciphertext does not match. */
export async function openWithBatchKey<K extends SealedEventKind>(
  batchKey: CryptoKey,
  record: ParsedSealedEvent,
  binding: EventBinding & { kind: K },
): Promise<PayloadOf[K]> {
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: record.nonce, additionalData: eventAad(binding) },
    batchKey,
    record.ct,
  );
  return payloadSchemas[binding.kind].parse(JSON.parse(new TextDecoder().decode(plaintext))) as PayloadOf[K];
}

function importBatchKey(secret: ArrayBuffer, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret, { name: 'AES-GCM' }, false, [usage]);
}
