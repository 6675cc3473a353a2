/**
 * base64url (RFC 4648 §5, no padding) with a strict, canonical decoder. Node's own decoder is
 * lenient: it accepts padding, stray characters, and several spellings of the same bytes (the last
 * character's unused bits are ignored), which would let one token be written many ways.
 *
 * Same rules as src/shared/base64url.ts; this Buffer-based twin exists for the pixel's hot path
 * (every request decodes two ids), where atob/btoa string building costs several times more.
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes only the one canonical spelling; null for anything else (or the wrong length). */
export function decodeBase64urlCanonical(text: string, expectedBytes?: number): Buffer | null {
  if (expectedBytes !== undefined && text.length !== Math.ceil((expectedBytes * 4) / 3)) return null;
  if (text.length % 4 === 1 || !ALPHABET.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) return null;
  // Re-encoding rejects non-zero unused trailing bits, the only remaining ambiguity.
  return bytes.toString('base64url') === text ? bytes : null;
}
