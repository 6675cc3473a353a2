import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Microsoft's reference data (manifest XSDs, Graph CSDL, documented Graph examples) lives outside the
 * repository. One setting finds it: CANDOR_REFERENCE_DIR, defaulting to `../shared` beside the clone.
 */
export const referenceDir = resolve(process.env.CANDOR_REFERENCE_DIR ?? join(repoRoot, '..', 'shared'));

export const referenceAvailable = existsSync(join(referenceDir, 'graph', 'v1.0-metadata.xml'));

/** Why conformance tests are skipped, printed so a skipped run is never mistaken for a pass. */
export const referenceSkipReason = `Microsoft reference data not found at ${referenceDir} (set CANDOR_REFERENCE_DIR); conformance tests skipped`;

if (!referenceAvailable) console.warn(referenceSkipReason);

export function referencePath(...parts: string[]): string {
  return join(referenceDir, ...parts);
}

export { repoRoot };
