import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateKeyMaterial, importKeyMaterial } from '../../src/crypto/key-material';
import { sealToTenant } from '../../src/crypto/key-backup/tenant';
import { deriveVerifier, parseRecoveryHeader } from '../../src/crypto/key-backup/recovery-wrap';
import { normaliseRecoveryCode } from '../../src/crypto/key-backup/recovery-code';
import { PRIVATE_KEY_FILE, keygen, recover } from '../../src/recovery-tool/commands';
import { fromBase64url } from '../../src/shared/base64url';

const run = promisify(execFile);
const user = { tid: '11111111-2222-4333-8444-555555555555', oid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' };
const tool = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/recovery-tool/main.ts', ...args], { cwd: process.cwd() });

/** What `npm run admin -- backup export` prints for a user whose pane sealed a tenant backup. */
async function exportedBackup(dir: string, publicKey: string, tenantKeyId: string) {
  const { key, d } = await generateKeyMaterial(user, 0);
  const blob = await sealToTenant(d, publicKey, user, key.keyId);
  const file = join(dir, 'export.json');
  await writeFile(file, JSON.stringify({ ...user, keyId: key.keyId, tenantKeyId, blob }));
  return { key, d, file };
}

describe('offline recovery tool', () => {
  it('keygen then recover, as the IT admin runs them: the user opens their key with the new code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'candor-recovery-'));
    const keygenOut = await tool('keygen', '--out', dir);
    const publicKey = /recovery-key set <tid> ([A-Za-z0-9_-]+)/.exec(keygenOut.stdout)![1]!;
    const tenantKeyId = /Tenant recovery key id: ([A-Za-z0-9_-]+)/.exec(keygenOut.stdout)![1]!;
    expect(fromBase64url(publicKey)).toHaveLength(65);
    const keyFile = join(dir, PRIVATE_KEY_FILE);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(keyFile, 'utf8'))).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: tenantKeyId,
    });

    const { key, d, file } = await exportedBackup(dir, publicKey, tenantKeyId);
    const outFile = join(dir, 'import.json');
    const recoverOut = await tool('recover', '--private-key', keyFile, '--backup', file, '--out', outFile);
    const code = /\n {2}([0-9A-Z]{4}(?:-[0-9A-Z]{2,4}){6})\n/.exec(recoverOut.stdout)![1]!;
    expect(normaliseRecoveryCode(code)).not.toBeNull();
    expect(recoverOut.stdout).not.toContain(user.oid);

    const written = JSON.parse(await readFile(outFile, 'utf8')) as Record<string, string>;
    expect(Object.keys(written).sort()).toEqual(['header', 'keyId', 'verifier', 'wrapped']);
    expect(written.keyId).toBe(key.keyId);
    expect(parseRecoveryHeader(written.header!).kdf).toMatchObject({ m: 65_536, t: 3, p: 1 });
    // In the pane: the user types the code; the verifier unlocks, the key unwraps.
    const unlock = await deriveVerifier(code, written.header!, user);
    expect(unlock.verifier).toBe(written.verifier);
    const opened = await unlock.unwrap(written.wrapped!);
    expect(opened).toEqual(d);
    expect((await importKeyMaterial(user, opened, 0)).keyId).toBe(key.keyId);
  });

  it('says which key a backup needs when given another tenant key, and never overwrites files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'candor-recovery-'));
    const right = await keygen({ out: join(dir, 'right') });
    const wrong = await keygen({ out: join(dir, 'wrong') });
    await expect(keygen({ out: join(dir, 'right') })).rejects.toThrow(/already exists/);
    const { file } = await exportedBackup(dir, right.publicKey, right.tenantKeyId);
    const out = join(dir, 'import.json');
    await expect(
      recover({ privateKey: wrong.privateKeyFile, backup: file, out, kdf: { m: 64, t: 1, p: 1 } }),
    ).rejects.toThrow(`sealed to tenant recovery key ${right.tenantKeyId}`);
    await recover({ privateKey: right.privateKeyFile, backup: file, out, kdf: { m: 64, t: 1, p: 1 } });
    await expect(
      recover({ privateKey: right.privateKeyFile, backup: file, out, kdf: { m: 64, t: 1, p: 1 } }),
    ).rejects.toThrow(/already exists/);
  });

  it('refuses a backup moved to another user or altered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'candor-recovery-'));
    const tenant = await keygen({ out: dir });
    const { file } = await exportedBackup(dir, tenant.publicKey, tenant.tenantKeyId);
    const exported = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    const moved = join(dir, 'moved.json');
    await writeFile(moved, JSON.stringify({ ...exported, oid: 'ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee' }));
    await expect(
      recover({
        privateKey: tenant.privateKeyFile,
        backup: moved,
        out: join(dir, 'a.json'),
        kdf: { m: 64, t: 1, p: 1 },
      }),
    ).rejects.toThrow(/does not open/);
    await writeFile(moved, '{"not":"an export"}');
    await expect(
      recover({ privateKey: tenant.privateKeyFile, backup: moved, out: join(dir, 'b.json') }),
    ).rejects.toThrow(/backup export/);
  });
});
