/**
 * Every screen at 320 px, Outlook's narrowest task pane, on the production build against the demo
 * server: connect, home, the four campaign steps (a list with many long column headers and a row
 * with several problems), the row editor, the send confirmation, send progress, and Data & privacy.
 * Each screen must not scroll sideways and no visible element may reach past the right edge; axe
 * must find nothing serious. Screenshots go to a temporary folder (CANDOR_LAYOUT_SHOTS to keep them).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../support/browser';
import { FOCUS_GUARDS, seriousViolations } from './axe';
import { startServer, type RunningServer } from './server';
import { confirmSendNow } from './support';

const OFFICE_CDN = 'https://appsforoffice.microsoft.com/';
const WIDTH = 320;

/** Many columns with headers longer than a 320 px grid cell, and rows with several problems each. */
const HEADERS = [
  'Email',
  'First name',
  'Last name',
  'Company name (current employer)',
  'Job title',
  'Candidate source',
  'LinkedIn profile URL',
  'Preferred office location',
  'Notes from the first screening call',
];
const ROWS = [
  [
    'ada.lovelace-with-a-very-long-address@analytical-engines.example',
    'Ada',
    'Lovelace',
    'Analytical Engines',
    'Engineer',
    'referral',
    'https://www.linkedin.com/in/ada-lovelace-analytical-engines-1843',
    'London',
    'Strong',
  ],
  // Several problems: an unreadable address, two formula cells, and (for the template) no first name.
  ['not an address at all', '', 'B', '=HYPERLINK("http://x.example")', '+SUM(A1)', '', '', '', ''],
  ['grace@navy.example', '', 'Hopper', '@Navy', '-cmd', 'event', '', 'Arlington', ''],
  ['linus@kernel.example', 'Linus', 'T', 'Kernel', 'Maintainer', '', '', 'Portland', ''],
];
const CSV = [HEADERS, ...ROWS]
  .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','))
  .join('\r\n');

interface Overflow {
  scrollWidth: number;
  clientWidth: number;
  /** Visible elements whose right edge passes the viewport, as `tag.class "text"` and their right edge. */
  offenders: string[];
}

/** Horizontal overflow of the page as a recruiter would see it at this width. */
function measureOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const doc = document.scrollingElement as HTMLElement;
    const limit = window.innerWidth + 0.5;
    const offenders: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || box.right <= limit) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const text = (el.textContent ?? '').trim().slice(0, 40);
      offenders.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${text}" right=${box.right}`);
    }
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, offenders };
  });
}

