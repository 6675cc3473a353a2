import type { SendingWindow } from './types';
import { DAY, nextOffsetChange, offsetAt, wallEpoch, wallTime, weekdayOfLocal } from './time-zone';

const MINUTE = 60_000;

/** Whether a local-epoch instant is on an allowed day, between start (inclusive) and end (exclusive). */
function insideLocal(local: number, window: SendingWindow): boolean {
  const minute = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  return (
    window.days.includes(weekdayOfLocal(local)) && minute >= window.startMinute && minute < window.endMinute
  );
}

/** Whether `at` is inside the sending window, read in `timeZone`. */
export function isInsideWindow(at: number, window: SendingWindow | null, timeZone: string): boolean {
  return window === null || insideLocal(wallEpoch(wallTime(at, timeZone)), window);
}

/** The earliest local-epoch instant ≥ `local` inside the window, reading local time as a plain line. */
function earliestLocal(local: number, window: SendingWindow): number {
  if (insideLocal(local, window)) return local;
  const today = Math.floor(local / DAY) * DAY;
  for (let i = 0; i <= 7; i++) {
    const day = today + i * DAY;
    const open = day + window.startMinute * MINUTE;
    if (open >= local && window.days.includes(weekdayOfLocal(day))) return open;
  }
  throw new Error('The sending window has no days.');
}

/**
 * The earliest instant at or after `at` inside the sending window, in `timeZone`: `at` itself when it
 * is inside (or there is no window). Exact across offset changes: within a stretch of constant offset
 * local time is `at + offset`, so each stretch is solved directly and the search moves on to the next
 * one only when the answer lies beyond the change.
 */
export function nextWindowOpen(at: number, window: SendingWindow | null, timeZone: string): number {
  if (window === null) return at;
  if (window.days.length === 0) throw new Error('The sending window has no days.');
  let from = at;
  // Each pass either answers or crosses an offset change; a week holds at most a few of those.
  for (let pass = 0; pass < 16; pass++) {
    const offset = offsetAt(from, timeZone);
    const candidate = earliestLocal(from + offset, window) - offset;
    if (candidate === from) return from;
    const change = nextOffsetChange(from, candidate, timeZone);
    if (change === null) return candidate;
    from = change;
  }
  throw new Error('The sending window could not be placed in this time zone.');
}
