import { spawnSync } from 'node:child_process';
import { validateManifestXml as validate, type SchemaResult } from '../../scripts/manifest';
import { referencePath } from '../support/reference';

/** Microsoft's manifest schemas ([MS-OWEMXML]); the root schema imports the other five. */
export const manifestXsd = referencePath('office-manifest-xsd', 'OfficeAppManifestV1_1.xsd');

export function xmllintVersion(): string | undefined {
  const r = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  return r.error ? undefined : (r.stderr || r.stdout).split('\n')[0];
}

export function validateManifestXml(xml: string): SchemaResult {
  return validate(xml, manifestXsd);
}
