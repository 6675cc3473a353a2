/**
 * What a re-sealed event (PUT /events/:eventId, after a key rotation) must look like: sealed event
 * v2, `0x02 ‖ keyId (16) ‖ enc (65, a P-256 point) ‖ ciphertext ‖ tag`, naming the caller's
 * registered key. A re-seal is always to the current key, so v1 (which names no key) is refused.
 *
 * Local to this route until ciphertext-shape.ts learns v2 (issue #9 moves the general check there);
 * the rules are the same as that file's: refuse what cannot be ciphertext, or names another key.
 */
import { ENC_BYTES, TAG_BYTES } from '../../shared/sealed-event';
import { encodeBase64url } from './base64url';
import { isP256Point, readsAsText, type ShapeProblem } from './ciphertext-shape';

export const SEALED_EVENT_V2 = 0x02;
const KEY_ID_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + ENC_BYTES;
/** At least a tag and enough ciphertext to tell from text (the shortest open payload is longer). */
export const MIN_RESEALED_EVENT_BYTES = HEADER_BYTES + 16 + TAG_BYTES;

export function resealedEventProblem(bytes: Uint8Array, keyId: string | null): ShapeProblem | null {
  if (bytes.length < MIN_RESEALED_EVENT_BYTES || bytes[0] !== SEALED_EVENT_V2) return 'not-sealed';
  if (!isP256Point(bytes.subarray(1 + KEY_ID_BYTES, HEADER_BYTES))) return 'not-sealed';
  if (readsAsText(bytes.subarray(HEADER_BYTES))) return 'not-sealed';
  if (keyId === null || encodeBase64url(bytes.subarray(1, 1 + KEY_ID_BYTES)) !== keyId) return 'wrong-key';
  return null;
}
