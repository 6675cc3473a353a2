/**
 * A 3-step sequence end to end in headless Chromium, against the production build, the real demo
 * server and the mailbox emulator on a very fast demo clock (a business day passes in seconds):
 * 20 prospects; two reply to step 1, one bounces, one is out of office (the recruiter chose "skip
 * their later steps"), one replies to step 2. Steps 2 and 3 go only to the rest, each as a reply in
 * the prospect's own thread, and the report's "By step" table shows exactly that.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../support/browser';
import { startServer, type RunningServer } from './server';
import { connectAndOpenCampaigns, control, OFFICE_CDN } from './support';

/** Simulated seconds per real second: one day ≈ 4.3 s. */
const CLOCK_FACTOR = 20_000;
const DOMAIN = 'talent.example';
const CAMPAIGN = 'Staff engineers, three steps';
const SUBJECT = 'A role for you, {{firstName|there}}';

/** The scripted prospects (docs/emulator.md, address tags); the rest never answer. */
const SCRIPTED = {
  replyA: `ana+reply@${DOMAIN}`,
  replyB: `ben+reply@${DOMAIN}`,
  bounce: `cleo+bounce@${DOMAIN}`,
  away: `dev+ooo@${DOMAIN}`,
  replyToStep2: `eli+reply-after-2@${DOMAIN}`,
} as const;
const SILENT = Array.from({ length: 15 }, (_, i) => `p${i + 1}+silent@${DOMAIN}`);
const PROSPECTS = [...Object.values(SCRIPTED), ...SILENT];
const CSV =
  'Email,First name\r\n' +
  PROSPECTS.map((email) => `${email},${email.split(/[+.@]/)[0]}`).join('\r\n') +
  '\r\n';

interface Delivery {
  subject: string;
  conversationId: string;
  internetMessageId: string;
  inReplyTo: string | null;
}

async function deliveries(origin: string, to: string): Promise<Delivery[]> {
  const { deliveries: list } = (await control(origin, { action: 'deliveries', to })) as {
    deliveries: Delivery[];
  };
  return list;
}

async function deliveredCounts(origin: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const address of PROSPECTS) out[address] = (await deliveries(origin, address)).length;
  return out;
}

/** The "By step" table of the report: one row per step, its numbers by column. */
async function byStep(page: Page): Promise<Record<string, string>[]> {
  const table = page.getByRole('table', { name: 'Sent, opened, replied and bounced per step' });
  await table.waitFor();
  const headers = await table.locator('thead th').allTextContents();
  const rows = await table.locator('tbody tr').all();
  const out: Record<string, string>[] = [];
  for (const row of rows) {
    const cells = await row.locator('th, td').allTextContents();
    out.push(Object.fromEntries(headers.map((h, i) => [h.trim(), (cells[i] ?? '').trim()])));
  }
  return out;
}

describe('a three-step sequence end to end', () => {
  let server: RunningServer;
  let browser: Chromium;

  beforeAll(async () => {
    server = await startServer(60_000, {
      CANDOR_DEMO_CLOCK_FACTOR: String(CLOCK_FACTOR),
      // At this speed the emulator's week-long delta tokens would expire every half minute, and its
      // unrelated mail would arrive every second: keep the Inbox to the prospects' answers.
      CANDOR_EMULATOR_DELTA_TOKEN_LIFETIME_MS: String(365 * 86_400_000),
      CANDOR_EMULATOR_AMBIENT_MAIL_EVERY_MS: '0',
    });
    browser = await launchChromium({ viewport: { width: 350, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends steps 2 and 3 only to those who did not answer, in their threads, and reports by step', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(`${OFFICE_CDN}**`, (route) => route.abort('internetdisconnected'));
    const { origin } = server;

    await connectAndOpenCampaigns(page, origin);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'prospects.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV, 'utf8'),
    });
    await expect
      .poll(() => page.getByTestId('prospect-summary').textContent())
      .toContain('20 prospects ready');

    // Three steps: the first message, then two follow-ups one business day apart.
    await page.getByRole('tab', { name: 'Template' }).click();
    await page.getByLabel('Subject').fill(SUBJECT);
    await page.getByLabel('Body (HTML)').fill('<p>Hi {{firstName|there}},</p><p>A role at Candor?</p>');
    for (const step of [2, 3]) {
      await page.getByRole('button', { name: 'Add a follow-up' }).click();
      await page.getByLabel(`Days after step ${step - 1}`).fill('1');
      await page
        .getByLabel(`Step ${step} body (HTML)`)
        .fill(`<p>Hi {{firstName|there}}, following up (${step}).</p>`);
    }

    await page.getByRole('tab', { name: 'Send' }).click();
    await page.getByLabel('Campaign name').fill(CAMPAIGN);
    await page.getByLabel('Pace (messages per minute)').selectOption('30');
    await page.getByRole('radio', { name: 'Skip their later steps' }).check();
    // At this clock a 20-minute grace period lasts 60 ms: the other e2e files use its "Send now".
    await page.getByLabel('Before the first message goes out').selectOption('0');
    await page.getByRole('button', { name: 'Review and send' }).click();
    await page.getByRole('button', { name: 'Send 20 messages' }).click();

    // Every step that will ever go has gone: 15 silent prospects get three messages, the one who
    // answered step 2 two, everybody else one.
    const expected: Record<string, number> = Object.fromEntries(PROSPECTS.map((p) => [p, 3]));
    expected[SCRIPTED.replyA] = 1;
    expected[SCRIPTED.replyB] = 1;
    expected[SCRIPTED.bounce] = 0; // Bounced: nothing reached the prospect.
    expected[SCRIPTED.away] = 1;
    expected[SCRIPTED.replyToStep2] = 2;
    await expect.poll(() => deliveredCounts(origin), { timeout: 240_000, interval: 2_000 }).toEqual(expected);
    await expect
      .poll(() => page.getByTestId('send-status').textContent(), { timeout: 120_000 })
      .toContain('Finished');
    // Nothing more goes out afterwards.
    expect(await deliveredCounts(origin)).toEqual(expected);

    // Each later step is a reply in the prospect's own thread.
    for (const address of [SILENT[0]!, SILENT[7]!, SCRIPTED.replyToStep2]) {
      const got = await deliveries(origin, address);
      const first = got[0]!;
      expect(first.subject).toMatch(/^A role for you, /u);
      for (const [i, later] of got.slice(1).entries()) {
        expect(later.subject).toBe(`RE: ${first.subject}`);
        expect(later.conversationId).toBe(first.conversationId);
        expect(later.inReplyTo).toBe(got[i]!.internetMessageId);
      }
    }

    // The report, by step.
    await page.getByRole('button', { name: 'Home' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor();
    await page.getByRole('button', { name: CAMPAIGN }).click();
    await page.getByRole('heading', { level: 1, name: CAMPAIGN }).waitFor();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => byStep(page), { timeout: 60_000 })
      .toEqual([
        { Step: '1', Sent: '20', Opened: '0', Replied: '2', Bounced: '1' },
        { Step: '2', Sent: '16', Opened: '0', Replied: '1', Bounced: '0' },
        { Step: '3', Sent: '15', Opened: '0', Replied: '0', Bounced: '0' },
      ]);
    expect(errors).toEqual([]);
  }, 420_000);
});
