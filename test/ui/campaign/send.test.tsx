import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { controllerFor } from '../../../src/ui/campaign/use-campaign';
import type { SendFault } from '../../core/support/fake-mailbox';
import {
  confirmSend,
  fakeRuntime,
  type Harness,
  memoryLock,
  renderCampaigns,
  seriousViolations,
  startCampaign as startCampaignThroughScreens,
} from './harness';

let view: ReturnType<typeof renderCampaigns>;

/** Builds a ready campaign through the screens and presses Review and send. */
async function startCampaign(h: Harness, n: number, options: { rate?: string; untrackRow1?: boolean } = {}) {
  const started = await startCampaignThroughScreens(h, n, options);
  view = started.view;
  return started.user;
}

const status = () => screen.getByTestId('send-status').textContent ?? '';
const advance = (h: Harness, ms: number) => act(() => h.clock.advance(ms));

/** Every prospect got exactly one message (the fake mailbox's ground truth). */
function expectOneEach(h: Harness, n: number) {
  const deliveries = h.mailbox.deliveries();
  expect(deliveries.size).toBe(n);
  expect([...deliveries.values()].every((c) => c === 1)).toBe(true);
}

describe('Send step', () => {
  it('confirms with counts, then sends each prospect one message with its own pixel', async () => {
    const h = fakeRuntime();
    const user = await startCampaign(h, 5, { untrackRow1: true });
    expect(screen.getByText(/Send 5 messages now\? Each prospect gets exactly one/)).toBeTruthy();
    expect(screen.getByTestId('send-summary').textContent).toMatch(
      /5 messages .* Opens tracked for 4, not for 1/,
    );
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await user.clear(screen.getByLabelText('Campaign name'));
    await user.type(screen.getByLabelText('Campaign name'), 'Spring engineers');
    await user.click(screen.getByRole('button', { name: 'Review and send' }));
    await confirmSend(user, 5);
    expect(screen.getByRole('heading', { name: 'Spring engineers' })).toBeTruthy();
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Finished: 5 of 5 sent'));
    expect(screen.getByTestId('send-eta').textContent).toBe('All done: 5 messages sent.');
    expectOneEach(h, 5);
    // Tracking off for row 1: no pixel registered or embedded for that prospect.
    expect(h.registered).toHaveLength(4);
    const first = h.mailbox.sentMails.find((m) => m.to.address === 'person1@example.com');
    expect(first?.html).toBe('<p>Hi P1</p>');
    const second = h.mailbox.sentMails.find((m) => m.to.address === 'person2@example.com');
    expect(second?.html).toMatch(/^<p>Hi P2<\/p><img src="https:\/\/t\.example\/o\/send-\d\.gif"/);
    expect(await seriousViolations()).toEqual([]);
  });

  it('paces, pauses, resumes and cancels the rest; cancelled prospects get nothing', async () => {
    const h = fakeRuntime();
    const user = await startCampaign(h, 30, { rate: '10' });
    await confirmSend(user, 30);
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Sending: 10 of 30 sent'));
    expect(screen.getByTestId('send-eta').textContent).toMatch(/^About 2 minutes left/);

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(status()).toMatch(/^Paused/));
    await advance(h, 5 * 60_000);
    expect(h.mailbox.sendRequests).toBe(10);

    // The window emptied while paused: the next ten go at once, the last ten a minute later.
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Sending: 20 of 30 sent'));
    await user.click(screen.getByRole('button', { name: 'Cancel the rest' }));
    await waitFor(() => expect(status()).toBe('Cancelled: 20 of 30 sent'));
    await advance(h, 5 * 60_000);
    expect(h.mailbox.sendRequests).toBe(20);
    expect(screen.getByTestId('count-failed').textContent).toBe('Not sent: 10');
    expect(screen.getByRole('button', { name: 'New campaign' })).toBeTruthy();
  });

  it('explains uncertain sends, finds one in Sent Items, and lets the recruiter resend the other', async () => {
    const faults: Record<number, SendFault> = { 0: '503-after-accept', 1: '503-before-accept' };
    const h = fakeRuntime({ faults: (n) => faults[n] ?? 'none' });
    const user = await startCampaign(h, 4);
    await confirmSend(user, 4);
    await advance(h, 5_000);
    await screen.findByRole('heading', { name: 'Not sure these were sent (2)' });
    expect(screen.getByText(/Candor never sends them again on its own/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Resend/ })).toBeNull();
    expect(await seriousViolations()).toEqual([]);

    // A minute later the first is found in Sent Items: sent, never resent.
    await advance(h, 65_000);
    await screen.findByRole('heading', { name: 'Not sure these were sent (1)' });
    // After the full wait the second is still missing: now the recruiter decides.
    await advance(h, 10 * 60_000);
    const resend = await screen.findByRole('button', { name: 'Resend to person2@example.com' });
    await user.click(resend);
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Finished: 4 of 4 sent'));
    expectOneEach(h, 4);
  });

  it('"mark as not sent" settles an uncertain recipient without sending', async () => {
    const h = fakeRuntime({ faults: (n) => (n === 0 ? 'network-error-before-accept' : 'none') });
    const user = await startCampaign(h, 2);
    await confirmSend(user, 2);
    await advance(h, 5_000);
    await user.click(await screen.findByRole('button', { name: 'Mark person1@example.com as not sent' }));
    await waitFor(() => expect(status()).toBe('Finished: 1 of 2 sent'));
    expect(h.mailbox.deliveries().get('person1@example.com')).toBeUndefined();
  });

  it('stops with a reason in plain words when access is revoked, and resumes after reconnecting', async () => {
    const h = fakeRuntime({ faults: (n) => (n === 2 ? 'revoked' : 'none') });
    const user = await startCampaign(h, 6);
    await confirmSend(user, 6);
    await advance(h, 5_000);
    await screen.findByText('Sending stopped');
    expect(
      screen.getByText(/Candor lost permission to send from your mailbox .* Connect again, then resume/),
    ).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
    h.mailbox.reauthorize();
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Finished: 6 of 6 sent'));
    expectOneEach(h, 6);
  });

  it('after a reload it continues where it stopped, without resending anyone', async () => {
    const h = fakeRuntime();
    const user = await startCampaign(h, 25, { rate: '10' });
    await confirmSend(user, 25);
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Sending: 10 of 25 sent'));
    // The page goes away: its engine stops with it (a reload ends the old page's scripts).
    controllerFor(h.runtime).dispose();
    view.unmount();

    // "Reload": a new runtime (new controller, new engine) over the same saved state and mailbox.
    const again = fakeRuntime({ store: h.store, clock: h.clock, mailbox: h.mailbox });
    renderCampaigns(again.runtime);
    await screen.findByTestId('send-status');
    expect(status()).toBe('Sending: 10 of 25 sent');
    await advance(h, 3 * 65_000);
    await waitFor(() => expect(status()).toBe('Finished: 25 of 25 sent'));
    expectOneEach(h, 25);
  });

  it('a second window on the same device does not send the same campaign', async () => {
    const lock = memoryLock();
    const h = fakeRuntime({ lock });
    const user = await startCampaign(h, 25, { rate: '10' });
    await confirmSend(user, 25);
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Sending: 10 of 25 sent'));
    view.unmount();

    // Another pane opens the same saved campaign while the first one is still sending.
    const other = fakeRuntime({ store: h.store, clock: h.clock, mailbox: h.mailbox, lock });
    const second = renderCampaigns(other.runtime);
    expect(await screen.findByText(/This campaign is being sent from another Candor window/)).toBeTruthy();
    // It may start a new campaign meanwhile, but not open or delete the one being sent elsewhere.
    expect(screen.getByRole('button', { name: 'Start a new campaign' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Keep working on this device' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete this campaign from this device' })).toBeNull();
    await advance(h, 3 * 65_000);
    expectOneEach(h, 25);
    expect(h.mailbox.sendRequests).toBe(25);

    // Once the first window is gone, the second can take over (here: nothing is left to send).
    controllerFor(h.runtime).dispose();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('send-status');
    second.unmount();
  });
});
