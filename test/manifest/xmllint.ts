import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referencePath } from '../support/reference';

/** Microsoft's manifest schemas ([MS-OWEMXML]); the root schema imports the other five. */
export const manifestXsd = referencePath('office-manifest-xsd', 'OfficeAppManifestV1_1.xsd');

export function xmllintVersion(): string | undefined {
  const r = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  return r.error ? undefined : (r.stderr || r.stdout).split('\n')[0];
}

export interface SchemaResult {
  valid: boolean;
  status: number | null;
  output: string;
}

/** Validates manifest XML offline against the XSDs (`--nonet`: never fetch anything). */
export function validateManifestXml(xml: string): SchemaResult {
  const dir = mkdtempSync(join(tmpdir(), 'candor-manifest-'));
  try {
    const file = join(dir, 'manifest.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', manifestXsd, file], {
      encoding: 'utf8',
    });
    if (r.error) throw r.error;
    return { valid: r.status === 0, status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
