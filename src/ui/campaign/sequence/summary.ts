/**
 * The sequence in one paragraph of plain words, for the Send step: how many steps, when each goes,
 * when Candor may send, the out-of-office rule and the grace period.
 */
import type { SendingWindow, SequenceSettings } from '../../../core/sequence/types';
import { countOf, NOUNS } from '../labels';

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** The order the day checkboxes and summaries list days in (Monday first). */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

export function numberWord(n: number): string {
  return WORDS[n] ?? String(n);
}

export function delayText(amount: number, unit: 'business-days' | 'calendar-days'): string {
  const kind = unit === 'business-days' ? 'business' : 'calendar';
  return `${numberWord(amount)} ${kind} ${amount === 1 ? 'day' : 'days'}`;
}

/** "08:00" for 480. */
export function clockTime(minute: number): string {
  const h = Math.floor(minute / 60) % 24;
  const m = minute % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** "Monday–Friday", "Monday, Wednesday and Friday", "every day". */
export function daysText(days: number[]): string {
  const ordered = WEEK_ORDER.filter((d) => days.includes(d));
  if (ordered.length === 7) return 'every day';
  const positions = ordered.map((d) => WEEK_ORDER.indexOf(d));
  const consecutive = positions.every((p, i) => i === 0 || p === (positions[i - 1] as number) + 1);
  const names = ordered.map((d) => DAY_NAMES[d] as string);
  if (ordered.length >= 3 && consecutive) return `${names[0]}–${names[names.length - 1]}`;
  if (names.length <= 1) return names[0] ?? 'no day';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function windowText(window: SendingWindow | null): string {
  if (!window) return 'Messages go out at any time of day, any day.';
  const zone = window.prospectTimeZoneField
    ? `each prospect’s time zone (from “${window.prospectTimeZoneField}”; ${window.timeZone} when it is empty or not a time zone)`
    : `your time zone (${window.timeZone})`;
  return `Messages go out only ${daysText(window.days)}, ${clockTime(window.startMinute)}–${clockTime(window.endMinute)} in ${zone}.`;
}

export function sequenceSummary(s: SequenceSettings): string {
  const steps = s.followUps.length + 1;
  const parts: string[] = [];
  if (steps === 1) parts.push('1 step: one message per prospect.');
  else {
    const when = s.followUps.map(
      (f, i) => `step ${i + 2} ${delayText(f.delay.amount, f.delay.unit)} after step ${i + 1}`,
    );
    parts.push(
      `${steps} steps; ${when.join(', ')}. Follow-ups reply in the prospect’s thread and stop for anyone who replies, bounces or is removed.`,
    );
    parts.push(
      s.outOfOffice.action === 'skip'
        ? 'An out-of-office reply stops that prospect’s later steps.'
        : `After an out-of-office reply, that prospect’s next step waits ${countOf(s.outOfOffice.days, NOUNS.day)}.`,
    );
  }
  parts.push(windowText(s.window));
  parts.push(
    s.graceMinutes > 0
      ? `The first messages wait ${countOf(s.graceMinutes, NOUNS.minute)} after you press Send, so you can still send them at once or cancel.`
      : 'The first messages go out as soon as you press Send.',
  );
  return parts.join(' ');
}
