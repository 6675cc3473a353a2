/**
 * The customer's offline recovery tool (`npm run recovery-tool -- <command>`), for the IT admin
 * who holds the tenant recovery key. It never talks to Candor: files in, files out.
 *
 *   keygen --out <dir>   create the tenant recovery key pair; the private key is written as a JWK
 *                        file (mode 0600) to keep offline; the public key is printed, to register
 *                        with `npm run admin -- tenant recovery-key set <tid> <publicKey>`.
 *   recover --private-key <file> --backup <export.json> --out <file>
 *                        open a user's tenant backup (from `npm run admin -- backup export`), and
 *                        wrap the key under a NEW recovery code (Argon2id, default parameters);
 *                        writes { keyId, header, wrapped, verifier } for
 *                        `npm run admin -- backup import-recovery`, and returns the code to give
 *                        the user, who enters it in Candor on their device.
 */
import { writeFile, readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { importKeyMaterial } from '../crypto/key-material';
import { generateRecoveryCode } from '../crypto/key-backup/recovery-code';
import { DEFAULT_KDF, wrapForRecovery, type RecoveryBackup } from '../crypto/key-backup/recovery-wrap';
import { openTenantBackup } from '../crypto/key-backup/tenant';
import { toBase64url } from '../shared/base64url';
import { publicKeyId } from '../shared/sealed-event';

export const PRIVATE_KEY_FILE = 'candor-tenant-recovery-key.jwk.json';
const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** A problem the admin can fix; the message says what to do. */
export class RecoveryToolError extends Error {
  override readonly name = 'RecoveryToolError';
}

export interface KeygenResult {
  privateKeyFile: string;
  /** base64url of the raw 65-byte public key: what `tenant recovery-key set` takes. */
  publicKey: string;
  /** base64url of the first 16 bytes of SHA-256 over the raw public key. */
  tenantKeyId: string;
}

export async function keygen(options: { out: string }): Promise<KeygenResult> {
  const pair = await crypto.subtle.generateKey(ECDH_P256, true, ['deriveBits']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const tenantKeyId = await publicKeyId(raw);
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  await mkdir(options.out, { recursive: true, mode: 0o700 });
  const privateKeyFile = join(options.out, PRIVATE_KEY_FILE);
  const body = JSON.stringify(
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid: tenantKeyId },
    null,
    2,
  );
  try {
    await writeFile(privateKeyFile, `${body}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RecoveryToolError(
        `${privateKeyFile} already exists. It may be the key your tenant's backups are sealed to: ` +
          'keep it, and choose another --out folder for a new key.',
      );
    }
    throw err;
  }
  return { privateKeyFile, publicKey: toBase64url(raw), tenantKeyId };
}

const jwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  d: z.string(),
});

const exportSchema = z.object({
  tid: z.string().min(1),
  oid: z.string().min(1),
  keyId: z.string().min(1),
  tenantKeyId: z.string().min(1),
  blob: z.string().min(1),
});

export interface RecoverResult {
  outFile: string;
  keyId: string;
  /** The new recovery code, to give to the user (grouped for reading). */
  code: string;
}

export async function recover(options: {
  privateKey: string;
  backup: string;
  out: string;
  /** Tests only; the tool always uses the defaults. */
  kdf?: { m: number; t: number; p: number };
}): Promise<RecoverResult> {
  const jwk = jwkSchema.safeParse(await readJson(options.privateKey, 'private key'));
  if (!jwk.success) throw new RecoveryToolError(`${options.privateKey} is not a P-256 private key (JWK).`);
  const { x, y, d } = jwk.data;
  let tenantKeyPair: CryptoKeyPair;
  let tenantKeyId: string;
  try {
    tenantKeyPair = {
      privateKey: await crypto.subtle.importKey(
        'jwk',
        { kty: 'EC', crv: 'P-256', x, y, d },
        ECDH_P256,
        false,
        ['deriveBits'],
      ),
      publicKey: await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y }, ECDH_P256, true, []),
    };
    tenantKeyId = await publicKeyId(
      new Uint8Array(await crypto.subtle.exportKey('raw', tenantKeyPair.publicKey)),
    );
  } catch {
    throw new RecoveryToolError(`${options.privateKey} is not a valid P-256 private key.`);
  }

  const parsed = exportSchema.safeParse(await readJson(options.backup, 'backup export'));
  if (!parsed.success) {
    throw new RecoveryToolError(
      `${options.backup} is not a backup export. Create one with: npm run admin -- backup export <tid> <oid>`,
    );
  }
  const backup = parsed.data;
  const identity = { tid: backup.tid, oid: backup.oid };

  let keyMaterial: Uint8Array;
  try {
    keyMaterial = await openTenantBackup(backup.blob, tenantKeyPair, identity, backup.keyId);
  } catch {
    throw new RecoveryToolError(
      backup.tenantKeyId !== tenantKeyId
        ? `This backup was sealed to tenant recovery key ${backup.tenantKeyId}, but ${options.privateKey} ` +
            `is key ${tenantKeyId}. Use the private key file whose id is ${backup.tenantKeyId}.`
        : 'The backup does not open with this key: it was altered or belongs to another user. ' +
            'Export it again with npm run admin -- backup export.',
    );
  }
  try {
    const key = await importKeyMaterial(identity, keyMaterial, 0);
    if (key.keyId !== backup.keyId) throw new Error('key id');
  } catch {
    throw new RecoveryToolError('The backup opened but does not hold the key it names. Export it again.');
  }

  const code = generateRecoveryCode();
  const wrapped: RecoveryBackup = await wrapForRecovery(
    keyMaterial,
    code,
    identity,
    backup.keyId,
    'code',
    options.kdf ?? DEFAULT_KDF,
    options.kdf ? { floor: { m: 8, t: 1 } } : {},
  );
  keyMaterial.fill(0);
  const body = JSON.stringify({ keyId: backup.keyId, ...wrapped }, null, 2);
  try {
    await writeFile(options.out, `${body}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RecoveryToolError(`${options.out} already exists; choose another --out file.`);
    }
    throw err;
  }
  return { outFile: options.out, keyId: backup.keyId, code };
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new RecoveryToolError(`Cannot read the ${what} file ${file}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RecoveryToolError(`The ${what} file ${file} is not JSON.`);
  }
}
