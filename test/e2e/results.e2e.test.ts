/**
 * The whole results journey in headless Chromium against the production build, the real demo
 * server and the mailbox emulator on the demo's fast clock: connect, import 20 prospects, send,
 * prospects open (one through Gmail's image proxy), reply (one from another address, one with a new
 * subject, one into Junk Email), one bounces, one answers out of office, the recruiter reads and
 * moves one reply; the report (after Refresh) shows exactly those numbers and timelines, again
 * after a reload; Disconnect leaves no row of the user in the server's database. Once with
 * `internetMessageHeaders` omitted under Mail.ReadBasic (the emulator's default) and once returned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER_OID } from '../../src/server/config';
import { launchChromium, type Chromium } from '../support/browser';
import { startServer, type RunningServer } from './server';
import {
  confirmSendNow,
  connectAndOpenCampaigns,
  control,
  folderItems,
  headline,
  OFFICE_CDN,
  pixelUrl,
} from './support';

const root = join(import.meta.dirname, '..', '..');
/** Simulated seconds per real second: a reply 30 minutes after delivery comes 15 real seconds later. */
const CLOCK_FACTOR = 120;
const DOMAIN = 'talent.example';
const CAMPAIGN = 'Platform engineers, winter';
const SUBJECT = 'A role for you, {{firstName|there}}';

/** The scripted prospects (docs/emulator.md, address tags); the rest of the 20 stay silent. */
const SCRIPTED = {
  reply: `ana+reply@${DOMAIN}`,
  otherAddress: `ben+reply-other-address@${DOMAIN}`,
  newSubject: `cleo+reply-new-subject@${DOMAIN}`,
  junk: `dev+reply+junk+lang-de@${DOMAIN}`,
  readMoved: `eli+reply@${DOMAIN}`,
  bounce: `fay+bounce@${DOMAIN}`,
  ooo: `gus+ooo@${DOMAIN}`,
  openedByPerson: `hal+silent@${DOMAIN}`,
  openedByProxy: `ivy+silent@${DOMAIN}`,
} as const;
const REPLIERS = [
  SCRIPTED.reply,
  SCRIPTED.otherAddress,
  SCRIPTED.newSubject,
  SCRIPTED.junk,
  SCRIPTED.readMoved,
];
const PROSPECTS = [
  ...Object.values(SCRIPTED),
  ...Array.from({ length: 20 - Object.keys(SCRIPTED).length }, (_, i) => `p${i + 1}+silent@${DOMAIN}`),
];
const CSV =
  'Email,First name,Company\r\n' +
  PROSPECTS.map((email, i) => `${email},${email.split(/[+.@]/)[0]},Company ${i + 1}`).join('\r\n') +
  '\r\n';

const HUMAN_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const GMAIL_PROXY_UA =
  'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';

const LABELS = ['Sent', 'Delivered', 'Opened by people', 'Replied', 'Bounced', 'Out of office'] as const;
async function headlines(page: Page): Promise<Record<(typeof LABELS)[number], number>> {
  const out = {} as Record<(typeof LABELS)[number], number>;
  for (const l of LABELS) out[l] = await headline(page, l);
  return out;
}

/**
 * What the report must show. Without headers a reply with a rewritten subject has nothing but its
 * sender to go by: a low-confidence match the recruiter is asked to check, not counted as a reply
 * (docs/replies.md); with headers its In-Reply-To names our message.
 */
const expectedNumbers = (headers: 'omitted' | 'returned') => ({
  Sent: 20,
  Delivered: 19,
  // Opened: two people; the proxy's load is a machine's.
  'Opened by people': 2,
  Replied: headers === 'returned' ? REPLIERS.length : REPLIERS.length - 1,
  Bounced: 1,
  'Out of office': 1,
});

async function openReport(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor();
  await page.getByRole('button', { name: CAMPAIGN }).click();
  await page.getByRole('heading', { level: 1, name: CAMPAIGN }).waitFor();
}

async function refresh(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect
    .poll(() => page.getByRole('button', { name: 'Refresh' }).getAttribute('aria-disabled'), {
      timeout: 60_000,
    })
    .not.toBe('true');
}

/** One prospect's timeline entries ("Sent", "Replied", …), by opening it from the report. */
async function timeline(page: Page, address: string): Promise<string[]> {
  await page.locator(`button[title="${address}"]`).click();
  await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
  const entries = await page
    .getByRole('list', { name: 'Timeline' })
    .locator('li > p:first-of-type')
    .allTextContents();
  await page.getByRole('button', { name: '← Back to the report' }).click();
  await page.getByRole('heading', { level: 1, name: CAMPAIGN }).waitFor();
  return entries;
}

function openVerdicts(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'candor.sqlite'), { readonly: true });
  try {
    const rows = db.prepare("SELECT verdict FROM events WHERE kind = 'open' ORDER BY verdict").all() as {
      verdict: string;
    }[];
    return rows.map((r) => r.verdict);
  } finally {
    db.close();
  }
}

