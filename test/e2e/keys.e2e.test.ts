/**
 * Keys on every device (issue #9), end to end in headless Chromium against the production build and
 * the demo server. Two browsers with their own profiles are two devices of the same recruiter.
 *
 * - Recovery code: device 1 connects, saves its recovery code, sends a campaign and sees an open;
 *   device 2 (a plain browser, no Outlook roaming settings) is refused a wrong code, then opens the
 *   same campaign and report with the right one typed carelessly; it rotates the key and the old
 *   open stays readable, a new one too, and every event on the server now names the new key. A
 *   dump of the database holds no byte of the key, which the test recovers from the code itself.
 * - Device approval: device 1 protects the key with a passphrase; device 2 spends its tries on
 *   wrong passphrases until Candor makes it wait, then is approved from device 1 by matching codes.
 * - Outlook: with the roaming-settings stand-in both devices share (as two Outlooks share a
 *   mailbox), device 2 needs no code at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveVerifier } from '../../src/crypto/key-backup/recovery-wrap';
import { fromBase64url } from '../../src/shared/base64url';
import { DEMO_TENANT_ID, DEMO_USER_OID } from '../../src/server/config';
import { launchChromium, type Chromium } from '../support/browser';
import { startServer, type RunningServer } from './server';
import { apiToken, confirmSendNow, headline, OFFICE_CDN, pixelUrl } from './support';

const CLOCK_FACTOR = 120;
const DOMAIN = 'talent.example';
const PROSPECTS = [`ana+silent@${DOMAIN}`, `ben+silent@${DOMAIN}`, `cleo+silent@${DOMAIN}`];
const UNLOCK = 'Open your tracking data on this device';
const HUMAN_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

async function device(): Promise<{ browser: Chromium; page: Page; errors: string[] }> {
  const browser = await launchChromium({ viewport: { width: 350, height: 900 } });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`${OFFICE_CDN}**`, (route) => route.abort('internetdisconnected'));
  return { browser, page, errors };
}

/** Connects; resolves once either Home or the "open your data" screen is up. */
async function connectDevice(page: Page, origin: string): Promise<'home' | 'unlock'> {
  await page.goto(`${origin}/taskpane.html`);
  await page.getByRole('button', { name: 'Connect' }).click();
  const home = page.getByRole('heading', { level: 1, name: 'Connected' });
  const unlock = page.getByRole('heading', { level: 1, name: UNLOCK });
  await home.or(unlock).first().waitFor({ timeout: 30_000 });
  // Home shows while the key is checked in the background: give the check time to move us on.
  await expect
    .poll(
      async () => ((await unlock.count()) > 0 ? 'unlock' : (await keyChecked(page)) ? 'home' : 'checking'),
      {
        timeout: 30_000,
      },
    )
    .not.toBe('checking');
  return (await unlock.count()) > 0 ? 'unlock' : 'home';
}

/** Home has settled: the recovery reminder, or a report list, is there once the key is known. */
async function keyChecked(page: Page): Promise<boolean> {
  return (
    (await page.getByText('No recovery code yet').count()) > 0 ||
    (await page.getByRole('button', { name: CAMPAIGN }).count()) > 0
  );
}

const CAMPAIGN = 'Backend engineers, December';

