import { createHash } from 'node:crypto';

/** Stable 32-bit hash of a string (FNV-1a); prospects' default behaviour and IPs derive from it. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Deterministic identifiers shaped like Exchange's: a seeded counter hashed with SHA-256, so two runs
 * with the same seed and the same calls produce the same ids (reproducible property tests).
 */
export class IdSource {
  #seed: string;
  #counter = 0;

  constructor(seed: string) {
    this.#seed = seed;
  }

  bytes(label: string, length: number): Buffer {
    this.#counter += 1;
    const out = Buffer.alloc(length);
    for (let offset = 0, block = 0; offset < length; block++) {
      const digest = createHash('sha256').update(`${this.#seed}|${label}|${this.#counter}|${block}`).digest();
      offset += digest.copy(out, offset);
    }
    return out;
  }

  /** URL-safe base64 so ids can sit in a path without escaping. */
  b64(label: string, length: number): string {
    return this.bytes(label, length).toString('base64url');
  }

  hex(label: string, length: number): string {
    return this.bytes(label, length).toString('hex').slice(0, length);
  }

  /** Item ids look like `AAMkAG…AAA=` in Exchange Online. */
  messageId(): string {
    return `AAMkAG${this.b64('message', 48)}AAA=`;
  }

  folderId(): string {
    return `AAMkAG${this.b64('folder', 30)}AAAAAAEMAAA=`;
  }

  conversationId(): string {
    return `AAQkAG${this.b64('conversation', 36)}=`;
  }

  changeKey(): string {
    return `CQAAABYAAAA${this.b64('changeKey', 21)}`;
  }

  uuid(): string {
    const h = this.hex('uuid', 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  token(): string {
    return this.b64('token', 24);
  }
}
