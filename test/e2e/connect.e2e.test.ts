/**
 * The built task pane in headless Chromium against the real backend and the emulator (demo mode):
 * connect with the keyboard only, see the recruiter from the emulator's /me, read Data & privacy,
 * check accessibility with axe-core, and save screenshots for the docs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_SCOPES } from '../../src/shared/scopes';
import { launchChromium, type Chromium } from '../support/browser';
import { seriousViolations } from './axe';
import { startServer, type RunningServer } from './server';

const root = join(import.meta.dirname, '..', '..');
const OFFICE_JS_DIST = join(root, 'node_modules', '@microsoft', 'office-js', 'dist');
const OFFICE_CDN = 'https://appsforoffice.microsoft.com/';
const CONNECT_HEADING = 'Connect your Microsoft 365 mailbox';

/** Serves Microsoft's CDN from the npm copy of office.js, so the real loader runs without a network. */
async function officeFromNpm(route: Route): Promise<void> {
  const file = new URL(route.request().url()).pathname.split('/').pop()!;
  try {
    await route.fulfill({ body: readFileSync(join(OFFICE_JS_DIST, file)), contentType: 'text/javascript' });
  } catch {
    await route.fulfill({ status: 404, body: '' });
  }
}

/** Presses Tab until the focused element's accessible text is `name`; fails after 25 presses. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

/** The emulator's own answer for /me, fetched independently of the pane. */
async function emulatorProfile(origin: string): Promise<{ displayName: string; mail: string }> {
  const tokens = await fetch(`${origin}/emulator/identity/demo/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(tokens.status).toBe(200);
  const { graphToken } = (await tokens.json()) as { graphToken: string };
  const me = await fetch(`${origin}/emulator/graph/v1.0/me`, {
    headers: { Authorization: `Bearer ${graphToken}` },
  });
  expect(me.status).toBe(200);
  return (await me.json()) as { displayName: string; mail: string };
}

/** The demo user's Candor API token, straight from the identity emulator. */
async function demoApiToken(origin: string): Promise<string> {
  const res = await fetch(`${origin}/emulator/identity/demo/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  return ((await res.json()) as { apiToken: string }).apiToken;
}

/** GET /api/v1/me/key status for the demo user: 200 registered, 404 none. */
async function keyStatus(origin: string): Promise<number> {
  const res = await fetch(`${origin}/api/v1/me/key`, {
    headers: { Authorization: `Bearer ${await demoApiToken(origin)}` },
  });
  return res.status;
}

describe('task pane: connect, home, privacy', () => {
  let server: RunningServer;
  let browser: Chromium;
  let recruiter: { displayName: string; mail: string };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    recruiter = await emulatorProfile(server.origin);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('connects with the keyboard only, shows the recruiter, explains the data, and passes axe', async () => {
    const page = await browser.newPage();
    const offOrigin: string[] = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(server.origin) && !url.startsWith(OFFICE_CDN) && !url.startsWith('data:'))
        offOrigin.push(url);
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(`${OFFICE_CDN}**`, officeFromNpm);

    await page.goto(`${server.origin}/taskpane.html`);
    await page.getByRole('heading', { level: 1, name: CONNECT_HEADING }).waitFor();
    // Real office.js outside Office: onReady answers host null and history.pushState is nulled.
    expect(await page.evaluate(() => typeof (window as { Office?: unknown }).Office)).toBe('object');
    expect(await page.evaluate(() => history.pushState === null)).toBe(true);
    await expect(page.getByText('Demo mailbox (emulator)').isVisible()).resolves.toBe(true);
    await expect(page.getByText('Running outside Outlook').isVisible()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    // Keyboard only from here: Tab to Connect, Enter.
    await tabTo(page, 'Connect');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor();
    await page.getByText(recruiter.displayName, { exact: true }).waitFor();
    await page.getByText(recruiter.mail, { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The docs picture without the keyboard focus ring on the heading; Tab starts again from the top.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.screenshot({ path: join(root, 'docs', 'taskpane-connected.png'), animations: 'disabled' });

    await tabTo(page, 'Data & privacy');
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { level: 1, name: 'Data & privacy' });
    await heading.waitFor();
    expect(await heading.evaluate((h) => h === document.activeElement)).toBe(true);
    const scopes = await page
      .getByTestId('permission-list')
      .locator('li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-scope')));
    expect(scopes).toEqual([...GRAPH_SCOPES]);
    expect(await seriousViolations(page)).toEqual([]);

    await tabTo(page, 'Home');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Sign out');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: CONNECT_HEADING }).waitFor();

    expect(errors).toEqual([]);
    expect(offOrigin).toEqual([]);
    await page.close();
  });

  it("Disconnect deletes the recruiter's data on Candor's server, then signs out", async () => {
    // The demo user has a key registered by another device (as after a first campaign elsewhere):
    // this browser does not hold it, so it asks for it instead of replacing it, and Disconnect is
    // still a way out.
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const raw = Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
    const put = await fetch(`${server.origin}/api/v1/me/key`, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${await demoApiToken(server.origin)}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ publicKey: raw }),
    });
    expect(put.status).toBe(200);
    const { keyId } = (await put.json()) as { keyId: string };
    expect(await keyStatus(server.origin)).toBe(200);

    const page = await browser.newPage();
    await page.route(`${OFFICE_CDN}**`, officeFromNpm);
    await page.goto(`${server.origin}/taskpane.html`);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('heading', { level: 1, name: 'Open your tracking data on this device' }).waitFor();
    const registered = await fetch(`${server.origin}/api/v1/me/key`, {
      headers: { Authorization: `Bearer ${await demoApiToken(server.origin)}` },
    });
    expect(((await registered.json()) as { keyId: string }).keyId).toBe(keyId);
    await tabTo(page, 'Disconnect…');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog', { name: 'Disconnect and delete your data?' });
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Disconnect and delete' }).click();
    await page
      .getByRole('heading', { level: 1, name: CONNECT_HEADING })
      .waitFor({ timeout: 10_000 })
      .catch(async () => expect.fail(`Still on: ${await page.locator('main').innerText()}`));
    expect(await keyStatus(server.origin)).toBe(404);
    await page.close();
  });

  it('still renders and connects when the Office.js CDN is unreachable', async () => {
    const page = await browser.newPage();
    await page.route(`${OFFICE_CDN}**`, (route) => route.abort('internetdisconnected'));
    const started = Date.now();
    await page.goto(`${server.origin}/taskpane.html`);
    await page.getByRole('heading', { level: 1, name: CONNECT_HEADING }).waitFor({ timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await page.evaluate(() => typeof (window as { Office?: unknown }).Office)).toBe('undefined');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(recruiter.displayName, { exact: true }).waitFor();
    await page.close();
  });

  it('follows the browser colour scheme and forced colours outside Outlook', async () => {
    const dark = await launchChromium({ colorScheme: 'dark' });
    try {
      const page = await dark.newPage();
      await page.route(`${OFFICE_CDN}**`, officeFromNpm);
      await page.goto(`${server.origin}/taskpane.html`);
      await page.locator('[data-pane-theme="dark"]').waitFor();
      await page.getByRole('button', { name: 'Connect' }).click();
      await page.getByText(recruiter.displayName, { exact: true }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({
        path: join(root, 'docs', 'taskpane-connected-dark.png'),
        animations: 'disabled',
      });
      // Windows high contrast (forced colours) switches the live pane to Fluent's high-contrast theme.
      await page.emulateMedia({ forcedColors: 'active' });
      await page.locator('[data-pane-theme="highContrast"]').waitFor();
      await page.emulateMedia({ forcedColors: 'none' });
      await page.locator('[data-pane-theme="dark"]').waitFor();
    } finally {
      await dark.close();
    }
  });
});
