import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerEmulator } from '../../../src/emulator/http';
import { loadConfig } from '../../../src/server/config';
import { acceleratedClock } from '../../../src/shared/accelerated-clock';
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
});
