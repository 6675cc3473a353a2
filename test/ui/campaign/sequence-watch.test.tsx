import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Campaign } from '../../../src/core/campaign';
import { DEFAULT_SEQUENCE, type SequenceSettings } from '../../../src/core/sequence/types';
import { computeProgress, Pacer, type RecipientRecord } from '../../../src/core/send';
import { newRecipient } from '../../../src/core/send/recipient';
import { ManualClock } from '../../../src/shared/clock';
import type { CampaignController } from '../../../src/ui/campaign/controller';
import type { SequenceProgress, Sending } from '../../../src/ui/campaign/sequence/controller-api';
import { SendProgressView } from '../../../src/ui/campaign/SendProgressView';
import { seriousViolations } from './harness';

const NOW = Date.UTC(2026, 0, 5, 10, 22); // 10:22 UTC
const followUp = {
  template: { subject: '', html: '<p>Any news?</p>' },
  delay: { amount: 3, unit: 'business-days' as const },
};

function campaign(sequence: SequenceSettings): Campaign & { sequence: SequenceSettings } {
  return {
    id: 'c1',
    name: 'Backend engineers',
    template: { subject: 'Hello', html: '<p>Hi</p>' },
    prospects: ['ada', 'bob', 'cy'].map((id, i) => ({
      id,
      row: i + 1,
      email: `${id}@example.com`,
      fields: {},
      trackOpens: true,
    })),
    fields: ['email'],
    trackOpens: true,
    ratePerMinute: 30,
    sequence,
  };
}

const rec = (
  id: string,
  step: number,
  state: RecipientRecord['state'],
  notBefore?: number,
): RecipientRecord => ({
  ...newRecipient({ id, address: `${id.split('#')[0]}@example.com` }),
  state,
  ...(step > 1 ? { step, prospectId: id.split('#')[0] } : {}),
  ...(notBefore !== undefined ? { notBefore } : {}),
});

/**
 * A controller as the lead adds it for #10 (contract §5): sendNow(), cancel(), stopProspect() and the
 * sending state's `sequence` / `dueOnOpen`. Only what SendProgressView calls.
 */
function fakeController(
  records: RecipientRecord[],
  sequence: SequenceSettings,
  extra: { sequence?: SequenceProgress; dueOnOpen?: number; status?: 'running' | 'cancelled' } = {},
) {
  const clock = new ManualClock(NOW);
  const controls = {
    sendNow: vi.fn(async () => undefined),
    stopProspect: vi.fn(async (_id: string, _code: string) => undefined),
    cancel: vi.fn(),
  };
  const controller = {
    runtime: { clock, timeFactor: 1 },
    recipients: () => records,
    refresh: () => undefined,
    pause: vi.fn(),
    resume: vi.fn(),
    newCampaign: vi.fn(),
    ...controls,
  } as unknown as CampaignController;
  const progress = computeProgress(
    records,
    extra.status ?? 'running',
    null,
    new Pacer(30, { initialMs: 1000, maxMs: 60_000 }),
    [],
    NOW,
  );
  const state = {
    phase: 'sending',
    campaign: campaign(sequence),
    progress,
    tick: 1,
    notice: null,
    ...(extra.sequence ? { sequence: extra.sequence } : {}),
    ...(extra.dueOnOpen !== undefined ? { dueOnOpen: extra.dueOnOpen } : {}),
  } as Sending;
  return { controller, state, controls };
}

function show(f: ReturnType<typeof fakeController>) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <main>
        <SendProgressView controller={f.controller} state={f.state} />
      </main>
    </FluentProvider>,
  );
}

const UTC_WINDOW = {
  days: [1, 2, 3, 4, 5],
  startMinute: 8 * 60,
  endMinute: 18 * 60,
  timeZone: 'UTC',
  prospectTimeZoneField: null,
};

