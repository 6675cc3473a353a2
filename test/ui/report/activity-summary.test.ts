import { describe, expect, it } from 'vitest';
import { activitySummary } from '../../../src/ui/report/ActivityTable';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 11, 0, 0);
const bucket = (humanOpens: number, machineOpens: number, replies: number) => ({
  start: T0,
  end: T0 + HOUR,
  humanOpens,
  machineOpens,
  replies,
});

describe('activitySummary (the chart in words)', () => {
  it('says "1 machine open" and "1 reply", not "1 machine opens" (seen in the real report)', () => {
    const text = activitySummary({ unit: 'hour', buckets: [bucket(2, 1, 1)] });
    expect(text).toMatch(/^By the hour: 2 opens by people, 1 machine open, 1 reply\./);
  });

  it('keeps plurals for other counts', () => {
    const text = activitySummary({ unit: 'day', buckets: [bucket(1, 3, 5)] });
    expect(text).toMatch(/^By the day: 1 open by a person, 3 machine opens, 5 replies\./);
  });
});
