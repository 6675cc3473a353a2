import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SendFault } from '../../core/support/fake-mailbox';
import { manualConnectivity } from '../../core/support/connectivity';
import { confirmSend, fakeRuntime, type Harness, seriousViolations, startCampaign } from './harness';

const status = () => screen.getByTestId('send-status').textContent ?? '';
const eta = () => screen.getByTestId('send-eta').textContent ?? '';
const advance = (h: Harness, ms: number) => act(() => h.clock.advance(ms));

function expectOneEach(h: Harness, n: number) {
  const deliveries = h.mailbox.deliveries();
  expect(deliveries.size).toBe(n);
  expect([...deliveries.values()].every((c) => c === 1)).toBe(true);
}

describe('Campaign send: the connection drops', () => {
  it('waits for the connection, then resumes by itself and finishes without asking anything', async () => {
    const connectivity = manualConnectivity();
    const h = fakeRuntime({ connectivity });
    const { user } = await startCampaign(h, 40);
    await confirmSend(user, 40);
    await advance(h, 500);
    const before = h.mailbox.sendRequests;
    expect(before).toBeLessThan(40);

    h.mailbox.offline = true;
    act(() => connectivity.set(false));
    await advance(h, 3 * 60_000);
    await waitFor(() => expect(status()).toMatch(/^Waiting for the connection: \d+ of 40 sent$/));
    expect(screen.getByText('No connection')).toBeTruthy();
    expect(screen.getByText(/Sending continues by itself when the connection is back/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try now' })).toBeTruthy();
    expect(h.mailbox.sendRequests).toBe(before);
    expect(await seriousViolations()).toEqual([]);

    h.mailbox.offline = false;
    act(() => connectivity.set(true));
    await advance(h, 2 * 60_000);
    await waitFor(() => expect(status()).toBe('Finished: 40 of 40 sent'));
    expect(eta()).toBe('All done: 40 messages sent.');
    expect(screen.queryByText('No connection')).toBeNull();
    expectOneEach(h, 40);
  });

  it('when the pane cannot tell it is offline, "Try now" resumes as soon as the network is back', async () => {
    const h = fakeRuntime();
    const { user } = await startCampaign(h, 40);
    await confirmSend(user, 40);
    await advance(h, 500);
    h.mailbox.offline = true;
    await advance(h, 60_000);
    await waitFor(() => expect(status()).toMatch(/^Waiting for the connection/));
    const sent = h.mailbox.sendRequests;
    h.mailbox.offline = false;
    await user.click(screen.getByRole('button', { name: 'Try now' }));
    await advance(h, 1_000);
    await waitFor(() => expect(h.mailbox.sendRequests).toBeGreaterThan(sent));
    await waitFor(() => expect(status()).toMatch(/^Sending: \d+ of 40 sent$/));
  });
});

describe('Campaign send: recipients await the recruiter’s decision', () => {
  it('says what it waits for (not "All done"), takes the recruiter to the decisions, and unblocks New campaign after them', async () => {
    const faults: Record<number, SendFault> = {
      2: 'network-error-before-accept',
      3: 'network-error-before-accept',
      4: 'network-error-before-accept',
    };
    const h = fakeRuntime({ faults: (n) => faults[n] ?? 'none' });
    const { user } = await startCampaign(h, 10);
    await confirmSend(user, 10);
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Checking Sent Items for 3 messages: 7 of 10 sent'));
    expect(eta()).toBe('7 messages sent. Looking in Sent Items for 3 more.');

    // Ten minutes later none was found: the recruiter decides; the screen says so, in real plurals.
    await advance(h, 11 * 60_000);
    await waitFor(() => expect(status()).toBe('Waiting for your decision on 3 messages: 7 of 10 sent'));
    expect(eta()).toBe(
      '7 messages sent. Candor could not confirm 3 messages: decide below whether to resend or mark as not sent.',
    );
    expect(screen.queryByText(/All done/)).toBeNull();
    expect(await seriousViolations()).toEqual([]);

    // "New campaign" is not silently missing: it explains, and takes the recruiter to the decisions.
    await user.click(screen.getByRole('button', { name: 'New campaign' }));
    expect(screen.getByTestId('new-campaign-blocked').textContent).toMatch(
      /Before a new campaign, decide about the 3 messages Candor could not confirm/,
    );
    await user.click(screen.getByRole('button', { name: 'Go to the 3 messages' }));
    expect(document.activeElement).toBe(
      screen.getByRole('heading', { name: 'Not sure these were sent (3)' }),
    );
    // The decision controls come next in keyboard order.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Check Sent Items now' }));

    await user.click(screen.getByRole('button', { name: 'Resend to person3@example.com' }));
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe('Waiting for your decision on 2 messages: 8 of 10 sent'));
    await user.click(screen.getByRole('button', { name: 'Mark person4@example.com as not sent' }));
    await waitFor(() => expect(status()).toBe('Waiting for your decision on 1 message: 8 of 10 sent'));
    await user.click(screen.getByRole('button', { name: 'Decide on 1 message' }));
    expect(document.activeElement).toBe(
      screen.getByRole('heading', { name: 'Not sure these were sent (1)' }),
    );

    await user.click(screen.getByRole('button', { name: 'Mark person5@example.com as not sent' }));
    await waitFor(() => expect(status()).toBe('Finished: 8 of 10 sent'));
    expect(eta()).toBe('All done: 8 messages sent, 2 not sent.');
    expect(screen.queryByTestId('new-campaign-blocked')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'New campaign' }));
    expect(await screen.findByRole('tab', { name: 'Prospects' })).toBeTruthy();
    expect(h.mailbox.deliveries().get('person3@example.com')).toBe(1);
    expect(h.mailbox.deliveries().get('person4@example.com')).toBeUndefined();
  });

  it.each([
    ['Mark all 4 as not sent', 'Finished: 2 of 6 sent', 2],
    ['Resend all 4 not found', 'Finished: 6 of 6 sent', 6],
  ])('settles many at once: "%s"', async (button, finished, delivered) => {
    const h = fakeRuntime({ faults: (n) => (n >= 1 && n <= 4 ? 'network-error-before-accept' : 'none') });
    const { user } = await startCampaign(h, 6);
    await confirmSend(user, 6);
    await advance(h, 12 * 60_000);
    await waitFor(() => expect(status()).toBe('Waiting for your decision on 4 messages: 2 of 6 sent'));
    await user.click(screen.getByRole('button', { name: button }));
    await advance(h, 5_000);
    await waitFor(() => expect(status()).toBe(finished));
    expect(h.mailbox.deliveries().size).toBe(delivered);
    expect([...h.mailbox.deliveries().values()].every((c) => c === 1)).toBe(true);
  });
});
