/**
 * `npm run size` (after `npm run build`): the task pane's first-load JavaScript — the scripts
 * taskpane.html loads before anything is lazily imported — gzip -9, against the budget.
 * office.js is Microsoft's (CDN) and lazy chunks load on demand, so neither counts.
 *
 *   tsx scripts/size.ts [distDir] [--budget <bytes>]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from './repo-root';

/** 120 KB of gzip -9 first-load JavaScript (was 200 until the report arrived). */
export const BUDGET_BYTES = 120_000;

export interface ScriptSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface SizeReport {
  files: ScriptSize[];
  raw: number;
  gzip: number;
  budget: number;
  withinBudget: boolean;
}

/** The same-origin scripts an HTML page loads; absolute URLs (office.js on Microsoft's CDN) are not ours. */
export function initialScripts(html: string): string[] {
  const srcs = [...html.matchAll(/<script\b[^>]*\bsrc=["']?([^"'\s>]+)/gi)].map((m) => m[1]!);
  return srcs
    .filter((src) => !/^([a-z]+:)?\/\//i.test(src))
    .filter((src) => !/(^|\/)office(\.debug)?\.js$/.test(src)) // a local office.js copy (CANDOR_OFFICE_JS_URL)
    .map((src) => src.replace(/^\.?\//, '').replace(/[?#].*$/, ''));
}

export function measureFirstLoad(distDir: string, budget = BUDGET_BYTES, page = 'taskpane.html'): SizeReport {
  if (!existsSync(join(distDir, page)))
    throw new Error(`${join(distDir, page)} not found: run \`npm run build\` first`);
  const html = readFileSync(join(distDir, page), 'utf8');
  const files = initialScripts(html).map((file) => {
    const bytes = readFileSync(join(distDir, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  if (files.length === 0)
    throw new Error(`${page} loads no scripts of its own: is ${distDir} a production build?`);
  const raw = files.reduce((n, f) => n + f.raw, 0);
  const gzip = files.reduce((n, f) => n + f.gzip, 0);
  return { files, raw, gzip, budget, withinBudget: gzip <= budget };
}

export function formatReport(report: SizeReport): string {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
  const width = Math.max(5, ...report.files.map((f) => f.file.length));
  const row = (a: string, b: string, c: string) => `${a.padEnd(width)}  ${b.padStart(10)}  ${c.padStart(10)}`;
  const lines = [
    row('file', 'raw', 'gzip -9'),
    ...report.files.map((f) => row(f.file, kb(f.raw), kb(f.gzip))),
    row('total', kb(report.raw), kb(report.gzip)),
    '',
    `first-load JS (gzip -9): ${kb(report.gzip)} of ${kb(report.budget)} budget — ${
      report.withinBudget ? 'within budget' : `OVER BUDGET by ${kb(report.gzip - report.budget)}`
    }`,
  ];
  return lines.join('\n');
}

function main(argv: string[]): number {
  const budgetAt = argv.indexOf('--budget');
  const budget = budgetAt >= 0 ? Number(argv[budgetAt + 1]) : BUDGET_BYTES;
  if (!Number.isFinite(budget) || budget <= 0) throw new Error('--budget needs a positive number of bytes');
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--budget');
  const distDir = resolve(positional[0] ?? join(repoRoot, 'dist'));
  const report = measureFirstLoad(distDir, budget);
  console.log(formatReport(report));
  return report.withinBudget ? 0 : 1;
}

if (process.argv[1]?.endsWith('size.ts')) process.exitCode = main(process.argv.slice(2));
