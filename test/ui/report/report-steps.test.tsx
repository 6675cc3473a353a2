import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { CampaignResults, ProspectSend, ReplyRecord } from '../../../src/core/results/types';
import { App } from '../../../src/ui/app/App';
import { fakeResultsSource } from '../../support/fake-results';
import { seriousViolations } from '../axe';
import { fakeOffice, fakeServices, fakeSession } from '../fake-services';

vi.mock('../../../src/ui/report/ActivityChart', () => ({
  default: () => <svg role="img" aria-label="Opens and replies over time" data-testid="chart" />,
}));

Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 320 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 330 });

const T0 = Date.UTC(2026, 11, 1, 9, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LAZY = 15_000;
const FALLBACK = 'Your first message was no longer in Sent Items.';

const send = (
  name: string,
  step: number,
  sentAt: number | null,
  extra: Partial<ProspectSend> = {},
): ProspectSend => ({
  prospectId: name.toLowerCase(),
  step,
  displayName: name,
  address: `${name.toLowerCase()}@example.com`,
  state: sentAt === null ? 'queued' : 'sent',
  sentAt,
  sendId: sentAt === null ? null : `${name.toLowerCase()}-${step}`,
  ...extra,
});

const message = (
  eventId: string,
  sendId: string,
  receivedAt: number,
  extra: Partial<ReplyRecord> = {},
): ReplyRecord => ({
  eventId,
  sendId,
  kind: 'reply',
  subject: 'RE: A role at Contoso',
  from: 'someone@example.com',
  receivedAt,
  ip: null,
  confidence: 'high',
  matchedBy: 'conversation',
  statusCode: null,
  ...extra,
});

/** Three steps to four prospects: Ana replies to step 2, Ben bounces on step 1, Cy gets every step, Di waits. */
function lisbon(): CampaignResults {
  return {
    campaignId: 'lisbon',
    name: 'Designers, Lisbon',
    startedAt: T0,
    steps: 3,
    prospects: [
      send('Ana', 1, T0),
      send('Ana', 2, T0 + 2 * DAY, {
        threading: { how: 'reply' },
        response: { kind: 'replied', at: T0 + 3 * DAY },
      }),
      send('Ben', 1, T0, { response: { kind: 'bounced', at: T0 + 60_000 } }),
      send('Cy', 1, T0),
      send('Cy', 2, T0 + 2 * DAY, { threading: { how: 'new-message', reason: FALLBACK } }),
      send('Cy', 3, T0 + 4 * DAY, { threading: { how: 'reply' } }),
      send('Di', 1, T0),
      send('Di', 2, null),
    ],
    opens: [
      { eventId: 'o1', sendId: 'ana-1', at: T0 + HOUR, ip: null, verdict: 'human' },
      { eventId: 'o2', sendId: 'cy-2', at: T0 + 2 * DAY + HOUR, ip: '198.51.100.7', verdict: 'human' },
      { eventId: 'o3', sendId: 'cy-3', at: T0 + 4 * DAY + 60_000, ip: null, verdict: 'proxy' },
    ],
    replies: [
      message('r1', 'ana-2', T0 + 3 * DAY, { from: 'ana@example.com' }),
      message('r2', 'ben-1', T0 + 60_000, {
        kind: 'bounce',
        subject: 'Undeliverable: A role at Contoso',
        from: 'postmaster@example.com',
        statusCode: '5.1.1',
      }),
    ],
    syncedAt: T0 + 5 * DAY,
    notes: [],
  };
}

function single(): CampaignResults {
  return {
    ...lisbon(),
    campaignId: 'one',
    name: 'One message',
    steps: 1,
    prospects: [send('Ana', 1, T0)],
    opens: [],
    replies: [],
  };
}

async function openReport(results: CampaignResults[], name: string) {
  const user = userEvent.setup();
  const session = fakeSession({ restored: true });
  const { services } = fakeServices({ session, office: fakeOffice('light') });
  render(<App services={{ ...services, loadResults: async () => fakeResultsSource(results) }} />);
  await user.click(await screen.findByRole('button', { name }, { timeout: LAZY }));
  await screen.findByRole('heading', { level: 1, name }, { timeout: LAZY });
  return user;
}

const titles = () =>
  within(screen.getByRole('list', { name: 'Timeline' }))
    .getAllByRole('listitem')
    .map((li) => li.querySelector('p')?.textContent);

describe('campaign report by step', () => {
  it('shows sent, opened, replied and bounced per step, in a table and in words', async () => {
    await openReport([lisbon()], 'Designers, Lisbon');
    expect(screen.getByRole('heading', { level: 2, name: 'By step' })).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Sent, opened, replied and bounced per step' });
    expect(
      within(table)
        .getAllByRole('row')
        .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent)),
    ).toEqual([
      ['Step', 'Sent', 'Opened', 'Replied', 'Bounced'],
      ['1', '4', '1', '0', '1'],
      ['2', '2', '1', '1', '0'],
      ['3', '1', '0', '0', '0'],
    ]);
    expect(screen.getByText(/Step 2 went to 2 prospects: 1 opened, 1 reply, 0 bounced\./)).toBeTruthy();
    expect(screen.getByText(/Most replies answered step 2 \(1 of 1\)\./)).toBeTruthy();
    // Headline numbers stay per prospect.
    expect(screen.getByText('Replied', { selector: 'dt' }).nextSibling?.textContent).toMatch(/^1/);
    expect(
      within(screen.getByRole('region', { name: /Prospects: all/ })).getByText(/^Replied to step 2 ·/),
    ).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
  });

  it('lets a keyboard user reach the by-step table', async () => {
    const user = await openReport([lisbon()], 'Designers, Lisbon');
    (screen.getByRole('button', { name: 'Export CSV' }) as HTMLElement).focus();
    await user.tab();
    expect(document.activeElement?.getAttribute('aria-label')).toBe(
      'Sent, opened, replied and bounced per step',
    );
  });

  it('tells on the timeline which step got the reply, how each step went out, and why no more steps follow', async () => {
    const user = await openReport([lisbon()], 'Designers, Lisbon');
    await user.click(screen.getByRole('button', { name: 'Ana' }));
    await screen.findByRole('heading', { level: 1, name: 'Ana' }, { timeout: LAZY });
    expect(titles()).toEqual([
      'Step 1 sent',
      'Opened by a person',
      'Step 2 sent (in the same thread)',
      'Replied to step 2',
      'No more steps: replied',
    ]);
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: '← Back to the report' }));
    await user.click(await screen.findByRole('button', { name: 'Cy' }, { timeout: LAZY }));
    await screen.findByRole('heading', { level: 1, name: 'Cy' }, { timeout: LAZY });
    expect(titles()).toEqual([
      'Step 1 sent',
      `Step 2 sent as a new message: ${FALLBACK}`,
      'Opened by a person',
      'Step 3 sent (in the same thread)',
      'Loaded by an image proxy (not counted as a person opening)',
    ]);
    expect(screen.getByText('Step 2 message')).toBeTruthy();
    expect(screen.getByText('Step 3 message')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: '← Back to the report' }));
    await user.click(await screen.findByRole('button', { name: 'Ben' }, { timeout: LAZY }));
    await screen.findByRole('heading', { level: 1, name: 'Ben' }, { timeout: LAZY });
    expect(titles()).toEqual(['Step 1 sent', 'Step 1 bounced', 'No more steps: bounced']);
  });

  it('has no by-step section for a single message', async () => {
    await openReport([single()], 'One message');
    expect(screen.queryByRole('heading', { name: 'By step' })).toBeNull();
    expect(screen.queryByRole('table', { name: 'Sent, opened, replied and bounced per step' })).toBeNull();
  });
});
