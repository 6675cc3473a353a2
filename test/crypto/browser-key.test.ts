/**
 * The key lifecycle in a real browser (headless Debian Chromium, the engine of Outlook's WebView2):
 * non-extractable P-256 keys stored in IndexedDB survive a reload still non-extractable, open
 * what was sealed to them — for 30 fresh keys, so the @hpke/core private-key-only bug (which
 * security.md E4 reproduced in Chromium) would show — decrypt campaign state, and wipeAll clears
 * everything. Runs the pane's real modules, bundled with esbuild.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build } from 'esbuild';
import { launchChromium, type Chromium } from '../support/browser';

let server: Server;
let browser: Chromium;
let origin: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser/entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  });
  const js = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script src="/bundle.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

it('keeps keys non-extractable across a reload, opens what was sealed to them, and wipes clean', async () => {
  const page = await browser.newPage();
  await page.goto(origin);
  const count = 30;
  const sealedBefore = await page.evaluate(
    (n) =>
      (
        window as unknown as {
          candor: { before(n: number): Promise<{ sealed: string[]; states: string[] }> };
        }
      ).candor.before(n),
    count,
  );
  await page.reload();
  const result = await page.evaluate(
    ({ sealed, states }) =>
      (window as unknown as { candor: { after(s: string[], t: string[]): Promise<unknown> } }).candor.after(
        sealed,
        states,
      ),
    sealedBefore,
  );
  expect(result).toEqual({
    opened: count,
    stateOk: count,
    nonExtractable: count,
    exportRefused: count,
    left: 0,
    secureContext: true,
  });
}, 120_000);
