import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/reference';

const run = promisify(execFile);

export const BUILD_ENV = {
  CANDOR_PUBLIC_URL: 'https://candor.example.com',
  CANDOR_CLIENT_ID: '8a1c7e52-0d5f-4b7a-9e43-2f6b1c0d9e11',
} as const;

/**
 * One production build (`webpack --mode production`, as `npm run build` runs it) into a temp folder,
 * so tests never clobber the dist/ that `npm start` and the end-to-end tests serve.
 */
export async function productionBuild(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'candor-dist-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...BUILD_ENV };
  delete env.CANDOR_OFFICE_JS_URL;
  delete env.CANDOR_API_APP_ID_URI;
  await run(join(repoRoot, 'node_modules/.bin/webpack'), ['--mode', 'production', '--output-path', outDir], {
    cwd: repoRoot,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return outDir;
}
