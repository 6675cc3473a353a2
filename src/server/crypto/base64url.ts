/**
 * base64url (RFC 4648 §5, no padding) with a strict, canonical decoder. Node's own decoder is
 * lenient: it accepts padding, stray characters, and several spellings of the same bytes (the last
 * character's unused bits are ignored), which would let one token be written many ways.
 *
 * Same rules as src/shared/base64url.ts; this Buffer-based twin exists for the pixel's hot path
 * (every request decodes two ids), where atob/btoa string building costs several times more.
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each base64url character's 6-bit value, by char code. */
const VALUE = new Uint8Array(128);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes only the one canonical spelling; null for anything else (or the wrong length). */
export function decodeBase64urlCanonical(text: string, expectedBytes?: number): Buffer | null {
  if (expectedBytes !== undefined && text.length !== Math.ceil((expectedBytes * 4) / 3)) return null;
  const tail = text.length % 4;
  if (tail === 1 || !ALPHABET.test(text)) return null;
  // The last character's unused low bits (4 after 2 characters, 2 after 3) must be zero: the only
  // remaining ambiguity, checked without encoding the bytes again.
  if (tail !== 0 && (VALUE[text.charCodeAt(text.length - 1)]! & (tail === 2 ? 0x0f : 0x03)) !== 0)
    return null;
  // A fixed-size id gets its own small memory rather than a slice of Node's shared pool, so
  // posting it to a worker copies 16 bytes, not the pool's 8 KiB.
  const bytes =
    expectedBytes === undefined ? Buffer.from(text, 'base64url') : Buffer.allocUnsafeSlow(expectedBytes);
  if (expectedBytes !== undefined && bytes.write(text, 'base64url') !== expectedBytes) return null;
  return bytes;
}
