import { describe, expect, it } from 'vitest';
import { chartBuckets, chartTicks } from '../../../src/ui/report/chart-buckets';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 11, 0, 0);
const bucket = (start: number, replies: number) => ({
  start,
  end: start + HOUR,
  humanOpens: 2,
  machineOpens: 1,
  replies,
});

describe('chartBuckets', () => {
  it('gives a one-bucket series (a campaign’s first hour) the empty hour before it, so the replies line has two points', () => {
    expect(chartBuckets({ unit: 'hour', buckets: [bucket(T0, 5)] })).toEqual([
      { start: T0 - HOUR, end: T0, humanOpens: 0, machineOpens: 0, replies: 0 },
      bucket(T0, 5),
    ]);
  });

  it('leaves longer and empty series as they are', () => {
    const two = [bucket(T0, 1), bucket(T0 + HOUR, 2)];
    expect(chartBuckets({ unit: 'hour', buckets: two })).toBe(two);
    expect(chartBuckets({ unit: 'day', buckets: [] })).toEqual([]);
  });

  it('puts at most five ticks on the time axis, at bucket starts', () => {
    const two = [bucket(T0 - HOUR, 0), bucket(T0, 5)];
    expect(chartTicks(two)).toEqual([new Date(T0 - HOUR), new Date(T0)]);
    const day = Array.from({ length: 24 }, (_, i) => bucket(T0 + i * HOUR, 0));
    const ticks = chartTicks(day);
    expect(ticks.length).toBeLessThanOrEqual(5);
    expect(ticks[0]).toEqual(new Date(T0));
    expect(ticks.every((t) => (t.getTime() - T0) % HOUR === 0)).toBe(true);
  });
});
