import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import { acceleratedClock } from '../../src/shared/accelerated-clock';

describe('the demo clock factor', () => {
  it('goes up to 100,000 so a sequence with business-day delays plays out in seconds', () => {
    expect(loadConfig({ CANDOR_DEMO_CLOCK_FACTOR: '20000' }).demoClockFactor).toBe(20_000);
    expect(loadConfig({ CANDOR_DEMO_CLOCK_FACTOR: '100000' }).demoClockFactor).toBe(100_000);
    expect(() => loadConfig({ CANDOR_DEMO_CLOCK_FACTOR: '100001' })).toThrow(/CANDOR_DEMO_CLOCK_FACTOR/);
    expect(() => loadConfig({ CANDOR_DEMO_CLOCK_FACTOR: '0' })).toThrow(/CANDOR_DEMO_CLOCK_FACTOR/);
  });

  it('at 20,000× one simulated day passes in about 4.3 real seconds', () => {
    let wall = 1_000_000;
    const clock = acceleratedClock({ factor: 20_000, anchor: wall }, () => wall);
    wall += 4_320;
    expect(clock.now() - 1_000_000).toBe(24 * 3_600_000);
  });
});
