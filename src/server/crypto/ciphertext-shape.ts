/**
 * The server cannot open what the task pane seals, but it can refuse what cannot be ciphertext:
 * a wrong version byte or length, an `enc` that is not a P-256 point, a state blob naming a key
 * the user never registered, or a "ciphertext" that reads as text. So a pane bug that uploads
 * plaintext fails loudly (400) instead of storing personal data in the clear.
 *
 * The text test: AES-GCM output is uniformly random, and the chance that 32 random bytes form
 * valid UTF-8 without control characters is about 2e-11 (about 0.46 per byte; a sealed reply has
 * 68 or more, about 1e-23); JSON, base64 or any other text is refused every time.
 */
import { ECDH } from 'node:crypto';
import {
  ENC_BYTES,
  KEY_ID_BYTES,
  SEALED_EVENT_V2,
  SEALED_EVENT_VERSION,
  TAG_BYTES,
  openPayloadSchema,
  replyPayloadSchema,
} from '../../shared/sealed-event';
import {
  STATE_BLOB_VERSION,
  STATE_HEADER_BYTES,
  STATE_KID_BYTES,
  STATE_TAG_BYTES,
} from '../../shared/state-blob';
import { encodeBase64url } from './base64url';

/** Why bytes were refused: `not-sealed` (cannot be ciphertext), `wrong-key` (names another key). */
export type ShapeProblem = 'not-sealed' | 'wrong-key';

/** The shortest reply payload the pane can seal (every string at its minimum). */
const MIN_REPLY_PLAINTEXT = JSON.stringify(
  replyPayloadSchema.parse({ subject: '', from: 'a@b', receivedAt: 0, ip: null }),
).length;
/** Smallest sealed reply (v1): version ‖ enc ‖ ciphertext of the shortest payload ‖ tag. */
export const MIN_SEALED_REPLY_BYTES = 1 + ENC_BYTES + MIN_REPLY_PLAINTEXT + TAG_BYTES;
/** Smallest sealed reply (v2): the same with the 16-byte key id after the version. */
export const MIN_SEALED_REPLY_BYTES_V2 = MIN_SEALED_REPLY_BYTES + KEY_ID_BYTES;
/** The shortest open payload (the pixel's), for events re-sealed after a key rotation. */
const MIN_OPEN_PLAINTEXT = JSON.stringify(
  openPayloadSchema.parse({ ip: null, at: 0, verdict: 'human' }),
).length;
/** Smallest v2 record of either kind: version ‖ key id ‖ enc ‖ shortest open payload ‖ tag. */
export const MIN_SEALED_EVENT_BYTES_V2 = 1 + KEY_ID_BYTES + ENC_BYTES + MIN_OPEN_PLAINTEXT + TAG_BYTES;
/** A state blob's ciphertext and tag: at least "{}" and the tag, and long enough to tell from text. */
const MIN_STATE_CIPHERTEXT = 32;
export const MIN_STATE_BLOB_BYTES = STATE_HEADER_BYTES + Math.max(MIN_STATE_CIPHERTEXT, 2 + STATE_TAG_BYTES);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes read as text (valid UTF-8, no control characters but tab and newlines). */
export function readsAsText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** True for a 65-byte uncompressed SEC1 point that lies on P-256. */
export function isP256Point(bytes: Uint8Array): boolean {
  if (bytes.length !== ENC_BYTES || bytes[0] !== 0x04) return false;
  try {
    ECDH.convertKey(bytes, 'prime256v1', undefined, undefined, 'uncompressed');
    return true;
  } catch {
    return false;
  }
}

/**
 * A sealed event as a reply upload carries it: format v2 (src/shared/sealed-event.ts) naming the
 * user's registered key id, or format v1 (old clients; it names no key). `registeredKeyId` is the
 * caller's registered key id (null: none registered); a v2 record naming any other key is one no
 * device holding the registered key can open, so it is refused as `wrong-key`. Callers should
 * always pass it; when it is left out (undefined), v2's key id is not checked.
 */
export function sealedReplyProblem(bytes: Uint8Array, registeredKeyId?: string | null): ShapeProblem | null {
  return eventShapeProblem(bytes, MIN_REPLY_PLAINTEXT, registeredKeyId, true);
}

/**
 * An event re-sealed by the pane after a key rotation (open or reply, PUT /events/:eventId): only
 * format v2, naming the caller's registered key id — a re-seal exists to move rows to that key.
 */
export function resealedEventProblem(bytes: Uint8Array, registeredKeyId: string | null): ShapeProblem | null {
  return eventShapeProblem(bytes, MIN_OPEN_PLAINTEXT, registeredKeyId, false);
}

function eventShapeProblem(
  bytes: Uint8Array,
  minPlaintext: number,
  registeredKeyId: string | null | undefined,
  acceptV1: boolean,
): ShapeProblem | null {
  const version = bytes[0];
  if (version !== SEALED_EVENT_V2 && !(acceptV1 && version === SEALED_EVENT_VERSION)) return 'not-sealed';
  const head = version === SEALED_EVENT_V2 ? 1 + KEY_ID_BYTES : 1;
  if (bytes.length < head + ENC_BYTES + minPlaintext + TAG_BYTES) return 'not-sealed';
  if (!isP256Point(bytes.subarray(head, head + ENC_BYTES))) return 'not-sealed';
  if (readsAsText(bytes.subarray(head + ENC_BYTES))) return 'not-sealed';
  if (version === SEALED_EVENT_V2 && registeredKeyId !== undefined) {
    if (registeredKeyId === null || encodeBase64url(bytes.subarray(1, head)) !== registeredKeyId) {
      return 'wrong-key';
    }
  }
  return null;
}

/**
 * A campaign state blob (src/shared/state-blob.ts). `keyId` is the caller's registered key id;
 * the pane derives the state key from that key pair, so a blob naming any other key (or written
 * before any key was registered) is one no device of this user can open.
 */
export function stateBlobProblem(bytes: Uint8Array, keyId: string | null): ShapeProblem | null {
  if (bytes.length < MIN_STATE_BLOB_BYTES || bytes[0] !== STATE_BLOB_VERSION) return 'not-sealed';
  if (readsAsText(bytes.subarray(STATE_HEADER_BYTES))) return 'not-sealed';
  if (keyId === null || encodeBase64url(bytes.subarray(1, 1 + STATE_KID_BYTES)) !== keyId) return 'wrong-key';
  return null;
}
