import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CampaignResults, ReplyRecord } from '../../../src/core/results/types';
import { App } from '../../../src/ui/app/App';
import type { PaneServices } from '../../../src/ui/pane-services';
import { fakeResultsSource, generatedResults, type FakeResultsSource } from '../../support/fake-results';
import { seriousViolations } from '../axe';
import { fakeOffice, fakeServices, fakeSession } from '../fake-services';

// The charts library cannot lay out in jsdom (no layout, no canvas: NaN coordinates), and jsdom ignores
// the `inert` that keeps the chart out of the Tab order in browsers. Here the chart is a stand-in; the
// real one is drawn, Tab-walked and axe-checked in Chromium by scripts/report-screenshots/shoot.ts.
vi.mock('../../../src/ui/report/ActivityChart', () => ({
  default: () => <svg role="img" aria-label="Opens and replies over time" data-testid="chart" />,
}));

// jsdom has no layout; the virtualised list sizes itself from these (a screenful of rows renders).
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 320 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 330 });

const T0 = Date.UTC(2026, 11, 1, 9, 0);
const HOUR = 3_600_000;
/** Lazy screens and the charts chunk import slowly in jsdom on a busy machine. */
const LAZY = 15_000;

const reply = (eventId: string, sendId: string, extra: Partial<ReplyRecord>): ReplyRecord => ({
  eventId,
  sendId,
  kind: 'reply',
  subject: 'RE: A role at Contoso',
  from: 'someone@example.com',
  receivedAt: T0 + 2 * HOUR,
  ip: '203.0.113.9',
  confidence: 'high',
  matchedBy: 'conversation',
  statusCode: null,
  ...extra,
});

function berlin(): CampaignResults {
  const p = (n: number, name: string) => ({
    prospectId: `p${n}`,
    step: 1,
    displayName: name,
    address: `${name.toLowerCase()}@example.com`,
    state: 'sent' as const,
    sentAt: T0,
    sendId: `s${n}`,
  });
  return {
    campaignId: 'berlin',
    name: 'Backend engineers, Berlin',
    startedAt: T0,
    prospects: [p(1, 'Ana'), p(2, 'Ben'), p(3, 'Cy'), p(4, 'Di')],
    opens: [
      { eventId: 'o1', sendId: 's1', at: T0 + HOUR, ip: '198.51.100.20', verdict: 'human' },
      { eventId: 'o2', sendId: 's4', at: T0 + 60_000, ip: '66.249.84.1', verdict: 'proxy' },
    ],
    replies: [
      reply('r1', 's1', { from: 'ana@example.com' }),
      reply('r2', 's2', {
        from: 'ben@example.com',
        confidence: 'medium',
        matchedBy: 'address-subject',
        receivedAt: T0 + 4 * HOUR,
      }),
      reply('r3', 's3', {
        kind: 'bounce',
        subject: 'Undeliverable: A role',
        from: 'postmaster@example.com',
        statusCode: '5.1.1',
        receivedAt: T0 + 60_000,
      }),
    ],
    syncedAt: T0 + 5 * HOUR,
    notes: ['One message in Junk Email could not be matched.'],
  };
}

function servicesWith(source: FakeResultsSource | null, theme: 'light' | 'dark' | 'highContrast' = 'light') {
  const session = fakeSession({ restored: true });
  const { services } = fakeServices({ session, office: fakeOffice(theme) });
  const withResults: PaneServices = source ? { ...services, loadResults: async () => source } : services;
  return withResults;
}

async function openHome(services: PaneServices) {
  render(<App services={services} />);
  // The first lazy chunks take a while to import in jsdom on a busy machine.
  await screen.findByRole('heading', { level: 2, name: 'Campaign results' }, { timeout: LAZY });
}

/** A headline number's value (and rate), read from the description list. */
const headline = (label: string, scope: Pick<typeof screen, 'getByText'> = screen) =>
  scope.getByText(label, { selector: 'dt' }).nextSibling?.textContent;

