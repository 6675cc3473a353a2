import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { productionManifest } from '../../webpack.config.js';
import { referenceDir } from '../support/reference';
import { readManifest } from './manifest-doc';
import { manifestXsd, validateManifestXml, xmllintVersion } from './xmllint';

const xsdAvailable = existsSync(manifestXsd);
if (!xsdAvailable) {
  console.warn(
    `Manifest XSDs not found at ${manifestXsd} (reference data ${referenceDir}; set CANDOR_REFERENCE_DIR): schema tests skipped`,
  );
}

const manifest = readManifest();

/** A copy of the manifest with one edit; the edit must actually change something. */
function broken(edit: (xml: string) => string): string {
  const out = edit(manifest);
  expect(out, 'the deliberate break did not change the manifest').not.toBe(manifest);
  return out;
}

describe.skipIf(!xsdAvailable)('manifest.xml against the [MS-OWEMXML] schemas (xmllint, offline)', () => {
  it('has xmllint available (Debian libxml2-utils; CI installs it)', () => {
    expect(xmllintVersion(), 'xmllint is missing: apt-get install -y libxml2-utils').toBeDefined();
  });

  it('validates', () => {
    const result = validateManifestXml(manifest);
    expect(result.output).toContain('validates');
    expect(result.valid).toBe(true);
  });

  it('still validates after the production URL and client id are written in', () => {
    const prod = productionManifest(manifest, {
      publicUrl: 'https://candor.contoso.com',
      clientId: '8a1c7e52-0d5f-4b7a-9e43-2f6b1c0d9e11',
    });
    expect(validateManifestXml(prod).valid).toBe(true);
  });

  it('rejects a manifest missing a required element (ProviderName)', () => {
    const result = validateManifestXml(broken((x) => x.replace(/<ProviderName>[^<]*<\/ProviderName>/, '')));
    expect(result.valid).toBe(false);
    expect(result.output).toMatch(/ProviderName/);
  });

  it('rejects elements out of order (Permissions before FormSettings)', () => {
    const result = validateManifestXml(
      broken((x) => {
        const permissions = x.match(/\s*<Permissions>[^<]*<\/Permissions>/)![0];
        return x
          .replace(permissions, '')
          .replace('<FormSettings>', `${permissions.trim()}\n  <FormSettings>`);
      }),
    );
    expect(result.valid).toBe(false);
    expect(result.output).toMatch(/Permissions|FormSettings/);
  });

  it('rejects a permission level that does not exist', () => {
    const result = validateManifestXml(
      broken((x) =>
        x.replace('<Permissions>ReadItem</Permissions>', '<Permissions>ReadEverything</Permissions>'),
      ),
    );
    expect(result.valid).toBe(false);
    expect(result.output).toMatch(/ReadEverything/);
  });

  it('rejects pinning in the VersionOverrides 1.0 part, which only 1.1 allows', () => {
    const result = validateManifestXml(
      broken((x) =>
        x.replace(
          /(<SourceLocation resid="Taskpane.Url"\/>)(\s*<\/Action>)/,
          '$1<SupportsPinning>true</SupportsPinning>$2',
        ),
      ),
    );
    expect(result.valid).toBe(false);
    expect(result.output).toMatch(/SupportsPinning/);
  });

  it('rejects a WebApplicationInfo Id that is not a GUID', () => {
    const result = validateManifestXml(
      broken((x) => x.replace(/<Id>c0ffee00-[^<]*<\/Id>/, '<Id>candor-client</Id>')),
    );
    expect(result.valid).toBe(false);
  });
});
