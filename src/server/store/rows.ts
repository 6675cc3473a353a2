/** Row mapping shared by both backends: ids as bytes, key material, counts and limits. */
import { decodeBase64urlCanonical, encodeBase64url } from '../crypto/base64url';
import { InvalidInputError, type PublicKeyMaterial, type TableCounts, type UserKey } from './store';

export const ID_BYTES = 16;

export function idToBytes(id: string, what: string): Buffer {
  const bytes = decodeBase64urlCanonical(id, ID_BYTES);
  if (!bytes) throw new InvalidInputError(`${what} must be base64url of ${ID_BYTES} bytes`);
  return bytes;
}

/** An event row's send and event ids as bytes: the ones it carries, else decoded from the text. */
export function eventIdColumns(e: {
  sendId: string;
  eventId: string;
  idBytes?: { sendId: Uint8Array; eventId: Uint8Array };
}): { sendId: Buffer; eventId: Buffer } {
  if (!e.idBytes) return { sendId: idToBytes(e.sendId, 'sendId'), eventId: idToBytes(e.eventId, 'eventId') };
  const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return { sendId: view(e.idBytes.sendId), eventId: view(e.idBytes.eventId) };
}

export const bytesToId = (bytes: Uint8Array): string => encodeBase64url(bytes);

export function keyToColumns(key: PublicKeyMaterial): { format: 'raw' | 'jwk'; material: Buffer } {
  if (key.format === 'raw') {
    if (key.raw.length !== 65 || key.raw[0] !== 0x04) {
      throw new InvalidInputError('raw key must be an uncompressed P-256 point (65 bytes)');
    }
    return { format: 'raw', material: Buffer.from(key.raw) };
  }
  const { kty, crv, x, y } = key.jwk;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw new InvalidInputError('JWK must be a public EC P-256 key');
  }
  // Only the public members are kept, whatever else the caller sent.
  return { format: 'jwk', material: Buffer.from(JSON.stringify({ kty, crv, x, y }), 'utf8') };
}

export function columnsToKey(
  keyId: string | null,
  format: string | null,
  material: Uint8Array | null,
  updatedAt: number | string | null,
): UserKey | null {
  if (keyId === null || format === null || material === null || updatedAt === null) return null;
  const key: PublicKeyMaterial =
    format === 'raw'
      ? { format: 'raw', raw: new Uint8Array(material) }
      : { format: 'jwk', jwk: JSON.parse(Buffer.from(material).toString('utf8')) as JsonWebKey };
  return { keyId, key, updatedAt: Number(updatedAt) };
}

export const sumCounts = (c: TableCounts): number =>
  c.events +
  c.sends +
  c.campaignStates +
  c.users +
  c.tenants +
  c.keyBackups +
  c.approvals +
  c.leases +
  c.recoveryAttempts;

export function checkLimit(limit: number, max = 1000): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new InvalidInputError(`limit must be an integer in 1..${max}`);
  }
  return limit;
}