function blobText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('campaign results', () => {
  beforeEach(() => {
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:report');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('says plainly that results are not available when the pane has no results source', async () => {
    await openHome(servicesWith(null));
    expect(await screen.findByText('Results are not available yet')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
  });

  it('says what went wrong when results cannot be loaded, and loads them on Try again', async () => {
    const user = userEvent.setup();
    const source = fakeResultsSource([berlin()]);
    const session = fakeSession({ restored: true });
    const { services } = fakeServices({ session });
    const failures = [new Error('Candor’s service did not answer.')];
    await openHome({
      ...services,
      loadResults: async () => {
        const error = failures.shift();
        if (error) throw error;
        return source;
      },
    });
    expect(
      await screen.findByText('Could not load your campaign results', {}, { timeout: LAZY }),
    ).toBeTruthy();
    expect(screen.getByText(/Candor’s service did not answer\./)).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY }),
    ).toBeTruthy();
  });

  it('lists campaigns on Home with their headline numbers and what needs attention', async () => {
    await openHome(servicesWith(fakeResultsSource([berlin()])));
    const item = (
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY })
    ).closest('li')!;
    const numbers = within(item as HTMLElement);
    expect(headline('Sent', numbers)).toBe('4');
    expect(headline('Opened by people', numbers)).toBe('1');
    expect(headline('Replied', numbers)).toBe('2');
    expect(headline('Bounced', numbers)).toBe('1');
    expect(numbers.getByText('1 address bounced.')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
  });

  it('goes Home → report → prospect → back by keyboard, with counts, rates, match confidence and notes', async () => {
    const user = userEvent.setup();
    await openHome(servicesWith(fakeResultsSource([berlin()])));
    (await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY })).focus();
    await user.keyboard('{Enter}');

    const heading = await screen.findByRole(
      'heading',
      { level: 1, name: 'Backend engineers, Berlin' },
      { timeout: LAZY },
    );
    expect(document.activeElement).toBe(heading);
    expect(headline('Delivered')).toBe('375% of sent');
    expect(headline('Replied')).toBe('267% of delivered');
    expect(screen.getByText('One message in Junk Email could not be matched.')).toBeTruthy();
    expect(screen.getByText(/Half of the replies came within 3 h/)).toBeTruthy();
    expect(screen.getByText('1 address bounced.')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);

    // The chart's numbers as a table, for screen readers and keyboard users.
    await user.click(screen.getByRole('button', { name: 'Show as a table' }));
    const table = screen.getByRole('table');
    expect(within(table).getAllByRole('row').length).toBeGreaterThan(1);
    expect(await seriousViolations()).toEqual([]);

    // Only the replied prospects.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Show' }), 'Replied (2)');
    const list = screen.getByRole('region', { name: 'Prospects: Replied (2)' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('button')?.textContent),
    ).toEqual(['Ana', 'Ben']);

    await user.click(within(list).getByRole('button', { name: 'Ben' }));
    const prospect = await screen.findByRole('heading', { level: 1, name: 'Ben' }, { timeout: LAZY });
    expect(document.activeElement).toBe(prospect);
    expect(screen.getByText('Likely — same sender and subject')).toBeTruthy();
    expect(screen.getByText('“RE: A role at Contoso” from ben@example.com')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: '← Back to the report' }));
    await screen.findByRole('heading', { level: 1, name: 'Backend engineers, Berlin' }, { timeout: LAZY });
    await user.click(screen.getByRole('button', { name: '← Back to Home' }));
    await screen.findByRole('heading', { level: 2, name: 'Campaign results' }, { timeout: LAZY });
  });

  it('reaches every action on the report by Tab, in reading order', async () => {
    const user = userEvent.setup();
    await openHome(servicesWith(fakeResultsSource([berlin()])));
    await user.click(
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY }),
    );
    await screen.findByRole('heading', { level: 1, name: 'Backend engineers, Berlin' }, { timeout: LAZY });
    const order: string[] = [];
    (screen.getByRole('button', { name: '← Back to Home' }) as HTMLElement).focus();
    for (let i = 0; i < 9; i++) {
      const el = document.activeElement as HTMLElement;
      order.push(el.getAttribute('aria-label') ?? el.textContent ?? '');
      await user.tab();
    }
    expect(order).toEqual([
      '← Back to Home',
      'Refresh',
      'Export CSV',
      'Show as a table',
      expect.stringContaining('All prospects (4)'),
      'Prospects: all (4)',
      'Ana',
      'Ben',
      'Cy',
    ]);
  });

  it('shows each open with time, address and verdict, and a bounce with its reason and code', async () => {
    const user = userEvent.setup();
    await openHome(servicesWith(fakeResultsSource([berlin()])));
    await user.click(
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY }),
    );
    await user.click(await screen.findByRole('button', { name: 'Ana' }, { timeout: LAZY }));
    await screen.findByRole('heading', { level: 1, name: 'Ana' }, { timeout: LAZY });
    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('p')?.textContent),
    ).toEqual(['Sent', 'Opened by a person', 'Replied']);
    expect(within(timeline).getByText('From address 198.51.100.20')).toBeTruthy();
    expect(within(timeline).getByText('Matched by conversation')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: '← Back to the report' }));
    await user.click(await screen.findByRole('button', { name: 'Cy' }, { timeout: LAZY }));
    await screen.findByRole('heading', { level: 1, name: 'Cy' }, { timeout: LAZY });
    expect(screen.getByText('The address does not exist (5.1.1)')).toBeTruthy();
  });

  it('refreshes with progress, says plainly when it fails, and tries again', async () => {
    const user = userEvent.setup();
    const source = fakeResultsSource([berlin()]);
    let release!: () => void;
    source.syncGate = new Promise((r) => (release = r));
    source.syncErrors.push(new Error('Outlook could not be reached.'));
    await openHome(servicesWith(source));
    await user.click(
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY }),
    );
    await user.click(await screen.findByRole('button', { name: 'Refresh' }, { timeout: LAZY }));
    expect(screen.getByText('Checking your mailbox for replies and fetching new opens…')).toBeTruthy();
    await act(async () => release());
    expect(await screen.findByText('Could not refresh the results')).toBeTruthy();
    expect(screen.getByText(/Outlook could not be reached\./)).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);

    source.syncGate = null;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Up to date.')).toBeTruthy();
    expect(source.syncCalls).toBe(2);
  });

  it('updates the report when a background sync brings a new reply', async () => {
    const user = userEvent.setup();
    const source = fakeResultsSource([berlin()]);
    await openHome(servicesWith(source));
    await user.click(
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY }),
    );
    await screen.findByRole('heading', { level: 1, name: 'Backend engineers, Berlin' }, { timeout: LAZY });
    const next = berlin();
    next.replies.push(reply('r4', 's4', { from: 'di@example.com' }));
    act(() => source.publish(next));
    await waitFor(() => expect(headline('Replied')).toBe('3100% of delivered'), { timeout: LAZY });
  });

  it('exports the report as a CSV file', async () => {
    const user = userEvent.setup();
    const blobs: Blob[] = [];
    vi.mocked(URL.createObjectURL).mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:report';
    });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    await openHome(servicesWith(fakeResultsSource([berlin()])));
    await user.click(
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY }),
    );
    await user.click(await screen.findByRole('button', { name: 'Export CSV' }, { timeout: LAZY }));
    expect(clicked).toEqual([
      expect.stringMatching(/^Backend-engineers-Berlin-results-\d{4}-\d{2}-\d{2}\.csv$/),
    ]);
    const rows = Papa.parse<string[]>((await blobText(blobs[0]!)).replace(/^\uFEFF/, '').trim()).data;
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      ['Prospect', 'Status'],
      ['Ana', 'Replied'],
      ['Ben', 'Replied'],
      ['Cy', 'Bounced'],
      ['Di', 'Sent'],
    ]);
  });

  it.each(['dark', 'highContrast'] as const)('is axe-clean in the %s theme', async (theme) => {
    const user = userEvent.setup();
    await openHome(servicesWith(fakeResultsSource([berlin()]), theme));
    await user.click(
      await screen.findByRole('button', { name: 'Backend engineers, Berlin' }, { timeout: LAZY }),
    );
    await screen.findByRole('heading', { level: 1, name: 'Backend engineers, Berlin' }, { timeout: LAZY });
    expect(await seriousViolations()).toEqual([]);
  });

  it('lists 5,000 prospects with only a screenful in the page', async () => {
    const user = userEvent.setup();
    const big = generatedResults({
      campaignId: 'big',
      name: 'Big campaign',
      prospects: 5_000,
      opens: 20_000,
    });
    await openHome(servicesWith(fakeResultsSource([big])));
    await user.click(await screen.findByRole('button', { name: 'Big campaign' }, { timeout: LAZY }));
    const list = await screen.findByRole('region', { name: 'Prospects: all (5,000)' }, { timeout: LAZY });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.length).toBeLessThan(40);
  });
});
