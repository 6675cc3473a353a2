/**
 * Pixel tokens: `v1.<kid>.<send id>.<tag>`, where the send id is 16 random bytes and the tag is
 * HMAC-SHA256(key[kid], "candor-pixel|v1|<kid>|" ‖ send id) truncated to 16 bytes, both in canonical
 * base64url. Nothing personal is in the URL; forged or garbled tokens are dropped before any
 * database work. The key id lets keys rotate: new tokens use the current key, older keys keep
 * verifying the mail already sent.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64urlCanonical, encodeBase64url } from '../crypto/base64url';

export const SEND_ID_BYTES = 16;
const TAG_BYTES = 16;
const KID = /^[a-z0-9]{1,16}$/;
export const isValidKid = (kid: string): boolean => KID.test(kid);
export const MIN_KEY_BYTES = 32;

export interface PixelKey {
  kid: string;
  secret: Uint8Array;
}

/** A fresh send id: 128 bits from the CSPRNG (not a UUID, which carries only 122). */
export const newSendId = (): string => encodeBase64url(randomBytes(SEND_ID_BYTES));

export class PixelKeyRing {
  readonly currentKid: string;
  readonly #keys: Map<string, Buffer>;

  constructor(keys: readonly PixelKey[], currentKid: string) {
    this.#keys = new Map();
    for (const k of keys) {
      if (!KID.test(k.kid)) throw new Error(`pixel key id must match ${KID}`);
      if (k.secret.length < MIN_KEY_BYTES)
        throw new Error(`pixel key ${k.kid} is shorter than ${MIN_KEY_BYTES} bytes`);
      if (this.#keys.has(k.kid)) throw new Error(`pixel key id ${k.kid} is listed twice`);
      this.#keys.set(k.kid, Buffer.from(k.secret));
    }
    if (!this.#keys.has(currentKid)) throw new Error('the current pixel key id is not in the key ring');
    this.currentKid = currentKid;
  }

  get kids(): string[] {
    return [...this.#keys.keys()];
  }

  /** The token for a send id (canonical base64url of 16 bytes), signed with the current key. */
  mint(sendId: string): string {
    const id = decodeBase64urlCanonical(sendId, SEND_ID_BYTES);
    if (!id) throw new Error('send id must be canonical base64url of 16 bytes');
    const tag = this.#tag(this.currentKid, this.#keys.get(this.currentKid) as Buffer, id);
    return `v1.${this.currentKid}.${sendId}.${encodeBase64url(tag)}`;
  }

  /** The send id if the token is exactly one this ring (or an older key in it) minted; else null. */
  verify(token: string): string | null {
    return this.verifyId(token)?.sendId ?? null;
  }

  /** As verify, with the send id's 16 bytes as decoded for the check (the pixel stores them as is). */
  verifyId(token: string): { sendId: string; id: Buffer } | null {
    if (token.length > 100) return null;
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return null;
    const [, kid, sendId, tagText] = parts as [string, string, string, string];
    const key = this.#keys.get(kid);
    if (!key) return null;
    const id = decodeBase64urlCanonical(sendId, SEND_ID_BYTES);
    const tag = decodeBase64urlCanonical(tagText, TAG_BYTES);
    if (!id || !tag) return null;
    return timingSafeEqual(tag, this.#tag(kid, key, id)) ? { sendId, id } : null;
  }

  #tag(kid: string, key: Buffer, id: Buffer): Buffer {
    return createHmac('sha256', key)
      .update(`candor-pixel|v1|${kid}|`)
      .update(id)
      .digest()
      .subarray(0, TAG_BYTES);
  }
}
