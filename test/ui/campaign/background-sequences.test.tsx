/**
 * A sequence keeps going when the recruiter starts another campaign: the campaign left behind is
 * picked up by the background runner and its follow-ups go out on time, and both campaigns share
 * one mailbox's limits.
 */
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MailboxLimits } from '../../../src/core/send/mailbox-limits';
import { backgroundFor, controllerFor } from '../../../src/ui/campaign/use-campaign';
import { fakeRuntime, renderCampaigns, type Harness } from './harness';

const DAY = 24 * 3_600_000;

async function buildSequence(h: Harness, id: string, n: number): Promise<void> {
  const controller = controllerFor(h.runtime);
  await controller.load();
  controller.update((d) => ({
    ...d,
    id,
    name: `Campaign ${id}`,
    table: {
      headers: ['Email'],
      rows: Array.from({ length: n }, (_, i) => [`${id}-p${i}@example.com`]),
      delimiter: ',',
      problems: [],
    },
    mapping: ['email'],
    template: { subject: 'Hello', html: '<p>Hi</p>' },
    ratePerMinute: 30,
    sequence: {
      ...d.sequence,
      graceMinutes: 0,
      followUps: [
        {
          template: { subject: 'RE: Hello', html: '<p>Any news?</p>' },
          delay: { amount: 1, unit: 'calendar-days' },
        },
      ],
    },
  }));
  await controller.startSending();
}

describe('sequences in the background', () => {
  it('a sequence left behind by "New campaign" sends its follow-ups in the background', async () => {
    const h = fakeRuntime({ latencyMs: 100, sentItemsDelayMs: 1_000 });
    h.runtime.listCampaignIds = async () => [...h.store.saved.keys()];
    h.runtime.mailbox = new MailboxLimits(h.clock);
    await buildSequence(h, 'first', 4);
    const main = controllerFor(h.runtime);
    await h.clock.advance(60_000);
    expect(h.mailbox.sendRequests).toBe(4);
    main.refresh();
    const state = main.getState();
    expect(state.phase === 'sending' && state.sequence.steps[1]?.waiting).toBe(4);

    // The recruiter starts another campaign while step 2 waits a day.
    await main.newCampaign();
    expect(main.getState().phase).toBe('editing');
    await backgroundFor(h.runtime).refresh();
    expect(
      backgroundFor(h.runtime)
        .controllers()
        .map((c) => c.pinnedId),
    ).toEqual(['first']);

    await h.clock.advance(DAY + 5 * 60_000);
    // Every prospect got step 2 exactly once (the fake mailbox cannot reply: each is a new "RE:" message).
    const deliveries = h.mailbox.deliveries();
    expect([...deliveries.values()]).toEqual([2, 2, 2, 2]);
    expect(h.mailbox.sentMails.filter((m) => m.subject === 'RE: Hello')).toHaveLength(4);
    backgroundFor(h.runtime).dispose();
    main.dispose();
  });

  it('lists a campaign sending in the background on the Campaign screen, and opens it', async () => {
    const h = fakeRuntime({ latencyMs: 100, sentItemsDelayMs: 1_000 });
    h.runtime.listCampaignIds = async () => [...h.store.saved.keys()];
    await buildSequence(h, 'first', 2);
    await h.clock.advance(60_000);
    const main = controllerFor(h.runtime);
    await main.newCampaign();
    await backgroundFor(h.runtime).refresh();

    const user = userEvent.setup();
    renderCampaigns(h.runtime);
    await screen.findByRole('heading', { level: 2, name: 'Also sending' });
    expect(screen.getByTestId('other-campaigns').textContent).toContain('Campaign first (2 sent)');
    await user.click(screen.getByRole('button', { name: 'Open Campaign first' }));
    // The campaign is on screen again (with its steps), and no longer listed as "also sending".
    await screen.findByTestId('step-progress');
    await waitFor(() => expect(screen.queryByTestId('other-campaigns')).toBeNull());
    expect(main.getState().phase).toBe('sending');
    await act(async () => {
      backgroundFor(h.runtime).dispose();
      main.dispose();
    });
  });
});
