import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerEmulator } from '../../../src/emulator/http';
import { loadConfig } from '../../../src/server/config';
import { acceleratedClock } from '../../../src/shared/accelerated-clock';
import { parseDemoTimings } from '../../../src/ui/campaign/load-runtime';
import { setup, USER } from '../../emulator/harness';

afterEach(() => {
  vi.useRealTimers();
});

describe('the demo fast clock', () => {
  it('runs `factor` times faster than the wall clock from the anchor, in now() and sleep()', async () => {
    vi.useFakeTimers();
    let wall = 1_000_000;
    const clock = acceleratedClock({ factor: 60, anchor: 1_000_000 }, () => wall);
    expect(clock.now()).toBe(1_000_000);
    wall += 1_000;
    expect(clock.now()).toBe(1_060_000);

    let woke = false;
    void clock.sleep(60_000).then(() => (woke = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);

    const abort = new AbortController();
    const aborted = clock.sleep(60_000, abort.signal);
    abort.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(() => acceleratedClock({ factor: 0.5, anchor: 0 })).toThrow(RangeError);
  });

  it('is a demo-only setting: Entra mode refuses it', () => {
    expect(loadConfig({ CANDOR_DEMO_CLOCK_FACTOR: '60' }).demoClockFactor).toBe(60);
    expect(loadConfig({}).demoClockFactor).toBe(1);
    expect(() =>
      loadConfig({
        CANDOR_MODE: 'entra',
        ENTRA_API_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
        CANDOR_DEMO_CLOCK_FACTOR: '60',
      }),
    ).toThrow(/demo-mode setting/);
  });

  it('the emulator tells the demo pane its time scale (real time when off)', async () => {
    const env = await setup();
    for (const timeScale of [undefined, { factor: 60, anchor: 1234 }]) {
      const app = Fastify();
      await registerEmulator(app, {
        emulator: env.emulator,
        issuer: env.issuer,
        demoUser: USER,
        api: { audience: 'candor-api', azp: 'candor-addin' },
        timeScale,
      });
      const res = await app.inject({ method: 'GET', url: '/emulator/clock' });
      expect(res.json()).toEqual(timeScale ?? { factor: 1, anchor: 0 });
      expect(res.headers['cache-control']).toBe('no-store');
      await app.close();
    }
  });

  it('a shorter send lease is a demo-only setting too, within the service’s 15–600 s', () => {
    expect(loadConfig({ CANDOR_DEMO_LEASE_SECONDS: '15' }).demoLeaseSeconds).toBe(15);
    expect(loadConfig({}).demoLeaseSeconds).toBeNull();
    expect(() => loadConfig({ CANDOR_DEMO_LEASE_SECONDS: '5' })).toThrow();
    expect(() =>
      loadConfig({
        CANDOR_MODE: 'entra',
        ENTRA_API_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
        CANDOR_DEMO_LEASE_SECONDS: '15',
      }),
    ).toThrow(/demo-mode setting/);
  });

  it('the emulator tells the demo pane a shorter lease; the pane takes only one the service accepts', async () => {
    const env = await setup();
    const app = Fastify();
    await registerEmulator(app, {
      emulator: env.emulator,
      issuer: env.issuer,
      demoUser: USER,
      api: { audience: 'candor-api', azp: 'candor-addin' },
      timeScale: { factor: 10, anchor: 1234 },
      leaseSeconds: 15,
    });
    const answer: unknown = (await app.inject({ method: 'GET', url: '/emulator/clock' })).json();
    expect(answer).toEqual({ factor: 10, anchor: 1234, leaseSeconds: 15 });
    await app.close();
    expect(parseDemoTimings(answer)).toEqual({ scale: { factor: 10, anchor: 1234 }, leaseSeconds: 15 });
    expect(parseDemoTimings({ factor: 1, anchor: 0 })).toEqual({ scale: null, leaseSeconds: null });
    for (const leaseSeconds of [5, 601, 15.5, '15'])
      expect(parseDemoTimings({ factor: 1, anchor: 0, leaseSeconds }).leaseSeconds).toBeNull();
    expect(parseDemoTimings(null)).toEqual({ scale: null, leaseSeconds: null });
  });
});
