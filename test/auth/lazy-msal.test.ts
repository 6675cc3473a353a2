import { build, type Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/reference';

/** Bundles an entry for the browser the way the task pane build does (ESM, code splitting). */
async function bundle(entry: string) {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  return { metafile: result.metafile as Metafile, files: result.outputFiles };
}

describe('MSAL stays out of the first-load bundle', () => {
  it('importing src/auth loads no MSAL code until loadAuth() is awaited', async () => {
    const { metafile, files } = await bundle('src/auth/index.ts');
    const [entryName, entry] =
      Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === 'src/auth/index.ts') ?? [];
    expect(entry).toBeDefined();
    const staticallyLoaded = new Set<string>([entryName as string]);
    for (let grew = true; grew;) {
      grew = false;
      for (const name of [...staticallyLoaded]) {
        for (const imp of metafile.outputs[name]?.imports ?? []) {
          if (imp.kind === 'import-statement' && !staticallyLoaded.has(imp.path)) {
            staticallyLoaded.add(imp.path);
            grew = true;
          }
        }
      }
    }
    const firstLoadInputs = [...staticallyLoaded].flatMap((o) =>
      Object.keys(metafile.outputs[o]?.inputs ?? {}),
    );
    expect(firstLoadInputs.filter((i) => i.includes('@azure/msal'))).toEqual([]);
    const allInputs = Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(allInputs.some((i) => i.includes('@azure/msal-browser'))).toBe(true);

    const gz = (names: Iterable<string>) =>
      files
        .filter((f) => [...names].some((n) => f.path.endsWith(n)))
        .reduce((sum, f) => sum + gzipSync(f.contents).length, 0);
    const firstLoad = gz(staticallyLoaded);
    const total = files.reduce((sum, f) => sum + gzipSync(f.contents).length, 0);
    console.log(`auth first-load ${firstLoad} B gzip; lazy part ${total - firstLoad} B gzip`);
    expect(firstLoad).toBeLessThan(5_000);
  });
});
