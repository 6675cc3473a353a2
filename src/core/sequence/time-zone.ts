/**
 * Local wall time in an IANA time zone, with nothing but Intl: the parts of an instant, the zone's
 * offset at an instant, its offset changes, and a wall time turned back into an instant (DST-safe).
 */

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone this runtime knows (e.g. "Europe/Berlin", "UTC"); false for anything else. */
export function isValidTimeZone(value: string): boolean {
  if (!value || value.trim() !== value) return false;
  let valid = validity.get(value);
  if (valid === undefined) {
    try {
      formatter(value);
      valid = true;
    } catch {
      valid = false;
    }
    // A list may repeat a bad cell thousands of times; Intl's refusal is slow, so remember it.
    if (validity.size < 1000) validity.set(value, valid);
  }
  return valid;
}

const validity = new Map<string, boolean>();

/** The wall time of `at` in `timeZone`. */
export function wallTime(at: number, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((at % 1000) + 1000) % 1000,
  };
}

/** The wall time read as if it were UTC: a "local epoch" where day arithmetic is plain. */
export function wallEpoch(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

export function fromWallEpoch(local: number): WallTime {
  const d = new Date(local);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** Local minus UTC at `at`, in milliseconds (e.g. +3,600,000 for Berlin in winter). */
export function offsetAt(at: number, timeZone: string): number {
  return wallEpoch(wallTime(at, timeZone)) - at;
}

/** 0 = Sunday … 6 = Saturday, of a local-epoch day. */
export function weekdayOfLocal(local: number): number {
  return (((Math.floor(local / DAY) + 4) % 7) + 7) % 7;
}

/**
 * The first instant in (from, to] where the zone's offset differs from its offset at `from`, or null.
 * Offsets are sampled every two days (no zone changes and changes back within that; DST changes are
 * months apart, Ramadan suspensions weeks) and the change is then found to the millisecond.
 */
export function nextOffsetChange(from: number, to: number, timeZone: string): number | null {
  const base = offsetAt(from, timeZone);
  const STEP = 2 * DAY;
  let lo = from;
  while (lo < to) {
    const hi = Math.min(lo + STEP, to);
    if (offsetAt(hi, timeZone) !== base) {
      let a = lo;
      let b = hi;
      while (b - a > 1) {
        const mid = Math.floor((a + b) / 2);
        if (offsetAt(mid, timeZone) === base) a = mid;
        else b = mid;
      }
      return b;
    }
    lo = hi;
  }
  return null;
}

/**
 * The instant showing wall time `w` in `timeZone`. When the clocks fall back and the wall time occurs
 * twice, the earlier instant; when they spring forward and it does not exist, the wall time moved
 * forward by the gap (02:30 in a 02:00→03:00 gap is 03:30), as calendars do.
 */
export function zonedToUtc(w: WallTime, timeZone: string): number {
  const local = wallEpoch(w);
  const before = offsetAt(local - DAY, timeZone);
  const after = offsetAt(local + DAY, timeZone);
  const candidates = [local - before, local - after].filter(
    (t) => wallEpoch(wallTime(t, timeZone)) === local,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // In the gap: the offset before the change carries the wall time past it.
  return local - before;
}
