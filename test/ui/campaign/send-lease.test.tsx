import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { campaignSnapshot, createCampaignSend, type Campaign } from '../../../src/core/campaign';
import { ManualClock } from '../../../src/shared/clock';
import {
  LEASE_MESSAGES,
  LeaseKeeper,
  type LeaseAnswer,
  localDeviceId,
  type SendLease,
} from '../../../src/ui/campaign/send-lease';
import { fakeRuntime, memoryStore, renderCampaigns } from './harness';

/** A lease port answering after `latencyMs` each way, with answers (or failures) the test sets. */
function scriptedLease(clock: ManualClock, latencyMs: number) {
  const calls: { kind: 'take' | 'release'; sentAt: number }[] = [];
  const port: SendLease & { answer: () => LeaseAnswer; calls: typeof calls } = {
    calls,
    answer: () => ({ held: false, expiresAt: clock.now() + 60_000 }),
    async take() {
      calls.push({ kind: 'take', sentAt: clock.now() });
      await clock.sleep(latencyMs);
      const a = port.answer();
      await clock.sleep(latencyMs);
      return a;
    },
    async release() {
      calls.push({ kind: 'release', sentAt: clock.now() });
    },
  };
  return port;
}

/** A campaign being sent, saved (as another device left it), with `clock` as the send clock. */
function savedSendingCampaign(clock: ManualClock) {
  const store = memoryStore();
  const campaign: Campaign = {
    id: 'c1',
    name: 'Spring hiring',
    template: { subject: 'Hello', html: '<p>Hi</p>' },
    prospects: [
      { id: 'p1', row: 1, email: 'a@example.com', fields: { email: 'a@example.com' }, trackOpens: false },
    ],
    fields: ['email'],
    trackOpens: false,
    ratePerMinute: 30,
  };
  const engine = createCampaignSend(campaign, {
    clock,
    sender: { sendMail: async () => ({ kind: 'accepted' }), listSentSince: async () => [] },
    pixelUrl: async () => 'https://t.example/o/x.gif',
  });
  engine.start();
  store.save('c1', {
    version: 1,
    draft: null,
    snapshot: campaignSnapshot(campaign, engine),
    backendSends: {},
  });
  engine.dispose();
  store.current = 'c1';
  return store;
}

describe('the send lease', () => {
  it('lets this device send only until the last request was sent + 60 s − 10 s, renewing every 20 s', async () => {
    const clock = new ManualClock();
    const port = scriptedLease(clock, 3_000);
    const keeper = new LeaseKeeper(port, 'device-1', 'c1', clock);
    const t0 = clock.now();
    keeper.keep();
    expect(keeper.valid()).toBe(false);
    await clock.advance(6_000);
    expect(keeper.status).toBe('held');
    expect(keeper.epoch).toBe(1);
    // Renewals every 20 s keep it valid without a gap (same epoch).
    await clock.advance(60_000);
    expect(port.calls.filter((c) => c.kind === 'take')).toHaveLength(3); // at 0, 26 and 52 s
    expect(keeper.epoch).toBe(1);
    // The service stops answering: valid until the last successful request's send time + 50 s.
    const lastOk = port.calls.at(-1)!.sentAt;
    port.answer = () => {
      throw new Error('network');
    };
    await clock.advance(lastOk + 50_000 - clock.now() - 1);
    expect(keeper.valid()).toBe(true);
    await clock.advance(1);
    expect(keeper.valid()).toBe(false);
    await clock.advance(5_000);
    expect(keeper.status).toBe('unreachable');
    // Back: held again, but after a gap (new epoch, so the pane reloads before sending).
    port.answer = () => ({ held: false, expiresAt: clock.now() + 60_000 });
    await clock.advance(12_000);
    expect(keeper.status).toBe('held');
    expect(keeper.epoch).toBe(2);
    await keeper.release();
    expect(keeper.valid()).toBe(false);
    expect(port.calls.at(-1)!.kind).toBe('release');
    expect(t0).toBeLessThan(clock.now());
  });

  it('keeps one random id per device', () => {
    const m = new Map<string, string>();
    const storage = {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
    };
    const id = localDeviceId(storage);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(localDeviceId(storage)).toBe(id);
  });

  it('the campaign screen says, in words, that the campaign is being sent from the other device', async () => {
    const clock = new ManualClock();
    const store = savedSendingCampaign(clock);
    const h = fakeRuntime({ clock, store });
    const port = scriptedLease(clock, 100);
    port.answer = () => ({ held: true, retryAfterSeconds: 45 });
    h.runtime.lease = { port, deviceId: 'device-2' };
    renderCampaigns(h.runtime);
    await screen.findByTestId('send-status');
    await clock.advance(1_000);
    expect((await screen.findByTestId('send-lease-notice')).textContent).toBe(LEASE_MESSAGES.elsewhere);
    expect(h.mailbox.sendRequests).toBe(0);
  });

  it('a shorter lease (the demo’s CANDOR_DEMO_LEASE_SECONDS) keeps its proportions: renewed every third, valid until sent + five sixths', async () => {
    const clock = new ManualClock();
    const port = scriptedLease(clock, 500);
    const seconds: number[] = [];
    const take = port.take.bind(port);
    port.take = (campaignId, deviceId, s) => (seconds.push(s), take(campaignId, deviceId, s));
    const keeper = new LeaseKeeper(port, 'device-1', 'c1', clock, 15);
    const t0 = clock.now();
    keeper.keep();
    await clock.advance(1_000);
    expect(keeper.status).toBe('held');
    await clock.advance(10_000);
    // Sent at 0, answered at 1 s, renewed 5 s later.
    expect(port.calls.map((c) => c.sentAt - t0)).toEqual([0, 6_000]);
    expect(seconds).toEqual([15, 15]);
    port.answer = () => {
      throw new Error('network');
    };
    const lastOk = port.calls.at(-1)!.sentAt;
    await clock.advance(lastOk + 12_500 - clock.now() - 1);
    expect(keeper.valid()).toBe(true);
    await clock.advance(1);
    expect(keeper.valid()).toBe(false);
    const released = keeper.release();
    await clock.advance(2_000);
    await released;
    expect(port.calls.at(-1)!.kind).toBe('release');
  });

  it('is timed on the lease clock (the service’s real time), not the demo’s fast send clock', async () => {
    const sendClock = new ManualClock();
    const leaseClock = new ManualClock();
    const store = savedSendingCampaign(sendClock);
    const h = fakeRuntime({ clock: sendClock, store });
    const port = scriptedLease(leaseClock, 100);
    port.answer = () => ({ held: true, retryAfterSeconds: 45 });
    h.runtime.lease = { port, deviceId: 'device-2', clock: leaseClock };
    renderCampaigns(h.runtime);
    await screen.findByTestId('send-status');
    await leaseClock.advance(1_000);
    expect((await screen.findByTestId('send-lease-notice')).textContent).toBe(LEASE_MESSAGES.elsewhere);
    expect(port.calls).toHaveLength(1);
    // Ten minutes of send time (seconds of real time at the demo's factor): asked again only when
    // the other device's lease can have lapsed on the service's clock.
    await sendClock.advance(10 * 60_000);
    expect(port.calls).toHaveLength(1);
    await leaseClock.advance(45_000);
    expect(port.calls).toHaveLength(2);
    expect(h.mailbox.sendRequests).toBe(0);
  });
});
