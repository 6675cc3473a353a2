import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useResumeInBackground } from '../../../src/ui/campaign/use-resume-in-background';
import { controllerFor } from '../../../src/ui/campaign/use-campaign';
import type { CampaignRuntime } from '../../../src/ui/campaign/runtime';
import { fakeRuntime } from './harness';

function Pane({ connected, load }: { connected: boolean; load: () => Promise<CampaignRuntime> }) {
  useResumeInBackground(connected, load);
  return null;
}

/** A saved campaign of `n` prospects that was sending when the pane closed (after 10 were sent). */
async function savedRunningCampaign(n: number) {
  const first = fakeRuntime();
  const controller = controllerFor(first.runtime);
  await controller.load();
  controller.update((d) => ({
    ...d,
    table: {
      headers: ['Email'],
      rows: Array.from({ length: n }, (_, i) => [`p${i}@example.com`]),
      delimiter: ',',
      problems: [],
    },
    mapping: ['email'],
    template: { subject: 'Hello', html: '<p>Hi</p>' },
    ratePerMinute: 10,
    sequence: { ...d.sequence, graceMinutes: 0 },
  }));
  await controller.startSending();
  await first.clock.advance(5_000);
  expect(first.mailbox.sendRequests).toBe(10);
  controller.dispose();
  return first;
}

describe('campaigns in the background', () => {
  it('a campaign that was sending continues once connected, without opening Campaigns', async () => {
    const before = await savedRunningCampaign(20);
    const h = fakeRuntime({ store: before.store, clock: before.clock, mailbox: before.mailbox });
    let loads = 0;
    const load = async () => {
      loads++;
      return h.runtime;
    };
    const view = render(<Pane connected={false} load={load} />);
    await act(() => h.clock.advance(2 * 60_000));
    expect(loads).toBe(0);
    expect(h.mailbox.sendRequests).toBe(10);

    view.rerender(<Pane connected={true} load={load} />);
    await act(() => h.clock.advance(2 * 60_000));
    expect(loads).toBe(1);
    expect(h.mailbox.sendRequests).toBe(20);
    expect([...h.mailbox.deliveries().values()].every((c) => c === 1)).toBe(true);
  });

  it('signing out closes the campaign: its engine stops and nothing more is sent', async () => {
    const before = await savedRunningCampaign(40);
    const h = fakeRuntime({ store: before.store, clock: before.clock, mailbox: before.mailbox });
    let closes = 0;
    h.runtime.close = async () => {
      closes++;
      controllerFor(h.runtime).dispose();
    };
    const view = render(<Pane connected={true} load={async () => h.runtime} />);
    await act(() => h.clock.advance(70_000));
    const sent = h.mailbox.sendRequests;
    expect(sent).toBe(20);

    view.rerender(<Pane connected={false} load={async () => h.runtime} />);
    await act(() => h.clock.advance(10 * 60_000));
    expect(closes).toBe(1);
    expect(h.mailbox.sendRequests).toBe(sent);
  });
});