function userRows(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, 'candor.sqlite'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    const out: Record<string, number> = {};
    for (const { name } of tables) {
      const columns = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[];
      if (!columns.some((c) => c.name === 'oid')) continue;
      const row = db.prepare(`SELECT COUNT(*) AS n FROM "${name}" WHERE oid = ?`).get(DEMO_USER_OID) as {
        n: number;
      };
      out[name] = row.n;
    }
    return out;
  } finally {
    db.close();
  }
}

describe.each(['omitted', 'returned'] as const)('results end to end, headers %s', (headers) => {
  let server: RunningServer;
  let browser: Chromium;

  beforeAll(async () => {
    server = await startServer(60_000, {
      CANDOR_DEMO_CLOCK_FACTOR: String(CLOCK_FACTOR),
      CANDOR_EMULATOR_HEADERS: headers,
    });
    browser = await launchChromium({ viewport: { width: 350, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends, tracks opens and replies, reports exact numbers, survives a reload, and deletes on disconnect', async () => {
    const EXPECTED = expectedNumbers(headers);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(`${OFFICE_CDN}**`, (route) => route.abort('internetdisconnected'));
    const { origin } = server;

    // Connect, import, write, send.
    await connectAndOpenCampaigns(page, origin);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'prospects.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV, 'utf8'),
    });
    await expect
      .poll(() => page.getByTestId('prospect-summary').textContent())
      .toContain('20 prospects ready');
    await page.getByRole('tab', { name: 'Template' }).click();
    await page.getByLabel('Subject').fill(SUBJECT);
    await page.getByLabel('Body (HTML)').fill('<p>Hi {{firstName|there}},</p><p>A role at Candor?</p>');
    await page.getByRole('tab', { name: 'Send' }).click();
    await page.getByLabel('Campaign name').fill(CAMPAIGN);
    await page.getByLabel('Pace (messages per minute)').selectOption('10');
    await page.getByRole('button', { name: 'Review and send' }).click();
    await confirmSendNow(page, 'Send 20 messages');
    await expect
      .poll(() => page.getByTestId('send-status').textContent(), { timeout: 120_000 })
      .toContain('Finished');
    // The server judges an open within 10 s (its real clock) of the send a scanner: the last send
    // registered before this moment.
    const lastSendBy = Date.now();

    // The prospects answer on the emulator's clock: wait until every scripted answer has arrived
    // (unrelated mail arrives too, every few simulated hours).
    const answered = async () => {
      const mail = [...(await folderItems(origin, 'inbox')), ...(await folderItems(origin, 'junkemail'))];
      return {
        from: [SCRIPTED.reply, SCRIPTED.newSubject, SCRIPTED.junk, SCRIPTED.readMoved, SCRIPTED.ooo]
          .filter((a) => mail.some((m) => m.from === a))
          .sort(),
        otherAddress: mail.some((m) => m.from.endsWith('@personal-mail.example')),
        bounce: mail.some((m) => m.subject.startsWith('Undeliverable:')),
      };
    };
    await expect.poll(answered, { timeout: 120_000 }).toEqual({
      from: [SCRIPTED.reply, SCRIPTED.newSubject, SCRIPTED.junk, SCRIPTED.readMoved, SCRIPTED.ooo].sort(),
      otherAddress: true,
      bounce: true,
    });

    // Opens, well after the send (a fetch within 10 s of it would count as a scanner): a person in a
    // browser, Gmail's image proxy, and the person who replied and whose reply gets moved. On a fast
    // machine the replies arrive sooner than that; then wait out the window (real time, as the server
    // measures it) rather than depend on the machine's speed.
    const windowLeft = lastSendBy + 11_000 - Date.now();
    if (windowLeft > 0) await new Promise((r) => setTimeout(r, windowLeft));
    for (const [to, ua] of [
      [SCRIPTED.openedByPerson, HUMAN_UA],
      [SCRIPTED.openedByProxy, GMAIL_PROXY_UA],
      [SCRIPTED.readMoved, HUMAN_UA],
    ] as const) {
      const res = await fetch(await pixelUrl(origin, to), { headers: { 'User-Agent': ua } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('image/');
    }

    // The server stored three opens (sealed; the verdict is the one column in clear).
    await expect
      .poll(() => openVerdicts(server.dataDir), { timeout: 30_000 })
      .toEqual(['human', 'human', 'proxy']);

    // The recruiter reads the reply from eli (delta reports it again, same id).
    const reply = (await folderItems(origin, 'inbox')).find((m) => m.from === SCRIPTED.readMoved);
    expect(reply).toBeDefined();
    await control(origin, { action: 'act', messageId: reply!.id, do: 'read' });

    // Home → the campaign's report → Refresh.
    await page.getByRole('button', { name: 'Home' }).click();
    await openReport(page);
    await refresh(page);
    await expect.poll(() => headlines(page), { timeout: 30_000 }).toEqual(EXPECTED);
    expect(await page.getByText('1 open was by a machine', { exact: false }).count()).toBe(1);

    const timelines = {
      reply: await timeline(page, SCRIPTED.reply),
      otherAddress: await timeline(page, SCRIPTED.otherAddress),
      newSubject: await timeline(page, SCRIPTED.newSubject),
      junk: await timeline(page, SCRIPTED.junk),
      readMoved: await timeline(page, SCRIPTED.readMoved),
      bounce: await timeline(page, SCRIPTED.bounce),
      ooo: await timeline(page, SCRIPTED.ooo),
      openedByPerson: await timeline(page, SCRIPTED.openedByPerson),
      openedByProxy: await timeline(page, SCRIPTED.openedByProxy),
      silent: await timeline(page, `p1+silent@${DOMAIN}`),
    };
    const proxy = 'Loaded by an image proxy (not counted as a person opening)';
    expect(timelines).toEqual({
      reply: ['Sent', 'Replied'],
      otherAddress: ['Sent', 'Replied'],
      newSubject: ['Sent', headers === 'returned' ? 'Replied' : 'Possible reply — please check'],
      junk: ['Sent', 'Replied'],
      readMoved: ['Sent', 'Replied', 'Opened by a person'],
      bounce: ['Sent', 'Bounced'],
      ooo: ['Sent', 'Out-of-office answer'],
      openedByPerson: ['Sent', 'Opened by a person'],
      openedByProxy: ['Sent', proxy],
      silent: ['Sent'],
    });

    // Then moves it to Archive (a new id; Inbox delta reports it removed): still counted, once.
    await control(origin, { action: 'act', messageId: reply!.id, do: 'move', to: 'archive' });
    await refresh(page);
    expect(await headlines(page)).toEqual(EXPECTED);
    expect(await timeline(page, SCRIPTED.readMoved)).toEqual(timelines.readMoved);

    if (headers === 'returned') {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.screenshot({
        path: join(root, 'docs', 'report-light.png'),
        animations: 'disabled',
        fullPage: true,
      });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.locator('[data-pane-theme="dark"]').waitFor();
      await page.screenshot({
        path: join(root, 'docs', 'report-dark.png'),
        animations: 'disabled',
        fullPage: true,
      });
      await page.emulateMedia({ colorScheme: 'light' });
    }

    // The CSV export says the same, prospect by prospect.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = Papa.parse<Record<string, string>>(
      readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, ''),
      { header: true, skipEmptyLines: true },
    ).data;
    expect(csv).toHaveLength(20);
    const statuses: Record<string, number> = {};
    for (const row of csv) statuses[row.Status ?? ''] = (statuses[row.Status ?? ''] ?? 0) + 1;
    expect(statuses).toEqual({
      Replied: EXPECTED.Replied,
      Bounced: 1,
      'Out of office': 1,
      Opened: 1,
      Sent: 20 - EXPECTED.Replied - 3,
    });
    const sum = (column: string) => csv.reduce((n, row) => n + Number(row[column] || 0), 0);
    expect([sum('Opens by people'), sum('Machine opens')]).toEqual([2, 1]);

    // Reload: the same numbers on Home and in the report, from the synced state.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor();
    await expect
      .poll(
        async () => ({
          Sent: await headline(page, 'Sent'),
          'Opened by people': await headline(page, 'Opened by people'),
          Replied: await headline(page, 'Replied'),
          Bounced: await headline(page, 'Bounced'),
        }),
        { timeout: 30_000 },
      )
      .toEqual({
        Sent: 20,
        'Opened by people': 2,
        Replied: EXPECTED.Replied,
        Bounced: 1,
      });
    await openReport(page);
    await expect.poll(() => headlines(page), { timeout: 30_000 }).toEqual(EXPECTED);
    await refresh(page);
    expect(await headlines(page)).toEqual(EXPECTED);

    // Disconnect: nothing of the user stays on Candor's server.
    expect(Object.values(userRows(server.dataDir)).some((n) => n > 0)).toBe(true);
    await page.getByRole('button', { name: '← Back to Home' }).click();
    await page.getByRole('button', { name: 'Disconnect…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Disconnect and delete your data?' });
    await dialog.getByRole('button', { name: 'Disconnect and delete' }).click();
    await page.getByRole('button', { name: 'Connect', exact: true }).waitFor({ timeout: 30_000 });
    const rows = userRows(server.dataDir);
    expect(Object.keys(rows).length).toBeGreaterThan(2);
    expect(rows).toEqual(Object.fromEntries(Object.keys(rows).map((t) => [t, 0])));

    expect(errors).toEqual([]);
    await page.close();
  });
});
