import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../../src/graph/retry-timing';

const now = Date.UTC(2026, 0, 5, 9, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7_000],
    ['0', 0],
    ['2.128', 2_128],
    [' 30 ', 30_000],
    ['Mon, 05 Jan 2026 09:00:12 GMT', 12_000],
    ['Mon, 05 Jan 2026 08:59:00 GMT', 0],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([null, undefined, '', 'soon', '-3', '1e3'])('treats %j as unreadable', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});

describe('backoffDelay', () => {
  const fixed = (r: number) => ({ baseMs: 2_000, capMs: 60_000, random: () => r });

  it('doubles per attempt, half fixed and half jitter', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, fixed(0)))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, fixed(0.999999)))).toEqual([2_000, 4_000, 8_000, 16_000]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(20, fixed(0.999999))).toBe(60_000);
  });
});