describe('watching a sequence', () => {
  it('during the grace period: when sending starts, with Send now and Cancel', async () => {
    const held = NOW + 20 * 60_000;
    const f = fakeController(
      [rec('ada', 1, 'queued', held), rec('bob', 1, 'queued', held), rec('cy', 1, 'queued', held)],
      { ...DEFAULT_SEQUENCE, window: UTC_WINDOW, followUps: [followUp] },
    );
    show(f);
    const banner = screen.getByTestId('grace-banner');
    expect(within(banner).getByText('Sending starts at 10:42')).toBeTruthy();
    expect(banner.textContent).toMatch(/nothing has been sent yet/);
    await userEvent.click(within(banner).getByRole('button', { name: 'Send now' }));
    expect(f.controls.sendNow).toHaveBeenCalledOnce();
    await userEvent.click(within(banner).getByRole('button', { name: 'Cancel' }));
    expect(f.controls.cancel).toHaveBeenCalledOnce();
    expect(await seriousViolations()).toEqual([]);
  });

  it('when Send now fails it says so and that sending still starts at the end of the grace period', async () => {
    const held = NOW + 20 * 60_000;
    const f = fakeController([rec('ada', 1, 'queued', held)], { ...DEFAULT_SEQUENCE, window: UTC_WINDOW });
    f.controls.sendNow.mockRejectedValueOnce(new Error('Candor’s service could not be reached.'));
    show(f);
    await userEvent.click(screen.getByRole('button', { name: 'Send now' }));
    expect((await screen.findByTestId('sequence-error')).textContent).toBe(
      'Sending could not start now; it still starts at 10:42. Try Send now again. Candor’s service could not be reached.',
    );
  });

  it('shows progress by step with who stopped and why, and what the next step waits on', () => {
    const f = fakeController(
      [
        rec('ada', 1, 'sent'),
        rec('bob', 1, 'sent'),
        rec('cy', 1, 'sent'),
        rec('cy#2', 2, 'queued', NOW + 86_400_000),
      ],
      { ...DEFAULT_SEQUENCE, window: UTC_WINDOW, followUps: [followUp, followUp] },
      {
        sequence: {
          steps: [
            { step: 1, sent: 3, waiting: 0, stopped: {} },
            { step: 2, sent: 0, waiting: 1, stopped: { replied: 1, bounced: 1 } },
            { step: 3, sent: 0, waiting: 0, stopped: { replied: 1, bounced: 1 } },
          ],
          nextDue: { at: Date.UTC(2026, 0, 8, 8, 0), step: 2, reason: 'window' },
        },
      },
    );
    show(f);
    const steps = within(screen.getByRole('list', { name: 'Progress by step' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(steps).toEqual([
      'Step 1: 3 sent, 0 waiting.',
      'Step 2: 0 sent, 1 waiting. Stopped: 1 replied, 1 bounced.',
      'Step 3: 0 sent, 0 waiting. Stopped: 1 replied, 1 bounced.',
    ]);
    expect(screen.getByTestId('next-step').textContent).toBe(
      'Next: step 2, due Thu 8 Jan, 08:00. It waits for your sending window, which opens Thu 8 Jan, 08:00. Times are in UTC.',
    );
    expect(screen.getByTestId('pane-note').textContent).toMatch(
      /Candor sends only while its pane is open in Outlook on one of your devices.*pin it/,
    );
    expect(screen.queryByTestId('grace-banner')).toBeNull();
  });

  it('says how many follow-ups fell due while Candor was closed', () => {
    const f = fakeController(
      [
        rec('ada', 1, 'sent'),
        rec('ada#2', 2, 'queued', NOW - 1),
        rec('bob', 1, 'sent'),
        rec('bob#2', 2, 'queued', NOW - 1),
      ],
      { ...DEFAULT_SEQUENCE, followUps: [followUp] },
      { dueOnOpen: 2, sequence: { steps: [], nextDue: { at: NOW, step: 2, reason: 'reply-sync' } } },
    );
    show(f);
    expect(screen.getByTestId('due-on-open').textContent).toBe(
      '2 follow-ups fell due while Candor was closed; sending them now (within your window).',
    );
    expect(screen.getByTestId('next-step').textContent).toMatch(/check your inbox for replies/);
  });

  it('stops one prospect’s follow-ups and says what that means', async () => {
    const f = fakeController(
      [
        rec('ada', 1, 'sent'),
        rec('ada#2', 2, 'queued', NOW + 1000),
        rec('bob', 1, 'failed'),
        rec('cy', 1, 'sent'),
      ],
      { ...DEFAULT_SEQUENCE, followUps: [followUp] },
    );
    show(f);
    const select = screen.getByLabelText('Prospect') as HTMLSelectElement;
    // bob's first message failed: there is nothing to stop for him.
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'Choose…',
      'ada@example.com',
      'cy@example.com',
    ]);
    await userEvent.selectOptions(select, 'ada');
    await userEvent.click(screen.getByRole('button', { name: 'Stop follow-ups' }));
    expect(f.controls.stopProspect).toHaveBeenCalledWith('ada', 'removed');
    await waitFor(() =>
      expect(
        screen.getByText('No more follow-ups go to ada@example.com. What was already sent stays sent.'),
      ).toBeTruthy(),
    );
    expect([...(screen.getByLabelText('Prospect') as HTMLSelectElement).options].map((o) => o.value)).toEqual(
      ['', 'cy'],
    );
  });

  it('a failed stop says the next step still goes and to try again', async () => {
    const f = fakeController([rec('ada', 1, 'sent')], { ...DEFAULT_SEQUENCE, followUps: [followUp] });
    f.controls.stopProspect.mockRejectedValueOnce(new Error('Candor’s service could not be reached.'));
    show(f);
    await userEvent.selectOptions(screen.getByLabelText('Prospect'), 'ada');
    await userEvent.click(screen.getByRole('button', { name: 'Stop follow-ups' }));
    expect(
      await screen.findByText(
        'Candor could not stop the follow-ups for ada@example.com. Candor’s service could not be reached. Try again; until then their next step still goes as planned.',
      ),
    ).toBeTruthy();
  });
});
