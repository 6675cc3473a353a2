/**
 * Deployment helpers for IT (docs/deploy.md):
 *
 *   tsx scripts/manifest.ts validate [manifest.xml]   offline XSD check with xmllint (XSDs under CANDOR_REFERENCE_DIR)
 *   tsx scripts/manifest.ts consent-url               the tenant-wide admin consent link
 *                                                     (CANDOR_CLIENT_ID, CANDOR_PUBLIC_URL, CANDOR_API_APP_ID_URI)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GRAPH_SCOPES, apiScope } from '../src/shared/scopes';
import { repoRoot } from './repo-root';

/** OpenID Connect scopes are named bare; Graph permissions by their resource URL. */
const OIDC_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);

export interface ConsentSettings {
  clientId: string;
  publicUrl: string;
  appIdUri?: string;
}

/**
 * The admin consent URL: one administrator consents for the whole tenant to exactly the Graph
 * permissions Candor requests plus Candor's own API scope, then lands on a static Candor page.
 */
export function adminConsentUrl({ clientId, publicUrl, appIdUri }: ConsentSettings): string {
  const origin = new URL(publicUrl).origin;
  const scopes = [
    ...GRAPH_SCOPES.map((s) => (OIDC_SCOPES.has(s) ? s : `https://graph.microsoft.com/${s}`)),
    apiScope(appIdUri ?? `api://${new URL(origin).host}/${clientId}`),
  ];
  const url = new URL('https://login.microsoftonline.com/organizations/v2.0/adminconsent');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('redirect_uri', `${origin}/assets/admin-consent.html`);
  return url.href;
}

export interface SchemaResult {
  valid: boolean;
  status: number | null;
  output: string;
}

/** Validates manifest XML offline (`--nonet`) against [MS-OWEMXML]'s OfficeAppManifestV1_1.xsd. */
export function validateManifestXml(xml: string, xsdPath: string): SchemaResult {
  const dir = mkdtempSync(join(tmpdir(), 'candor-manifest-'));
  try {
    const file = join(dir, 'manifest.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsdPath, file], { encoding: 'utf8' });
    if (r.error)
      throw new Error(`xmllint could not run (apt-get install -y libxml2-utils): ${r.error.message}`);
    return { valid: r.status === 0, status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(args: string[]): number {
  const env = process.env;
  switch (args[0]) {
    case 'validate': {
      const xsdDir = join(
        resolve(env.CANDOR_REFERENCE_DIR ?? join(repoRoot, '..', 'shared')),
        'office-manifest-xsd',
      );
      const file = resolve(args[1] ?? join(repoRoot, 'manifest.xml'));
      const result = validateManifestXml(
        readFileSync(file, 'utf8'),
        join(xsdDir, 'OfficeAppManifestV1_1.xsd'),
      );
      console.log(result.output.trim().replace(/\S*candor-manifest-[^/]*\/manifest\.xml/g, file));
      return result.valid ? 0 : 1;
    }
    case 'consent-url': {
      if (!env.CANDOR_CLIENT_ID || !env.CANDOR_PUBLIC_URL) {
        console.error(
          'Set CANDOR_CLIENT_ID and CANDOR_PUBLIC_URL (and CANDOR_API_APP_ID_URI if you changed it).',
        );
        return 2;
      }
      console.log(
        adminConsentUrl({
          clientId: env.CANDOR_CLIENT_ID,
          publicUrl: env.CANDOR_PUBLIC_URL,
          ...(env.CANDOR_API_APP_ID_URI ? { appIdUri: env.CANDOR_API_APP_ID_URI } : {}),
        }),
      );
      return 0;
    }
    default:
      console.error('usage: tsx scripts/manifest.ts validate [manifest.xml] | consent-url');
      return 2;
  }
}

if (process.argv[1]?.endsWith('manifest.ts')) process.exitCode = main(process.argv.slice(2));
