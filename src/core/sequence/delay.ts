import type { FollowUpStep } from './types';
import { DAY, fromWallEpoch, wallEpoch, wallTime, weekdayOfLocal, zonedToUtc } from './time-zone';

/**
 * The instant `delay` after `from`, counted on the calendar of `timeZone`, at the same local time of
 * day. Calendar days count every day; business days skip Saturday and Sunday (in that zone), so a
 * message sent on Friday with a one-business-day delay is due on Monday. When the local time does not
 * exist on the day it lands on (clocks spring forward), it moves forward by the gap.
 */
export function addDelay(from: number, delay: FollowUpStep['delay'], timeZone: string): number {
  const local = wallEpoch(wallTime(from, timeZone));
  let target = local;
  if (delay.unit === 'calendar-days') {
    target = local + delay.amount * DAY;
  } else {
    let left = delay.amount;
    while (left > 0) {
      target += DAY;
      const weekday = weekdayOfLocal(target);
      if (weekday !== 0 && weekday !== 6) left--;
    }
  }
  return zonedToUtc(fromWallEpoch(target), timeZone);
}

/** A business day in `timeZone` (Monday to Friday, local). */
export function isBusinessDay(at: number, timeZone: string): boolean {
  const weekday = weekdayOfLocal(wallEpoch(wallTime(at, timeZone)));
  return weekday !== 0 && weekday !== 6;
}
