/**
 * Event-list cursors: opaque to the caller and bound to one user. The position inside is the
 * platform-wide event sequence, which must not leak (it counts every tenant's traffic), so the
 * cursor is that number sealed with AES-256-GCM under a server key, with (tid, oid) as associated
 * data: another user's cursor, or any changed byte, fails authentication and is refused.
 *
 * Layout (base64url): version 0x01 ‖ 12-byte nonce ‖ 8-byte sealed position ‖ 16-byte tag. The
 * nonce is derived from (tid, oid, position) with a second key (SIV style), so the same position
 * always gives the same cursor: a client that asks again gets back exactly the cursor it holds.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { decodeBase64urlCanonical } from '../crypto/base64url';
import { InvalidInputError } from './store';

const VERSION = 0x01;
const NONCE = 12;
const TAG = 16;
const LENGTH = 1 + NONCE + 8 + TAG;
export const CURSOR_KEY_BYTES = 32;

/** A refused cursor: another user's, altered, or from before cursors were sealed. */
export class InvalidCursorError extends InvalidInputError {}

export class CursorCodec {
  readonly #key: Buffer;
  readonly #nonceKey: Buffer;

  constructor(secret: Uint8Array) {
    if (secret.length !== CURSOR_KEY_BYTES) throw new Error(`cursor key must be ${CURSOR_KEY_BYTES} bytes`);
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
    this.#key = derive('candor event cursor: encryption');
    this.#nonceKey = derive('candor event cursor: nonce');
  }

  encode(tid: string, oid: string, seq: number | string | bigint): string {
    const position = Buffer.alloc(8);
    position.writeBigUInt64BE(BigInt(seq));
    const aad = boundTo(tid, oid);
    const nonce = createHmac('sha256', this.#nonceKey)
      .update(aad)
      .update(position)
      .digest()
      .subarray(0, NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(aad);
    const sealed = Buffer.concat([cipher.update(position), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The sequence number after which to list (decimal); '0' for no cursor. */
  decode(tid: string, oid: string, cursor: string | null | undefined): string {
    if (cursor === null || cursor === undefined || cursor === '') return '0';
    const bytes = decodeBase64urlCanonical(cursor, LENGTH);
    if (!bytes || bytes[0] !== VERSION) throw new InvalidCursorError('invalid cursor');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(1, 1 + NONCE));
      decipher.setAAD(boundTo(tid, oid));
      decipher.setAuthTag(bytes.subarray(LENGTH - TAG));
      const position = Buffer.concat([
        decipher.update(bytes.subarray(1 + NONCE, LENGTH - TAG)),
        decipher.final(),
      ]);
      return position.readBigUInt64BE().toString();
    } catch {
      throw new InvalidCursorError('invalid cursor');
    }
  }
}

const boundTo = (tid: string, oid: string) => Buffer.from(`candor-cursor-v1\u0000${tid}\u0000${oid}`, 'utf8');
