/**
 * The operator commands as an operator types them (`npm run admin -- …` runs this file with tsx):
 * onboard, list, end a contract, purge, and read the deletion records.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

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
});
