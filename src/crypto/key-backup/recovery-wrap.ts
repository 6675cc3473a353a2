/**
 * The server-held recovery backup: the 96 bytes of key material (key-material.ts) wrapped under a
 * key derived from a secret only the user holds — the generated recovery code or a passphrase.
 *
 *   Argon2id(password = secret, salt, m, t, p, 64 bytes) = KEK (bytes 0..31) ‖ verifier (32..63)
 *   wrapped = IV (12) ‖ AES-256-GCM(KEK, d, AAD) ‖ tag (16)
 *   AAD     = JSON ["candor/key-backup/v1", tid, oid, keyId]
 *   header  = base64url(JSON { v: 1, keyId, secret: 'code' | 'passphrase', kdf })
 *
 * The server keeps header, wrapped and SHA-256(verifier); it releases `wrapped` only to a caller
 * who presents the verifier, with a per-user attempt limit. So a guess costs an Argon2id run and
 * an online attempt; with the database, an offline guess costs one Argon2id run per guess.
 *
 * The parameters travel in the header so they can be raised later. Because the header comes from
 * the server, a header below the floor (or above the ceiling a browser can run) is refused: a
 * malicious server cannot make the pane derive with cheap parameters and learn a fast verifier.
 * Argon2id (hash-wasm, WebAssembly) is loaded on demand, never in the pane's first load.
 */
import { z } from 'zod';
import { fromBase64url, toBase64url } from '../../shared/base64url';
import type { UserIdentity } from '../keys';
import { KEY_MATERIAL_BYTES, concatBytes, jsonAad } from '../key-material';
import { KeyBackupError } from './errors';
import { normaliseRecoveryCode } from './recovery-code';

export type RecoverySecretKind = 'code' | 'passphrase';

export interface KdfParams {
  alg: 'argon2id';
  v: 19;
  /** Memory in KiB. */
  m: number;
  t: number;
  p: number;
  /** base64url of 16 random bytes. */
  salt: string;
}

export interface RecoveryHeader {
  v: 1;
  keyId: string;
  secret: RecoverySecretKind;
  kdf: KdfParams;
}

export interface RecoveryBackup {
  /** base64url(JSON RecoveryHeader). */
  header: string;
  /** base64url(IV ‖ ciphertext ‖ tag), 124 bytes. */
  wrapped: string;
  /** base64url of 32 bytes; what the pane presents to unlock. The server stores only its hash. */
  verifier: string;
}

/** RFC 9106's second recommended option: 64 MiB, 3 passes, 1 lane. */
export const DEFAULT_KDF = { m: 65_536, t: 3, p: 1 } as const;
/** OWASP's minimum for Argon2id (19 MiB, 2 passes). Headers below it are refused. */
export const KDF_FLOOR = { m: 19_456, t: 2 } as const;
/** What a browser pane can be asked to run; larger headers are refused too. */
export const KDF_CEILING = { m: 262_144, t: 16, p: 4 } as const;

const IV_BYTES = 12;
const SALT_BYTES = 16;
export const WRAPPED_BYTES = IV_BYTES + KEY_MATERIAL_BYTES + 16;

export interface KdfOptions {
  /** Tests only: a lower floor so they can use small parameters. */
  floor?: { m: number; t: number };
}

const b64u = z.string().regex(/^[A-Za-z0-9_-]+$/);
const headerSchema = z.strictObject({
  v: z.literal(1),
  keyId: b64u.max(64),
  secret: z.enum(['code', 'passphrase']),
  kdf: z.strictObject({
    alg: z.literal('argon2id'),
    v: z.literal(19),
    m: z.number().int(),
    t: z.number().int(),
    p: z.number().int(),
    salt: b64u,
  }),
});

