/**
 * The personal recovery code: 128 random bits in Crockford base32, 26 characters, shown as
 * `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX`. Bits are written most significant first; the last character
 * carries the final 3 bits and two zero bits, so a code has exactly one spelling.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_CHARS = 26;
const CODE_BYTES = 16;

/** A fresh code, grouped by 4 for reading aloud and typing. */
export function generateRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_BYTES));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  out += ALPHABET[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)!.join('-');
}

/**
 * The code as typed → its 26 canonical characters, or null when it cannot be a code. Case does not
 * matter, spaces and dashes are ignored, I and L read as 1, O as 0 (Crockford's rules).
 */
export function normaliseRecoveryCode(input: string): string | null {
  const chars = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (chars.length !== RECOVERY_CODE_CHARS) return null;
  for (const c of chars) if (!ALPHABET.includes(c)) return null;
  // 26 × 5 = 130 bits: the last two must be the zero padding.
  if (ALPHABET.indexOf(chars[RECOVERY_CODE_CHARS - 1]!) & 3) return null;
  return chars;
}
