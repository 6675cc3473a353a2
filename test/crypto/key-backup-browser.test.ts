/**
 * Key backup in a real browser (headless Debian Chromium, the engine of Outlook's WebView2), under
 * the pane's script CSP: Argon2id (hash-wasm, WebAssembly) with the default parameters, recovery
 * to a non-extractable key, device approval, and the lazily loaded passphrase check.
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

// The script-src of the pane's CSP (src/server/app.ts), without Office.js's CDN.
const PANE_SCRIPT_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'";

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser/key-backup-entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  });
  const js = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    const csp = req.url?.includes('no-wasm') ? "default-src 'none'; script-src 'self'" : PANE_SCRIPT_CSP;
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp })
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

const run = (page: import('playwright-core').Page) =>
  page.evaluate(() =>
    (window as unknown as { candor: { run(): Promise<Record<string, unknown>> } }).candor.run(),
  );

it('recovers a backed-up key with default Argon2id, approves a device, and checks a passphrase', async () => {
  const page = await browser.newPage();
  await page.goto(origin);
  const result = await run(page);
  expect(result).toMatchObject({
    recoveredSameKey: true,
    verifierMatches: true,
    exportRefused: true,
    codesMatch: true,
    approvedSameKey: true,
    weakRefused: true,
  });
  console.log(`Argon2id m=64 MiB t=3 p=1 in headless Chromium: ${String(result.argon2Ms)} ms per run`);
}, 120_000);

it("without 'wasm-unsafe-eval' in the CSP, Argon2id cannot run (why the pane's CSP allows it)", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/no-wasm`);
  await expect(run(page)).rejects.toThrow(/WebAssembly|wasm/i);
}, 120_000);
