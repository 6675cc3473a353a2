/**
 * The operator commands as an operator types them (`npm run admin -- …` runs this file with tsx):
 * onboard, list, end a contract, purge, and read the deletion records.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { publicKeyId } from '../../../src/shared/sealed-event';
import { createStore } from '../../../src/server/store/create-store';

const root = join(import.meta.dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'candor-admin-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const TID = '0a0b0c0d-1111-4222-8333-444455556666';

async function admin(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['src/server/cli/admin.ts', ...args],
      { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir } },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('npm run admin', () => {
  it('onboards, ends and purges a tenant, leaving a deletion record', async () => {
    expect((await admin('tenant', 'add', TID, '--contract-end', '2099-06-30')).out).toContain(
      'until 2099-06-30',
    );
    let list = await admin('tenant', 'list');
    expect(list.out).toMatch(new RegExp(`${TID}\\s+2099-06-30\\s+active\\s+2099-07-31`));

    // An end date far enough in the past is already due (2020 is a leap year: 1 Feb + 30 days).
    expect((await admin('tenant', 'end', TID, '2020-01-31')).out).toContain('purged from 2020-03-02');
    list = await admin('tenant', 'list');
    expect(list.out).toMatch(new RegExp(`${TID}\\s+2020-01-31\\s+purge-due`));

    const purge = await admin('purge', 'run');
    expect(purge.out).toContain(`purged ${TID}`);
    expect((await admin('tenant', 'list')).out).not.toContain(TID);
    const records = await admin('deletions', 'list');
    expect(records.out).toMatch(
      new RegExp(
        `tenant-purge\\s+${TID}\\s+\\{"events":0,"sends":0,"campaignStates":0,"users":0,"tenants":1,"keyBackups":0,"approvals":0,"leases":0,"recoveryAttempts":0\\}`,
      ),
    );
  }, 60_000);

  it('refuses malformed input with a usage message and a failing exit code', async () => {
    expect(await admin('tenant', 'add', 'not-a-guid')).toMatchObject({
      code: 1,
      out: expect.stringContaining('GUID'),
    });
    expect((await admin('tenant', 'end', TID, '2020-02-30')).code).toBe(1);
    const usage = await admin('frobnicate');
    expect(usage.code).toBe(1);
    expect(usage.out).toContain('usage: npm run admin');
  }, 60_000);

  it('registers and clears a tenant recovery key, exports a tenant backup, imports a recovery backup', async () => {
    const tid = '1a0b0c0d-1111-4222-8333-444455556666';
    const oid = '2b0b0c0d-1111-4222-8333-444455556666';
    expect((await admin('tenant', 'add', tid)).code).toBe(0);
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const point = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const tenantKeyId = await publicKeyId(point);
    // Not a point on the curve (or not canonical base64url): refused, nothing stored.
    const offCurve = Uint8Array.from([4, ...new Uint8Array(64).fill(1)]);
    const bad = await admin(
      'tenant',
      'recovery-key',
      'set',
      tid,
      Buffer.from(offCurve).toString('base64url'),
    );
    expect(bad).toMatchObject({ code: 1, out: expect.stringContaining('P-256 point') });
    const set = await admin('tenant', 'recovery-key', 'set', tid, Buffer.from(point).toString('base64url'));
    expect(set).toMatchObject({
      code: 0,
      out: expect.stringContaining(`recovery key ${tenantKeyId} registered`),
    });

    // A user whose pane sealed their key to the tenant key (what PUT /me/key/backups/tenant stores).
    const userPoint = new Uint8Array(
      await crypto.subtle.exportKey(
        'raw',
        (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']))
          .publicKey,
      ),
    );
    const keyId = await publicKeyId(userPoint);
    const blob = randomBytes(177);
    const file = join(dataDir, 'candor.sqlite');
    let store = await createStore(file);
    await store.migrate();
    await store.setUserKey(tid, oid, { keyId, key: { format: 'raw', raw: userPoint } }, Date.now());
    await store.putKeyBackup(tid, oid, { kind: 'tenant', keyId, tenantKeyId, data: blob }, Date.now());
    await store.close();

    const exported = await admin('backup', 'export', tid, oid);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.out)).toEqual({
      tid,
      oid,
      keyId,
      tenantKeyId,
      blob: blob.toString('base64url'),
    });

    // The offline tool's output for the recovered key, imported as the user's recovery backup.
    const verifier = randomBytes(32);
    const backup = {
      keyId,
      header: randomBytes(90).toString('base64url'),
      wrapped: randomBytes(124).toString('base64url'),
      verifier: verifier.toString('base64url'),
    };
    const backupFile = join(dataDir, 'recovery.json');
    writeFileSync(backupFile, JSON.stringify({ ...backup, keyId: 'AAAAAAAAAAAAAAAAAAAAAA' }));
    expect(await admin('backup', 'import-recovery', tid, oid, backupFile)).toMatchObject({
      code: 1,
      out: expect.stringContaining(`registered key is ${keyId}`),
    });
    writeFileSync(backupFile, JSON.stringify(backup));
    expect((await admin('backup', 'import-recovery', tid, oid, backupFile)).code).toBe(0);
    store = await createStore(file);
    await store.migrate();
    const recovery = (await store.getKeyBackups(tid, oid)).find((b) => b.kind === 'recovery');
    await store.close();
    expect(recovery).toMatchObject({ kind: 'recovery', keyId, header: backup.header });
    expect(Buffer.from(recovery!.data).toString('base64url')).toBe(backup.wrapped);
    expect(Buffer.from(recovery!.kind === 'recovery' ? recovery!.verifierHash : [])).toEqual(
      createHash('sha256').update(verifier).digest(),
    );

    const cleared = await admin('tenant', 'recovery-key', 'clear', tid);
    expect(cleared).toMatchObject({
      code: 0,
      out: expect.stringContaining('1 backup(s) sealed to it deleted'),
    });
    expect(await admin('backup', 'export', tid, oid)).toMatchObject({
      code: 1,
      out: expect.stringContaining('no tenant backup'),
    });
  }, 120_000);
});
