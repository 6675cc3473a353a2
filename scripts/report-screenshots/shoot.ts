/**
 * Screenshots of the campaign report for docs/ (light and dark, 350 px wide, the prospect timeline):
 *
 *   npx tsx scripts/report-screenshots/shoot.ts
 *
 * Bundles harness.tsx (the real App with a fake results source) with webpack, opens it in Debian's
 * headless Chromium through playwright-core, and saves docs/report-light.png, docs/report-dark.png
 * and docs/report-prospect.png. In the light, dark and high-contrast themes it also walks the report
 * by Tab (the actions in reading order, the inert chart skipped) and runs axe-core, colour contrast
 * included; a wrong Tab order, a serious or critical finding, or horizontal overflow at 320 px fails
 * the script. Until reply tracking is merged there is no real data to show; the end-to-end test will
 * take these from the real pane then.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import webpack from 'webpack';
import { seriousViolations } from '../../test/e2e/axe';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../test/support/browser';
import { repoRoot } from '../repo-root';

async function bundle(out: string): Promise<void> {
  const compiler = webpack({
    mode: 'production',
    context: repoRoot,
    entry: './scripts/report-screenshots/harness.tsx',
    output: { path: out, filename: 'harness.js' },
    devtool: false,
    resolve: { extensions: ['.tsx', '.ts', '.js'], fallback: { crypto: false } },
    module: {
      rules: [
        { test: /\.tsx?$/, exclude: /node_modules/, loader: 'esbuild-loader', options: { jsx: 'automatic' } },
      ],
    },
    optimization: { minimize: false },
    // One file: the harness is opened from disk.
    plugins: [new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 })],
  });
  await new Promise<void>((resolve, reject) =>
    compiler.run((error, stats) => {
      compiler.close(() => undefined);
      if (error || stats?.hasErrors()) reject(error ?? new Error(stats!.toString('errors-only')));
      else resolve();
    }),
  );
  writeFileSync(
    join(out, 'harness.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Candor report</title></head>' +
      '<body><div id="root"></div><script src="harness.js"></script></body></html>',
  );
}

/** From the back button, Tab reaches the report's actions in reading order and skips the (inert) chart. */
async function checkTabOrder(tab: Page): Promise<void> {
  await tab.getByRole('button', { name: '← Back to Home' }).focus();
  const seen: string[] = [];
  for (let i = 0; i < 7; i++) {
    await tab.keyboard.press('Tab');
    seen.push(
      await tab.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return el.tagName === 'SELECT' ? 'Show' : (el.getAttribute('aria-label') ?? el.textContent ?? '');
      }),
    );
  }
  const expected = [
    'Refresh',
    'Export CSV',
    'Show as a table',
    'Show',
    'Prospects: all (240)',
    'Prospect 0',
    'Prospect 1',
  ];
  if (seen.join('|') !== expected.join('|')) {
    console.error(`Tab order on the report: ${seen.join(' → ')}`);
    process.exitCode = 1;
  }
}

const out = mkdtempSync(join(tmpdir(), 'candor-report-shots-'));
try {
  await bundle(out);
  const page = pathToFileURL(join(out, 'harness.html')).href;
  for (const theme of ['light', 'dark', 'highContrast'] as const) {
    const browser = await launchChromium({
      viewport: { width: 350, height: 900 },
      colorScheme: theme === 'light' ? 'light' : 'dark',
    });
    try {
      const tab = await browser.newPage();
      // tsx keeps function names with a __name helper; page.evaluate'd functions need it in the page too.
      await tab.addInitScript('window.__name = (f) => f');
      await tab.goto(`${page}?theme=${theme}`);
      await tab.getByRole('button', { name: 'Backend engineers, Berlin' }).click();
      await tab.locator('figure svg rect').first().waitFor();
      await tab.waitForTimeout(500); // the chart's bars animate in
      if (theme !== 'highContrast')
        await tab.screenshot({ path: join(repoRoot, `docs/report-${theme}.png`), fullPage: true });
      await checkTabOrder(tab);
      // axe on the real rendering, colour contrast included.
      const violations = await seriousViolations(tab);
      if (violations.length) {
        console.error(`axe (${theme}):\n  ${violations.join('\n  ')}`);
        process.exitCode = 1;
      }
      if (theme === 'light') {
        // The narrowest pane: nothing may need horizontal scrolling.
        await tab.setViewportSize({ width: 320, height: 900 });
        await tab.waitForTimeout(200);
        const overflow = await tab.evaluate(() => document.documentElement.scrollWidth);
        if (overflow > 320) {
          console.error(`The report is ${overflow} px wide at 320 px.`);
          process.exitCode = 1;
        }
        await tab.setViewportSize({ width: 350, height: 900 });
        await tab.getByRole('combobox', { name: 'Show' }).selectOption({ index: 1 });
        await tab
          .getByRole('region', { name: /^Prospects:/ })
          .getByRole('button')
          .first()
          .click();
        await tab.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
        await tab.screenshot({ path: join(repoRoot, 'docs/report-prospect.png'), fullPage: true });
      }
    } finally {
      await browser.close();
    }
  }
  console.log('Saved docs/report-light.png, docs/report-dark.png and docs/report-prospect.png');
} finally {
  rmSync(out, { recursive: true, force: true });
}