/** Parses a header from the server and enforces floor and ceiling; throws `bad-header`. */
export function parseRecoveryHeader(header: string, options: KdfOptions = {}): RecoveryHeader {
  let parsed: RecoveryHeader;
  try {
    parsed = headerSchema.parse(JSON.parse(new TextDecoder().decode(fromBase64url(header))));
  } catch {
    throw new KeyBackupError('bad-header', 'recovery header is not a Candor v1 header');
  }
  const floor = options.floor ?? KDF_FLOOR;
  const { m, t, p, salt } = parsed.kdf;
  const saltOk = (() => {
    try {
      return fromBase64url(salt).length === SALT_BYTES;
    } catch {
      return false;
    }
  })();
  if (
    !saltOk ||
    m < floor.m ||
    t < floor.t ||
    p < 1 ||
    m < 8 * p ||
    m > KDF_CEILING.m ||
    t > KDF_CEILING.t ||
    p > KDF_CEILING.p
  ) {
    throw new KeyBackupError(
      'bad-header',
      'recovery header asks for KDF parameters outside the allowed range',
    );
  }
  return parsed;
}

/** Wraps key material under a recovery secret; a fresh salt every time. */
export async function wrapForRecovery(
  d: Uint8Array,
  secret: string,
  identity: UserIdentity,
  keyId: string,
  kind: RecoverySecretKind,
  params: { m: number; t: number; p: number } = DEFAULT_KDF,
  options: KdfOptions = {},
): Promise<RecoveryBackup> {
  if (d.length !== KEY_MATERIAL_BYTES) throw new TypeError('key material must be 96 bytes');
  const header: RecoveryHeader = {
    v: 1,
    keyId,
    secret: kind,
    kdf: {
      alg: 'argon2id',
      v: 19,
      ...params,
      salt: toBase64url(crypto.getRandomValues(new Uint8Array(SALT_BYTES))),
    },
  };
  const headerText = toBase64url(new TextEncoder().encode(JSON.stringify(header)));
  parseRecoveryHeader(headerText, options); // the same rules the reader applies
  const { kek, verifier } = await derive(secret, header);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: backupAad(identity, keyId) },
    kek,
    new Uint8Array(d),
  );
  return { header: headerText, wrapped: toBase64url(concatBytes(iv, new Uint8Array(ct))), verifier };
}

/**
 * One Argon2id run with the header's parameters: the verifier to send to the server, and the key
 * to unwrap what it returns. Throws `bad-header` for a header outside the allowed range and
 * `invalid-code` when a code-kind secret is not a recovery code.
 */
export async function deriveVerifier(
  secret: string,
  header: string,
  identity: UserIdentity,
  options: KdfOptions = {},
): Promise<{ verifier: string; unwrap(wrapped: string): Promise<Uint8Array<ArrayBuffer>> }> {
  const parsed = parseRecoveryHeader(header, options);
  const { kek, verifier } = await derive(secret, parsed);
  return {
    verifier,
    async unwrap(wrapped) {
      try {
        const bytes = fromBase64url(wrapped);
        const d = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: bytes.slice(0, IV_BYTES),
            additionalData: backupAad(identity, parsed.keyId),
          },
          kek,
          bytes.slice(IV_BYTES),
        );
        return new Uint8Array(d);
      } catch {
        throw new KeyBackupError('does-not-open', 'recovery backup does not open with this secret');
      }
    },
  };
}

/** The secret as Argon2id sees it: a code's 26 canonical characters, a passphrase in NFKC. */
export function normaliseSecret(secret: string, kind: RecoverySecretKind): string {
  if (kind === 'passphrase') return secret.normalize('NFKC');
  const code = normaliseRecoveryCode(secret);
  if (code === null) throw new KeyBackupError('invalid-code', 'not a recovery code');
  return code;
}

async function derive(secret: string, header: RecoveryHeader): Promise<{ kek: CryptoKey; verifier: string }> {
  const { argon2id } = await import('hash-wasm');
  const out = await argon2id({
    password: normaliseSecret(secret, header.secret),
    salt: fromBase64url(header.kdf.salt),
    memorySize: header.kdf.m,
    iterations: header.kdf.t,
    parallelism: header.kdf.p,
    hashLength: 64,
    outputType: 'binary',
  });
  const kek = await crypto.subtle.importKey('raw', out.slice(0, 32), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  const verifier = toBase64url(out.subarray(32, 64));
  out.fill(0);
  return { kek, verifier };
}

function backupAad(identity: UserIdentity, keyId: string): Uint8Array<ArrayBuffer> {
  return jsonAad(['candor/key-backup/v1', identity.tid, identity.oid, keyId]);
}