async function sendCampaign(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Campaigns' }).click();
  await page.getByRole('heading', { level: 1, name: 'Campaign' }).waitFor();
  const csv = 'Email,First name\r\n' + PROSPECTS.map((e) => `${e},${e.split('+')[0]}`).join('\r\n') + '\r\n';
  await page.locator('input[type="file"]').setInputFiles({
    name: 'prospects.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await expect.poll(() => page.getByTestId('prospect-summary').textContent()).toContain('3 prospects ready');
  await page.getByRole('tab', { name: 'Template' }).click();
  await page.getByLabel('Subject').fill('A role for you, {{firstName|there}}');
  await page.getByLabel('Body (HTML)').fill('<p>Hi {{firstName|there}},</p><p>A role at Candor?</p>');
  await page.getByRole('tab', { name: 'Send' }).click();
  await page.getByLabel('Campaign name').fill(CAMPAIGN);
  await page.getByLabel('Pace (messages per minute)').selectOption('10');
  await page.getByRole('button', { name: 'Review and send' }).click();
  await confirmSendNow(page, 'Send 3 messages');
  await expect
    .poll(() => page.getByTestId('send-status').textContent(), { timeout: 120_000 })
    .toContain('Finished');
}

/** A person opens the message to `to` (after the server's 10 s scanner window since `sentBy`). */
async function personOpens(origin: string, to: string, sentBy: number): Promise<void> {
  const wait = sentBy + 11_000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const res = await fetch(await pixelUrl(origin, to), { headers: { 'User-Agent': HUMAN_UA } });
  expect(res.status).toBe(200);
}

/** Home → the campaign's report → Refresh; the report's headline numbers. */
async function report(page: Page): Promise<{ sent: number; opened: number }> {
  await page.getByRole('button', { name: 'Home' }).click();
  await page
    .getByRole('button', { name: CAMPAIGN })
    .click({ timeout: 30_000 })
    .catch(async () =>
      expect.fail(`No report for ${CAMPAIGN} on: ${await page.locator('main').innerText()}`),
    );
  await page.getByRole('heading', { level: 1, name: CAMPAIGN }).waitFor();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect
    .poll(() => page.getByRole('button', { name: 'Refresh' }).getAttribute('aria-disabled'), {
      timeout: 60_000,
    })
    .not.toBe('true');
  return { sent: await headline(page, 'Sent'), opened: await headline(page, 'Opened by people') };
}

async function registeredKeyId(origin: string): Promise<string> {
  const res = await fetch(`${origin}/api/v1/me/key`, {
    headers: { Authorization: `Bearer ${await apiToken(origin)}` },
  });
  return ((await res.json()) as { keyId: string }).keyId;
}

/** Every file of the server's database (main file, WAL, shared memory), concatenated. */
function databaseBytes(dataDir: string): Buffer {
  return Buffer.concat(
    readdirSync(dataDir)
      .filter((f) => f.startsWith('candor.sqlite'))
      .map((f) => readFileSync(join(dataDir, f))),
  );
}

const servers: RunningServer[] = [];
const browsers: Chromium[] = [];
afterEach(async () => {
  for (const b of browsers.splice(0)) await b.close();
});
afterAll(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function startDemo(env: Record<string, string>): Promise<RunningServer> {
  const server = await startServer(60_000, { CANDOR_DEMO_CLOCK_FACTOR: String(CLOCK_FACTOR), ...env });
  servers.push(server);
  return server;
}

async function twoDevices() {
  const one = await device();
  const two = await device();
  browsers.push(one.browser, two.browser);
  return [one, two] as const;
}

describe('keys on every device, end to end', () => {
  describe('with the recovery code, outside Outlook', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startDemo({ CANDOR_EMULATOR_ROAMING_SETTINGS: 'none' });
    });

    it('opens campaigns and opens on a second device, survives rotation, and the database holds no key', async () => {
      const { origin } = server;
      const [one, two] = await twoDevices();

      // Device 1: a first connect makes the key; the recruiter saves the recovery code.
      expect(await connectDevice(one.page, origin)).toBe('home');
      await one.page.getByRole('button', { name: 'Set up' }).click();
      await one.page.getByRole('heading', { level: 1, name: 'Set up a recovery code' }).waitFor();
      await one.page.getByRole('button', { name: 'Create my recovery code' }).click();
      const shown = one.page.locator('[aria-label^="Recovery code "]');
      await shown.waitFor({ timeout: 30_000 });
      const code = ((await shown.getAttribute('aria-label')) ?? '').replace(/^Recovery code /, '');
      expect(code).toMatch(/^([0-9A-Z]{4} ){6}[0-9A-Z]{2}$/);
      await one.page
        .getByLabel('I have saved my recovery code somewhere safe, away from this device')
        .check();
      await one.page.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => one.page.getByText('No recovery code yet').count()).toBe(0);

      await sendCampaign(one.page);
      await personOpens(origin, PROSPECTS[0]!, Date.now());
      expect(await report(one.page)).toEqual({ sent: 3, opened: 1 });
      const firstKey = await registeredKeyId(origin);

      // Device 2: a plain browser without the key asks for it, and never replaces it.
      expect(await connectDevice(two.page, origin)).toBe('unlock');
      expect(await registeredKeyId(origin)).toBe(firstKey);
      const field = two.page.getByLabel('Recovery code');
      await field.fill('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG');
      await two.page.getByRole('button', { name: 'Open my data' }).click();
      await expect
        .poll(() => two.page.getByText('That recovery code or passphrase is not right').count(), {
          timeout: 30_000,
        })
        .toBe(1);
      expect(await two.page.getByText('4 attempts left', { exact: false }).count()).toBe(1);
      // Typed carelessly: lower case, spaces for dashes.
      await field.fill(code.toLowerCase());
      await two.page.getByRole('button', { name: 'Open my data' }).click();
      await two.page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor({ timeout: 30_000 });
      expect(await report(two.page)).toEqual({ sent: 3, opened: 1 });

      // The database, dumped: recover the key the way only the code's holder can, then look for it.
      const token = await apiToken(origin);
      const backups = (await (
        await fetch(`${origin}/api/v1/me/key/backups`, { headers: { Authorization: `Bearer ${token}` } })
      ).json()) as { recovery: { header: string } };
      const identity = { tid: DEMO_TENANT_ID, oid: DEMO_USER_OID };
      const { verifier, unwrap } = await deriveVerifier(code, backups.recovery.header, identity);
      const unlocked = await fetch(`${origin}/api/v1/me/key/backups/recovery/unlock`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ verifier }),
      });
      expect(unlocked.status).toBe(200);
      const keyBytes = await unwrap(((await unlocked.json()) as { wrapped: string }).wrapped);
      const scalar = Buffer.from(keyBytes.subarray(0, 32));
      const dump = databaseBytes(server.dataDir);
      expect(dump.length).toBeGreaterThan(0);
      expect(dump.includes(Buffer.from(backups.recovery.header))).toBe(true); // the right database
      for (const form of [
        scalar,
        Buffer.from(scalar.toString('base64url')),
        Buffer.from(scalar.toString('base64')),
        Buffer.from(scalar.toString('hex')),
        Buffer.from(verifier),
        Buffer.from(fromBase64url(verifier)),
      ])
        expect(dump.includes(form)).toBe(false);

      // Device 2 rotates the key: the old open stays readable, a new open is too.
      await two.page.getByRole('button', { name: 'Data & privacy' }).click();
      // Everything is re-sealed to the new key, then the pane reloads to open it all with that key.
      const reloaded = two.page.waitForEvent('load', { timeout: 120_000 });
      await two.page.getByRole('button', { name: 'Rotate key' }).click();
      await reloaded;
      expect(await registeredKeyId(origin)).not.toBe(firstKey);
      await two.page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor({ timeout: 30_000 });
      const newKey = await registeredKeyId(origin);
      await personOpens(origin, PROSPECTS[1]!, 0);
      expect(await report(two.page)).toEqual({ sent: 3, opened: 2 });
      // Every event on the server is now sealed (v2) to the new key: the old one was re-sealed.
      const db = new Database(join(server.dataDir, 'candor.sqlite'), { readonly: true });
      try {
        const rows = db.prepare('SELECT sealed FROM events').all() as { sealed: Buffer }[];
        expect(rows.length).toBe(2);
        for (const { sealed } of rows) {
          expect(sealed[0]).toBe(2);
          expect(sealed.subarray(1, 17).toString('base64url')).toBe(newKey);
        }
      } finally {
        db.close();
      }
      expect([...one.errors, ...two.errors]).toEqual([]);
    });
  });

  describe('with device approval, outside Outlook', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startDemo({ CANDOR_EMULATOR_ROAMING_SETTINGS: 'none' });
    });

    it('makes wrong passphrases wait, then hands the key over when both devices show the same code', async () => {
      const { origin } = server;
      const [one, two] = await twoDevices();

      expect(await connectDevice(one.page, origin)).toBe('home');
      await one.page.getByRole('button', { name: 'Set up' }).click();
      await one.page.getByLabel('A passphrase you choose').check();
      const passphrase = 'lantern orbit velvet harbour 42';
      await one.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
      await one.page.getByLabel('Type it again').fill(passphrase);
      await one.page.getByRole('button', { name: 'Save passphrase' }).click();
      await one.page.getByText('Your passphrase is set.').waitFor({ timeout: 30_000 });
      await one.page.getByRole('button', { name: 'Done' }).click();
      await sendCampaign(one.page);
      await one.page.getByRole('button', { name: 'Home' }).click();

      expect(await connectDevice(two.page, origin)).toBe('unlock');
      const field = two.page.getByLabel('Passphrase');
      for (let i = 1; i <= 5; i++) {
        await field.fill(`not my passphrase ${i}`);
        await two.page.getByRole('button', { name: 'Open my data' }).click();
        await expect
          .poll(() => two.page.getByText(/not right|Too many wrong attempts/).count(), { timeout: 30_000 })
          .toBe(1);
        await expect
          .poll(() => two.page.getByRole('button', { name: 'Open my data' }).isEnabled())
          .toBe(true);
      }
      // The right passphrase now has to wait too: the limit is on the account, not the guess.
      await field.fill(passphrase);
      await two.page.getByRole('button', { name: 'Open my data' }).click();
      await two.page.getByText('Too many wrong attempts', { exact: false }).waitFor({ timeout: 30_000 });
      expect(await two.page.getByRole('heading', { level: 1, name: UNLOCK }).count()).toBe(1);

      // Approve from device 1 instead: both show the same code.
      await two.page.getByRole('button', { name: 'Approve from another device' }).click();
      const newCode = two.page.locator('[aria-label^="Code "]');
      await newCode.waitFor({ timeout: 30_000 });
      const prompt = one.page.getByText('A new device wants to open your tracking data');
      await prompt.waitFor({ timeout: 30_000 });
      const oldCode = one.page.locator('[aria-label^="Code "]');
      await oldCode.waitFor({ timeout: 30_000 });
      expect(await oldCode.getAttribute('aria-label')).toBe(await newCode.getAttribute('aria-label'));
      await one.page.getByRole('button', { name: 'Approve', exact: true }).click();
      await two.page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor({ timeout: 60_000 });
      expect((await report(two.page)).sent).toBe(3);
      expect([...one.errors, ...two.errors]).toEqual([]);
    });
  });

  describe('inside Outlook (roaming settings shared by both devices)', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startDemo({ CANDOR_EMULATOR_ROAMING_SETTINGS: 'outlook' });
    });

    it('needs no code on the second device', async () => {
      const { origin } = server;
      const [one, two] = await twoDevices();
      expect(await connectDevice(one.page, origin)).toBe('home');
      await sendCampaign(one.page);
      expect(await connectDevice(two.page, origin)).toBe('home');
      expect(await two.page.getByRole('heading', { level: 1, name: UNLOCK }).count()).toBe(0);
      expect((await report(two.page)).sent).toBe(3);
      expect([...one.errors, ...two.errors]).toEqual([]);
    });
  });
});
