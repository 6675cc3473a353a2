/**
 * Vitest globalSetup for the e2e project: one production build of the task pane per run, shared by
 * every e2e test file. CANDOR_E2E_SKIP_BUILD=1 reuses an existing dist/ while iterating locally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** The build the e2e tests expect: demo mode, Office.js from Microsoft's CDN URL (tests intercept it). */
export function demoBuildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env))
    if (!k.startsWith('CANDOR_') || k === 'CANDOR_REFERENCE_DIR') clean[k] = v;
  return clean;
}

export default function setup(): void {
  if (process.env.CANDOR_E2E_SKIP_BUILD === '1' && existsSync(join(root, 'dist', 'taskpane.html'))) return;
  const started = Date.now();
  const result = spawnSync(join(root, 'node_modules', '.bin', 'webpack'), ['--mode', 'production'], {
    cwd: root,
    env: demoBuildEnv(),
    encoding: 'utf8',
    timeout: 280_000,
  });
  if (result.status !== 0)
    throw new Error(
      `Production build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  console.log(`e2e: production build in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
