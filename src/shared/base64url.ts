/**
 * Canonical base64url (RFC 4648 §5, no padding) for browser and Node alike. Decoding rejects
 * non-canonical spellings (stray bits in the last character alias to the same bytes), so a
 * value has exactly one text form — tokens and sealed records compare and dedupe safely.
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes canonical base64url; throws `TypeError` on anything else. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!ALPHABET.test(text) || text.length % 4 === 1) throw new TypeError('not base64url');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (toBase64url(bytes) !== text) throw new TypeError('non-canonical base64url');
  return bytes;
}
