import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFICE_JS_CDN_URL, paths, sourceMapDir } from '../../webpack.config.js';
import { BUDGET_BYTES, initialScripts, measureFirstLoad } from '../../scripts/size';
import { launchChromium, type Chromium } from '../support/browser';
import { repoRoot } from '../support/reference';
import { BUILD_ENV, productionBuild } from './build-once';
import { serveDir } from './static-server';

const run = promisify(execFile);
let dist = '';

beforeAll(async () => {
  dist = await productionBuild();
}, 300_000);

afterAll(() => {
  if (dist) rmSync(dist, { recursive: true, force: true });
  if (dist) rmSync(sourceMapDir(dist), { recursive: true, force: true });
});

describe('first-load JavaScript budget (npm run size)', () => {
  it(`keeps the task pane's first-load JS within ${BUDGET_BYTES / 1000} KB gzip -9, office.js excluded`, () => {
    const report = measureFirstLoad(dist);
    console.log(
      `first-load JS: ${report.files.map((f) => `${f.file} ${f.gzip} B`).join(', ')}; total ${report.gzip} B gzip`,
    );
    expect(report.files.length).toBeGreaterThan(0);
    expect(report.files.every((f) => !f.file.includes('office'))).toBe(true);
    expect(report.gzip).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('exits 0 within the budget and non-zero over it', async () => {
    const tsx = join(repoRoot, 'node_modules/.bin/tsx');
    const ok = await run(tsx, ['scripts/size.ts', dist], { cwd: repoRoot });
    expect(ok.stdout).toMatch(/within budget/);
    const over = await run(tsx, ['scripts/size.ts', dist, '--budget', '1000'], { cwd: repoRoot }).then(
      () => 'exit 0',
      (e: { code?: number; stdout?: string }) => `exit ${e.code}: ${e.stdout}`,
    );
    expect(over).toMatch(/^exit 1: [\s\S]*OVER BUDGET/);
  });
});

describe('the deployable manifest in the build output', () => {
  const manifest = () => readFileSync(join(dist, 'manifest.xml'), 'utf8');

  it('carries the production URL and client id and nothing pointing at localhost', () => {
    const xml = manifest();
    expect(xml).not.toMatch(/localhost/);
    expect(xml).toContain(`<SourceLocation DefaultValue="${BUILD_ENV.CANDOR_PUBLIC_URL}/taskpane.html"/>`);
    expect(xml).toContain(`<Id>${BUILD_ENV.CANDOR_CLIENT_ID}</Id>`);
    expect(xml).toContain(`<Resource>api://candor.example.com/${BUILD_ENV.CANDOR_CLIENT_ID}</Resource>`);
  });

  it('points only at files the build produced', () => {
    const prefix = `${BUILD_ENV.CANDOR_PUBLIC_URL}/`;
    const files = [...new Set([...manifest().matchAll(/DefaultValue="([^"]+)"/g)].map((m) => m[1]!))]
      .filter((u) => u.startsWith(prefix))
      .map((u) => u.slice(prefix.length));
    expect(files).toEqual(expect.arrayContaining(['taskpane.html', 'commands.html', 'assets/icon-80.png']));
    expect(files.filter((f) => !existsSync(join(dist, f)))).toEqual([]);
  });
});

describe('the built HTML pages', () => {
  it.each(['taskpane.html', 'dialog.html'])(
    '%s loads office.js from the CDN before its own scripts',
    (page) => {
      const html = readFileSync(join(dist, page), 'utf8');
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts[0]).toBe(`<script src="${OFFICE_JS_CDN_URL}">`);
      expect(scripts.slice(1).every((s) => /\bdefer\b/.test(s))).toBe(true);
      expect(html).toMatch(/<html lang="en">/);
      expect(html).toMatch(/<title>Candor[^<]*<\/title>/);
      expect(html).toContain('<div id="root"></div>');
      expect(html).toMatch(/<noscript>[^<]*JavaScript[^<]*<\/noscript>/);
    },
  );

  it('carries the build-time PaneConfig, with no placeholder left for the pane to fall back from', () => {
    const js = readdirSync(dist)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(dist, f), 'utf8'));
    expect(js.filter((code) => code.includes('__CANDOR_PANE_CONFIG__'))).toEqual([]);
    expect(js.some((code) => code.includes(BUILD_ENV.CANDOR_CLIENT_ID))).toBe(true);
  });

  it('names its scripts by content hash and keeps source maps out of what is served', () => {
    const maps = sourceMapDir(dist);
    const own = initialScripts(readFileSync(join(dist, 'taskpane.html'), 'utf8'));
    expect(own.length).toBeGreaterThan(0);
    for (const file of own) {
      expect(file).toMatch(/\.[0-9a-f]{8}\.js$/);
      // Kept for decoding stack traces, beside the output folder rather than in it.
      expect(existsSync(join(maps, `${file}.map`))).toBe(true);
    }
    const served = readdirSync(dist, { recursive: true }).map(String);
    expect(served.filter((f) => f.endsWith('.map'))).toEqual([]);
    const scripts = served.filter((f) => f.endsWith('.js'));
    expect(scripts.filter((f) => readFileSync(join(dist, f), 'utf8').includes('sourceMappingURL'))).toEqual(
      [],
    );
  });
});

describe('the built task pane in headless Chromium, outside Office', () => {
  let browser: Chromium;
  let server: Awaited<ReturnType<typeof serveDir>>;

  beforeAll(async () => {
    server = await serveDir(dist);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the pane; the CDN's office.js is either served from the npm copy or unreachable. */
  async function openPane(cdn: 'local-copy' | 'unreachable'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(
      (url) => !url.href.startsWith(server.url),
      async (route) => {
        const url = new URL(route.request().url());
        const cdnFile = url.href.startsWith(OFFICE_JS_CDN_URL.replace(/office\.js$/, ''))
          ? url.pathname.split('/').pop()!
          : undefined;
        if (cdn === 'local-copy' && cdnFile && existsSync(join(paths.officeJsDist, cdnFile))) {
          await route.fulfill({ path: join(paths.officeJsDist, cdnFile), contentType: 'text/javascript' });
        } else {
          await route.abort('internetdisconnected'); // nothing leaves the machine
        }
      },
    );
    await page.goto(`${server.url}/taskpane.html`);
    await page.waitForFunction(
      () => (document.getElementById('root')?.textContent ?? '').trim().length > 0,
      null,
      {
        timeout: 15_000,
      },
    );
    return { page, errors };
  }

  it('resolves Office.onReady with no host and renders the pane', async () => {
    const { page, errors } = await openPane('local-copy');
    const info = await page.evaluate(async () => {
      const ready = await Office.onReady();
      return { host: ready.host, platform: ready.platform };
    });
    expect(info).toEqual({ host: null, platform: null });
    expect(await page.locator('#root').innerText()).toMatch(/Candor/);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('still renders when office.js cannot be loaded at all', async () => {
    const { page, errors } = await openPane('unreachable');
    expect(await page.evaluate(() => typeof (globalThis as { Office?: unknown }).Office)).toBe('undefined');
    expect(await page.locator('#root').innerText()).toMatch(/Candor/);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
