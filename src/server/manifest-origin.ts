/**
 * The add-in manifest for the origin this server actually runs on. A build without
 * CANDOR_PUBLIC_URL writes dist/manifest.xml for the development origin https://localhost:3000
 * (webpack.config.js, DEV_PUBLIC_URL); `npm start` on another port or host would hand Outlook a
 * manifest that points somewhere else. The server rewrites that origin to its own public URL,
 * serves the result at /manifest.xml and saves a copy to sideload. A deployment build (its
 * manifest already names the public URL) is left exactly as built.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Equal to DEV_PUBLIC_URL in webpack.config.js (test/server/manifest-origin.test.ts checks). */
export const DEV_MANIFEST_ORIGIN = 'https://localhost:3000';

/** Every URL under the development origin now under `origin` (no trailing slash). */
export function manifestForOrigin(xml: string, origin: string): string {
  // The whole origin only (never ":30001"). The api:// resource is an app registration's name, not
  // an address, and stays as the build wrote it.
  return xml.replace(/https:\/\/localhost:3000(?!\d)/g, origin.replace(/\/+$/, ''));
}

export interface LocalManifest {
  xml: string;
  /** Where the copy to sideload was written, or null when the built manifest is used as is. */
  savedAs: string | null;
}

/**
 * The manifest to serve: dist's as built, or rewritten for `publicUrl` and saved in `dataDir` when
 * it still names the development origin. Null when there is no built manifest.
 */
export function localManifest(distDir: string, publicUrl: string, dataDir: string): LocalManifest | null {
  const built = join(distDir, 'manifest.xml');
  if (!existsSync(built)) return null;
  const xml = readFileSync(built, 'utf8');
  if (!xml.includes(DEV_MANIFEST_ORIGIN)) return { xml, savedAs: null };
  const rewritten = manifestForOrigin(xml, publicUrl);
  const savedAs = join(dataDir, 'manifest.xml');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(savedAs, rewritten);
  return { xml: rewritten, savedAs };
}
