import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDelay,
  nextWindowOpen,
  type SendingWindow,
  wallTime,
  zonedToUtc,
} from '../../../src/core/sequence';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'] as const;

/** DST changes of 2026 (and the zones' neighbours in time), where the properties are most likely to break. */
const CHANGES = [
  Date.UTC(2026, 2, 29, 1), // Berlin spring forward
  Date.UTC(2026, 9, 25, 1), // Berlin fall back
  Date.UTC(2026, 2, 8, 7), // New York spring forward
  Date.UTC(2026, 10, 1, 6), // New York fall back
  Date.UTC(2026, 3, 4, 15), // Lord Howe fall back (30 minutes)
  Date.UTC(2026, 9, 3, 15, 30), // Lord Howe spring forward (30 minutes)
];

/** Instants near a DST change (within 10 days, any millisecond) or anywhere in 2026. */
const instant = fc.oneof(
  fc.tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -10 * DAY, max: 10 * DAY })).map(([c, d]) => c + d),
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
);
const zone = fc.constantFrom(...ZONES);
/** Within two days of a DST change, on whole minutes: where a window is likeliest to open across one. */
const nearChange = fc
  .tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -2 * 24 * 60, max: 2 * 24 * 60 }))
  .map(([c, m]) => c + m * MINUTE);

