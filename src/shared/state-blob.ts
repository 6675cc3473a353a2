/**
 * The byte layout of an encrypted campaign state blob, shared by the task pane's cipher
 * (src/crypto/state-cipher.ts, which owns the key and the associated data) and the server, which
 * cannot open a blob but refuses what cannot be one (src/server/crypto/ciphertext-shape.ts).
 *
 * Blob v1: 0x01 ‖ kid (16) ‖ iv (12) ‖ AES-256-GCM ciphertext ‖ tag (16)
 */
export const STATE_BLOB_VERSION = 0x01;
export const STATE_KID_BYTES = 16;
export const STATE_IV_BYTES = 12;
export const STATE_HEADER_BYTES = 1 + STATE_KID_BYTES + STATE_IV_BYTES;
export const STATE_TAG_BYTES = 16;
