import type { WaitReason } from '../send/gate';
import { DAY, wallEpoch, wallTime, weekdayOfLocal } from './time-zone';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const WHY: Record<WaitReason, string> = {
  grace: 'after the grace period; you can still send now or cancel',
  delay: 'its delay after the previous step',
  window: 'your sending window opens',
  'out-of-office': 'the prospect is out of office until then',
  'reply-sync': 'Candor checks for replies first',
  'thread-copy': 'Candor is finding the previous message in Sent Items, to reply in its thread',
  'daily-limit': 'Exchange’s daily limit of 10,000 recipients frees up',
};

/**
 * When, in the recruiter's zone: "Tue 9:00" within the coming week (from `now`), else with the date
 * ("Tue 12 Jan 9:00"), and "today 9:00" on the same day.
 */
export function formatDue(at: number, timeZone: string, now?: number): string {
  const local = wallTime(at, timeZone);
  const time = `${local.hour}:${String(local.minute).padStart(2, '0')}`;
  const day = weekdayOfLocal(wallEpoch(local));
  if (now !== undefined) {
    const today = Math.floor(wallEpoch(wallTime(now, timeZone)) / DAY);
    const then = Math.floor(wallEpoch(local) / DAY);
    if (then === today) return `today ${time}`;
    if (then > today && then - today < 7) return `${WEEKDAYS[day] ?? ''} ${time}`;
  }
  return `${WEEKDAYS[day] ?? ''} ${local.day} ${MONTHS[local.month - 1] ?? ''} ${time}`;
}

/**
 * One plain sentence for the campaign screen: when the next step goes out and what it waits on,
 * e.g. "Step 2 goes out Tue 9:00 (your sending window opens)." `at` null: it waits on an event
 * (a reply check), not a time.
 */
export function describeWait(
  reason: WaitReason,
  at: number | null,
  timeZone: string,
  options: { step?: number; now?: number } = {},
): string {
  const what = options.step === undefined ? 'The next message' : `Step ${options.step}`;
  if (at === null) return `${what} goes out once ${WHY[reason]}.`;
  return `${what} goes out ${formatDue(at, timeZone, options.now)} (${WHY[reason]}).`;
}