/** An oracle independent of the code under test: Intl's own weekday, hour and minute. */
const oracles = new Map<string, Intl.DateTimeFormat>();
function local(
  at: number,
  timeZone: string,
): { weekday: number; minute: number; date: string; time: string } {
  let f = oracles.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    oracles.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  return {
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday as string),
    minute: Number(p.hour) * 60 + Number(p.minute),
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}:${p.second}.${String(((at % 1000) + 1000) % 1000).padStart(3, '0')}`,
  };
}

/** Local minus UTC around an instant, from the oracle. */
function offset(at: number, timeZone: string): number {
  const w = wallTime(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond) - at;
}

function inside(at: number, window: SendingWindow, timeZone: string): boolean {
  const l = local(at, timeZone);
  return window.days.includes(l.weekday) && l.minute >= window.startMinute && l.minute < window.endMinute;
}

/** Calendar days between two local dates ("YYYY-MM-DD"). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
}

const amount = fc.integer({ min: 1, max: 30 });

describe('addDelay', () => {
  it('business days: never on a local Saturday or Sunday, exactly that many weekdays later, never before the calendar-day equivalent, same local time except across a DST gap', () => {
    fc.assert(
      fc.property(instant, amount, zone, (from, n, tz) => {
        const result = addDelay(from, { amount: n, unit: 'business-days' }, tz);
        const calendar = addDelay(from, { amount: n, unit: 'calendar-days' }, tz);
        const start = local(from, tz);
        const end = local(result, tz);
        expect([0, 6]).not.toContain(end.weekday);
        expect(result).toBeGreaterThanOrEqual(calendar);
        // Count the weekdays from the day after `from` to the result's day, one local day at a time.
        let weekdays = 0;
        const span = daysBetween(start.date, end.date);
        for (let d = 1; d <= span; d++) {
          const wd = (((start.weekday + d) % 7) + 7) % 7;
          if (wd !== 0 && wd !== 6) weekdays++;
        }
        expect(weekdays).toBe(n);
        expectSameTimeOrGap(from, result, tz);
      }),
      { numRuns: 300 },
    );
  });

  it('calendar days: the same local time that many days later, except across a DST gap', () => {
    fc.assert(
      fc.property(instant, amount, zone, (from, n, tz) => {
        const result = addDelay(from, { amount: n, unit: 'calendar-days' }, tz);
        expect(daysBetween(local(from, tz).date, local(result, tz).date)).toBe(n);
        expectSameTimeOrGap(from, result, tz);
        expect(Math.abs(result - from - n * DAY)).toBeLessThanOrEqual(2 * HOUR);
      }),
      { numRuns: 300 },
    );
  });

  it('moves a local time that does not exist forward by the gap, and takes the earlier of a repeated one', () => {
    const berlinFriday = zonedToUtc(wall(2026, 3, 27, 2, 30), 'Europe/Berlin');
    // Sunday 29 March 02:30 does not exist in Berlin (02:00 → 03:00): 03:30 CEST.
    expect(addDelay(berlinFriday, { amount: 2, unit: 'calendar-days' }, 'Europe/Berlin')).toBe(
      Date.UTC(2026, 2, 29, 1, 30),
    );
    // A business day later it is Monday 02:30 CEST.
    expect(addDelay(berlinFriday, { amount: 1, unit: 'business-days' }, 'Europe/Berlin')).toBe(
      Date.UTC(2026, 2, 30, 0, 30),
    );
    // 25 October 02:30 happens twice in Berlin: the first (CEST).
    const berlinSaturday = zonedToUtc(wall(2026, 10, 24, 2, 30), 'Europe/Berlin');
    expect(addDelay(berlinSaturday, { amount: 1, unit: 'calendar-days' }, 'Europe/Berlin')).toBe(
      Date.UTC(2026, 9, 25, 0, 30),
    );
    // New York, 8 March 02:30 → 03:30 EDT.
    const nySaturday = zonedToUtc(wall(2026, 3, 7, 2, 30), 'America/New_York');
    expect(addDelay(nySaturday, { amount: 1, unit: 'calendar-days' }, 'America/New_York')).toBe(
      Date.UTC(2026, 2, 8, 7, 30),
    );
    // Lord Howe's 30-minute change: 4 October 02:15 does not exist (02:00 → 02:30), so 02:45 (+11:00).
    const lhSaturday = zonedToUtc(wall(2026, 10, 3, 2, 15), 'Australia/Lord_Howe');
    expect(addDelay(lhSaturday, { amount: 1, unit: 'calendar-days' }, 'Australia/Lord_Howe')).toBe(
      Date.UTC(2026, 9, 3, 15, 45),
    );
    // …and 5 April 01:45 happens twice (02:00 → 01:30): the first, at +11:00.
    const lhSaturdayApril = zonedToUtc(wall(2026, 4, 4, 1, 45), 'Australia/Lord_Howe');
    expect(addDelay(lhSaturdayApril, { amount: 1, unit: 'calendar-days' }, 'Australia/Lord_Howe')).toBe(
      Date.UTC(2026, 3, 4, 14, 45),
    );
    // Kolkata has no DST: Friday 18:00 IST + 1 business day = Monday 18:00 IST.
    const kolkataFriday = zonedToUtc(wall(2026, 3, 27, 18, 0), 'Asia/Kolkata');
    expect(addDelay(kolkataFriday, { amount: 1, unit: 'business-days' }, 'Asia/Kolkata')).toBe(
      Date.UTC(2026, 2, 30, 12, 30),
    );
  });

  it('counts business days in the given zone: Saturday morning in Sydney is still Friday in UTC', () => {
    const saturdaySydney = zonedToUtc(wall(2026, 5, 9, 9, 0), 'Australia/Sydney');
    const inSydney = addDelay(saturdaySydney, { amount: 1, unit: 'business-days' }, 'Australia/Sydney');
    expect(local(inSydney, 'Australia/Sydney')).toMatchObject({
      weekday: 1,
      date: '2026-05-11',
      minute: 9 * 60,
    });
    const inUtc = addDelay(saturdaySydney, { amount: 1, unit: 'business-days' }, 'UTC');
    expect(local(inUtc, 'UTC').weekday).toBe(1); // Friday 23:00 UTC + 1 = Monday 23:00 UTC (Tuesday in Sydney)
  });
});

function wall(year: number, month: number, day: number, hour: number, minute: number) {
  return { year, month, day, hour, minute, second: 0, millisecond: 0 };
}

/** Same local time of day, or moved forward by exactly the gap the clocks jumped over. */
function expectSameTimeOrGap(from: number, result: number, tz: string): void {
  const want = local(from, tz).time;
  const got = local(result, tz).time;
  if (got === want) return;
  const gap = offset(result + 6 * HOUR, tz) - offset(result - 6 * HOUR, tz);
  expect(gap).toBeGreaterThan(0);
  const toMs = (t: string) => {
    const [h, m, s] = t.split(':').map(Number) as [number, number, number];
    return ((h * 60 + m) * 60 + s) * 1000;
  };
  expect(toMs(got) - toMs(want)).toBe(gap);
}

const windowArb = (tz: string) =>
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
      fc.oneof(
        fc.integer({ min: 0, max: 1439 }),
        // Around the hours DST changes happen at.
        fc.integer({ min: 60, max: 210 }),
      ),
      fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.integer({ min: 1, max: 120 })),
    )
    .map(([days, start, length]): SendingWindow => ({
      days,
      startMinute: start,
      endMinute: Math.min(1440, start + length),
      timeZone: tz,
      prospectTimeZoneField: null,
    }));

describe('nextWindowOpen', () => {
  it('is `at` without a window', () => {
    fc.assert(fc.property(instant, zone, (at, tz) => nextWindowOpen(at, null, tz) === at));
  });

  it('is inside the window, never before `at`, and the earliest such instant (checked minute by minute)', () => {
    fc.assert(
      fc.property(
        zone.chain((tz) => fc.tuple(fc.constant(tz), fc.oneof(instant, nearChange), windowArb(tz))),
        ([tz, at, window]) => {
          const open = nextWindowOpen(at, window, tz);
          expect(open).toBeGreaterThanOrEqual(at);
          expect(inside(open, window, tz)).toBe(true);
          if (open === at) return;
          expect(inside(at, window, tz)).toBe(false);
          // Whether an instant is inside changes only on whole minutes (every offset here is whole
          // minutes), so scanning every minute between finds any earlier inside instant.
          for (let m = Math.ceil(at / MINUTE) * MINUTE; m < open; m += MINUTE) {
            if (inside(m, window, tz)) expect.fail(`${new Date(m).toISOString()} is inside and earlier`);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('opens at the first instant of a window that starts in a DST gap, and finds a repeated hour again', () => {
    const sundays = (start: number, end: number): SendingWindow => ({
      days: [0],
      startMinute: start,
      endMinute: end,
      timeZone: 'Europe/Berlin',
      prospectTimeZoneField: null,
    });
    const saturday = Date.UTC(2026, 2, 28, 12);
    // 02:30–04:00 on 29 March: 02:00–03:00 does not exist, so the window opens at 03:00 CEST.
    expect(nextWindowOpen(saturday, sundays(150, 240), 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1));
    // 02:00–02:30 does not exist at all that Sunday: the next Sunday, 02:00 CEST.
    expect(nextWindowOpen(saturday, sundays(120, 150), 'Europe/Berlin')).toBe(Date.UTC(2026, 3, 5, 0));
    // 25 October, 02:40 CEST (first pass): 02:00–02:30 comes round again at 02:00 CET.
    expect(nextWindowOpen(Date.UTC(2026, 9, 25, 0, 40), sundays(120, 150), 'Europe/Berlin')).toBe(
      Date.UTC(2026, 9, 25, 1),
    );
    // Weekdays 9–17 in New York: Friday 17:00 EDT → Monday 9:00 EDT.
    const weekdays: SendingWindow = {
      days: [1, 2, 3, 4, 5],
      startMinute: 9 * 60,
      endMinute: 17 * 60,
      timeZone: 'America/New_York',
      prospectTimeZoneField: null,
    };
    expect(nextWindowOpen(Date.UTC(2026, 5, 5, 21), weekdays, 'America/New_York')).toBe(
      Date.UTC(2026, 5, 8, 13),
    );
    expect(nextWindowOpen(Date.UTC(2026, 5, 5, 20, 59), weekdays, 'America/New_York')).toBe(
      Date.UTC(2026, 5, 5, 20, 59),
    );
  });
});
