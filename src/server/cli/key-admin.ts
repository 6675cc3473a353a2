/**
 * The IT admin's key commands (docs/key-recovery-admin.md), run by admin.ts:
 *
 *   tenant recovery-key set <tid> <publicKey>       register the tenant recovery public key (P-256, base64url)
 *   tenant recovery-key clear <tid>                 remove it and the backups sealed to it
 *   backup export <tid> <oid>                       print a user's tenant backup (ciphertext only)
 *   backup import-recovery <tid> <oid> <file>       store a recovery backup made by the offline tool
 *
 * Nothing here can open a key: the tenant's private key never reaches Candor, and an imported
 * recovery backup is stored exactly as the pane's own (the verifier only as its SHA-256).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { publicKeyId } from '../../shared/sealed-event';
import { PutRecoveryBody } from '../api/key-schemas';
import { decodeBase64urlCanonical } from '../crypto/base64url';
import { isP256Point } from '../crypto/ciphertext-shape';
import type { Store } from '../store/store';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const KEY_USAGE = `  tenant recovery-key set <tid> <publicKey base64url>
  tenant recovery-key clear <tid>
  backup export <tid> <oid>
  backup import-recovery <tid> <oid> <file>`;

function guid(value: string | undefined, what: string): string {
  const v = value?.toLowerCase();
  if (!v || !GUID.test(v)) throw new Error(`${what} must be a GUID`);
  return v;
}

/** Runs a key command; false when `args` is not one (the caller prints its usage). */
export async function runKeyCommand(
  store: Store,
  args: string[],
  now: number,
  print: (line: string) => void,
): Promise<boolean> {
  const [noun, verb, ...rest] = args;
  if (noun === 'tenant' && verb === 'recovery-key') {
    const [action, tidArg, publicKey] = rest;
    const tid = guid(tidArg, 'tenant id');
    if (!(await store.getTenant(tid))) throw new Error(`tenant ${tid} is not onboarded`);
    if (action === 'set') {
      const raw = decodeBase64urlCanonical(publicKey ?? '', 65);
      if (!raw || !isP256Point(raw))
        throw new Error('the public key must be an uncompressed P-256 point (65 bytes), base64url');
      const point = new Uint8Array(raw);
      const keyId = await publicKeyId(point);
      await store.setTenantRecoveryKey(tid, { keyId, publicKey: point, updatedAt: now }, now);
      print(
        `tenant ${tid}: recovery key ${keyId} registered; each user's key is sealed to it the next time their Candor pane opens`,
      );
      return true;
    }
    if (action === 'clear') {
      const { deleted } = await store.setTenantRecoveryKey(tid, null, now);
      print(`tenant ${tid}: recovery key removed; ${deleted} backup(s) sealed to it deleted`);
      return true;
    }
    return false;
  }
  if (noun === 'backup' && verb === 'export') {
    const tid = guid(rest[0], 'tenant id');
    const oid = guid(rest[1], 'user object id');
    const tenant = (await store.getKeyBackups(tid, oid)).find((b) => b.kind === 'tenant');
    if (!tenant || tenant.kind !== 'tenant') throw new Error(`no tenant backup stored for ${oid}`);
    print(
      JSON.stringify({
        tid,
        oid,
        keyId: tenant.keyId,
        tenantKeyId: tenant.tenantKeyId,
        blob: Buffer.from(tenant.data).toString('base64url'),
      }),
    );
    return true;
  }
  if (noun === 'backup' && verb === 'import-recovery') {
    const tid = guid(rest[0], 'tenant id');
    const oid = guid(rest[1], 'user object id');
    if (!rest[2]) return false;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(rest[2], 'utf8'));
    } catch {
      throw new Error(`cannot read ${rest[2]} as JSON`);
    }
    const parsed = PutRecoveryBody.safeParse(json);
    if (!parsed.success)
      throw new Error('the file must hold { keyId, header, wrapped, verifier } from the recovery tool');
    const backup = parsed.data;
    const registered = (await store.getUser(tid, oid))?.key?.keyId ?? null;
    if (registered !== backup.keyId)
      throw new Error(
        `the backup is for key ${backup.keyId}, but the user's registered key is ${registered ?? 'none'}`,
      );
    await store.putKeyBackup(
      tid,
      oid,
      {
        kind: 'recovery',
        keyId: backup.keyId,
        header: backup.header,
        data: backup.wrapped,
        verifierHash: createHash('sha256').update(backup.verifier).digest(),
      },
      now,
    );
    print(
      `user ${oid}: recovery backup for key ${backup.keyId} stored; give the user their new recovery code`,
    );
    return true;
  }
  return false;
}
