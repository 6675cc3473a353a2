/**
 * Helpers shared by the e2e files that drive the demo pane: the demo user's tokens, the emulator's
 * mailbox read over its Graph API, and connecting the pane.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const OFFICE_CDN = 'https://appsforoffice.microsoft.com/';

/** The demo user's Graph token from the demo sign-in. */
export async function graphToken(origin: string): Promise<string> {
  const res = await fetch(`${origin}/emulator/identity/demo/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  return ((await res.json()) as { graphToken: string }).graphToken;
}

export interface MailItem {
  id: string;
  subject: string;
  to: string;
  from: string;
  body: string;
}

interface GraphMessage {
  id: string;
  subject: string;
  toRecipients?: { emailAddress: { address: string } }[];
  from?: { emailAddress: { address: string } };
  body?: { content: string };
}

/** Every message of one of the demo user's folders, through the emulator's Graph API. */
export async function folderItems(origin: string, folder: string, withBody = false): Promise<MailItem[]> {
  const token = await graphToken(origin);
  const out: MailItem[] = [];
  const select = `id,subject,toRecipients,from${withBody ? ',body' : ''}`;
  let url: string | null =
    `${origin}/emulator/graph/v1.0/me/mailFolders/${folder}/messages?$select=${select}&$top=100`;
  while (url) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`Graph answered ${res.status} for ${folder}`);
    const page = (await res.json()) as { value: GraphMessage[]; '@odata.nextLink'?: string };
    for (const m of page.value)
      out.push({
        id: m.id,
        subject: m.subject,
        to: m.toRecipients?.[0]?.emailAddress.address.toLowerCase() ?? '',
        from: m.from?.emailAddress.address.toLowerCase() ?? '',
        body: m.body?.content ?? '',
      });
    url = page['@odata.nextLink'] ?? null;
  }
  return out;
}

/** Sent Items (subject and recipient). */
export async function sentItems(origin: string): Promise<{ subject: string; to: string }[]> {
  return (await folderItems(origin, 'sentitems')).map(({ subject, to }) => ({ subject, to }));
}

/** POST /emulator/control (docs/emulator.md): a scenario knob for the demo user's mailbox. */
export async function control(origin: string, command: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(`${origin}/emulator/control`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(command),
  });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`control ${JSON.stringify(command)}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function connect(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/taskpane.html`);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('heading', { level: 1, name: 'Connected' }).waitFor();
}

export async function connectAndOpenCampaigns(page: Page, origin: string): Promise<void> {
  await connect(page, origin);
  await page.getByRole('button', { name: 'Campaigns' }).click();
  await page.getByRole('heading', { level: 1, name: 'Campaign' }).waitFor();
}

/** The pixel URL in the message the prospect received (the emulator's control endpoint tells). */
export async function pixelUrl(origin: string, to: string): Promise<string> {
  const { images } = (await control(origin, { action: 'images', to })) as { images: string[] };
  expect(images).toHaveLength(1);
  return new URL(images[0]!, origin).toString();
}

export async function headline(page: Page, label: string): Promise<number> {
  const tile = page
    .locator('dl > div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) });
  // The value is the description's own text; its rate ("95 % of sent") is a span after it.
  const text = await tile.locator('dd').evaluate((dd) => dd.childNodes[0]?.textContent ?? '');
  return Number(text.replace(/[,\s]/g, '') || NaN);
}

/** The demo user's Candor API token from the demo sign-in. */
export async function apiToken(origin: string): Promise<string> {
  const res = await fetch(`${origin}/emulator/identity/demo/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  return ((await res.json()) as { apiToken: string }).apiToken;
}

/**
 * Confirms a send ("Send N messages"), then ends the 20-minute grace period with "Send now", as a
 * recruiter in a hurry would.
 */
export async function confirmSendNow(page: Page, button: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  const banner = page.getByTestId('grace-banner');
  await banner.waitFor();
  await banner.getByRole('button', { name: 'Send now' }).click();
  await banner.waitFor({ state: 'detached', timeout: 60_000 });
}