describe(`every screen fits a ${WIDTH} px task pane`, () => {
  let server: RunningServer;
  let browser: Chromium;
  let shots: string;
  const keepShots = process.env.CANDOR_LAYOUT_SHOTS;

  beforeAll(async () => {
    // A fast demo clock: the send-progress screen reaches "finished" in a few real seconds.
    server = await startServer(60_000, { CANDOR_DEMO_CLOCK_FACTOR: '60' });
    browser = await launchChromium({ viewport: { width: WIDTH, height: 900 } });
    shots = keepShots ?? mkdtempSync(join(tmpdir(), 'candor-layout-'));
    mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (!keepShots && shots) rmSync(shots, { recursive: true, force: true });
  });

  /** Fails with the offending elements if the screen scrolls sideways; screenshots it; runs axe. */
  async function checkScreen(page: Page, name: string): Promise<void> {
    await page.evaluate(() =>
      Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
    );
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true, animations: 'disabled' });
    const overflow = await measureOverflow(page);
    // Soft: one run reports every screen that overflows, not only the first.
    expect.soft({ screen: name, ...overflow }).toEqual({
      screen: name,
      scrollWidth: overflow.clientWidth,
      clientWidth: WIDTH,
      offenders: [],
    });
    expect.soft({ screen: name, axe: await seriousViolations(page) }).toEqual({ screen: name, axe: [] });
  }

  it('walks through every screen without sideways scrolling', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(`${OFFICE_CDN}**`, (route) => route.abort('internetdisconnected'));

    await page.goto(`${server.origin}/taskpane.html`);
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    await checkScreen(page, '1-connect');

    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor();
    await checkScreen(page, '2-home');

    await page.getByRole('button', { name: 'Data & privacy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Data & privacy' }).waitFor();
    await checkScreen(page, '3-privacy');

    await page.getByRole('button', { name: 'Campaigns' }).click();
    await page.getByRole('heading', { level: 1, name: 'Campaign' }).waitFor();
    await page.getByLabel(/Paste rows from a spreadsheet/).waitFor();
    await checkScreen(page, '4-prospects-empty');

    await page.locator('input[type="file"]').setInputFiles({
      name: 'prospects.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV, 'utf8'),
    });
    await page.getByRole('combobox', { name: HEADERS[8] }).waitFor();
    // Every column's full header is readable: a label above its select, never cut.
    for (const header of HEADERS) {
      const select = page.getByRole('combobox', { name: header, exact: true });
      const label = await select.evaluate((el) => {
        const l = (el as HTMLSelectElement).labels?.[0];
        return l ? { text: l.textContent, cut: l.scrollWidth > l.clientWidth + 0.5 } : null;
      });
      expect(label).toEqual({ text: header, cut: false });
    }
    await checkScreen(page, '5-prospects-columns');

    // Row 2 has several problems; each message is shown in full, not cut to a tooltip.
    const row2 = page.getByTestId('prospect-row-2');
    await row2.scrollIntoViewIfNeeded();
    const messages = row2.locator('[data-problem]');
    expect(await messages.count()).toBeGreaterThanOrEqual(3);
    for (const m of await messages.all()) {
      expect(await m.evaluate((el) => el.scrollWidth <= el.clientWidth + 0.5)).toBe(true);
      expect(await m.evaluate((el) => el.scrollHeight <= el.clientHeight + 0.5)).toBe(true);
    }
    // The row's box holds all of its content (a fixed-height row would spill into the next one)...
    expect(await row2.evaluate((el) => el.scrollHeight <= el.clientHeight + 0.5)).toBe(true);
    // ...and rows do not overlap: each row's box ends where the next begins.
    const r2 = await row2.boundingBox();
    const r3 = await page.getByTestId('prospect-row-3').boundingBox();
    expect(r2 && r3 && r2.y + r2.height <= r3.y + 0.5).toBe(true);
    await checkScreen(page, '6-prospects-problems');

    await page.getByRole('button', { name: 'Edit row 2' }).click();
    await page.getByRole('form', { name: 'Edit row 2' }).waitFor();
    await checkScreen(page, '7-row-editor');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('tab', { name: 'Template' }).click();
    await page
      .getByLabel('Subject')
      .fill('A role at {{companyNameCurrentEmployer|our client}}, {{firstName}}');
    await page
      .getByLabel('Body (HTML)')
      .fill(
        '<p>Hi {{firstName|there}},</p><p>How is everything in {{preferredOfficeLocation|your city}}?</p>',
      );
    await checkScreen(page, '8-template');
    // Tab from the top of the page through the steps and the form: focus never rests on one of
    // Fluent's aria-hidden focus guards (the reason axe leaves them out, test/e2e/axe.ts) or on <body>.
    await page.getByRole('link', { name: 'Skip to main content' }).focus();
    const stops: string[] = [];
    for (let i = 0; i < 20 && stops.at(-1) !== 'END'; i++) {
      await page.keyboard.press('Tab');
      stops.push(
        await page.evaluate((guards) => {
          const el = document.activeElement;
          if (!el || el === document.body) return 'END'; // past the last control: the browser's turn
          if (el.matches(guards)) return 'FOCUS GUARD';
          const label = (el as HTMLInputElement).labels?.[0]?.textContent;
          return el.getAttribute('aria-label') ?? label ?? el.textContent?.trim() ?? el.tagName;
        }, FOCUS_GUARDS),
      );
    }
    expect(stops).toEqual([
      'Home',
      'Campaigns',
      'Data & privacy',
      'Template',
      'Subject',
      'Body (HTML)',
      'Insert field',
      'Save as',
      'Add a follow-up',
      'END',
    ]);

    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByTestId('preview-subject').waitFor();
    await checkScreen(page, '9-preview');
    // Keyboard: Next to the last prospect keeps focus on Next (a disabled button would drop it).
    await page.getByRole('button', { name: 'Next' }).focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Enter');
    await page.getByText('Prospect 3 of 3').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Next');

    // Leave out the rows that cannot be sent, then send to the rest.
    await page.getByRole('tab', { name: 'Prospects' }).click();
    for (const row of [2, 3]) await page.getByRole('button', { name: `Leave out row ${row}` }).click();
    await page.getByRole('tab', { name: 'Send' }).click();
    await page.getByLabel('Campaign name').fill('Backend engineers, spring, London and Portland offices');
    await checkScreen(page, '10-send');
    await page.getByRole('button', { name: 'Review and send' }).click();
    await checkScreen(page, '11-send-confirm');
    await confirmSendNow(page, /^Send \d+ messages?$/);
    await page.getByTestId('send-status').waitFor();
    await checkScreen(page, '12-send-progress');
    await expect
      .poll(() => page.getByTestId('send-status').textContent(), { timeout: 60_000 })
      .toContain('Finished');
    await checkScreen(page, '13-send-finished');

    expect(errors).toEqual([]);
    await page.close();
  });
});
