import { isValidTimeZone } from './time-zone';
import { MAX_STEPS, type SequenceSettings } from './types';

const DAY_MINUTES = 24 * 60;

const isWhole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/**
 * What is wrong with a sequence's settings, in the recruiter's words (empty when nothing is). The
 * step editor keeps these in range; this catches a damaged snapshot or a zone this device lacks.
 */
export function checkSequence(sequence: SequenceSettings): string[] {
  const problems: string[] = [];
  if (sequence.followUps.length > MAX_STEPS - 1) {
    problems.push(`A sequence has at most ${MAX_STEPS} steps. Remove a follow-up.`);
  }
  sequence.followUps.forEach((step, i) => {
    if (!isWhole(step.delay.amount, 1, 30)) {
      problems.push(`Step ${i + 2}: the delay must be a whole number of days from 1 to 30.`);
    }
  });
  const window = sequence.window;
  if (window) {
    if (window.days.length === 0) {
      problems.push('The sending window has no days. Pick at least one day.');
    } else if (
      !window.days.every((d) => isWhole(d, 0, 6)) ||
      new Set(window.days).size !== window.days.length
    ) {
      problems.push('The sending window’s days are not valid. Pick the days again.');
    }
    if (
      !isWhole(window.startMinute, 0, DAY_MINUTES) ||
      !isWhole(window.endMinute, 0, DAY_MINUTES) ||
      window.startMinute >= window.endMinute
    ) {
      problems.push('The sending window must start before it ends. Set its hours again.');
    }
    if (!isValidTimeZone(window.timeZone)) {
      problems.push(
        `“${window.timeZone}” is not a time zone Candor knows. Pick your time zone from the list again.`,
      );
    }
  }
  if (sequence.timeZone !== undefined && !isValidTimeZone(sequence.timeZone)) {
    problems.push(
      `“${sequence.timeZone}” is not a time zone Candor knows. Pick your time zone from the list again.`,
    );
  }
  if (sequence.outOfOffice.action === 'delay' && !isWhole(sequence.outOfOffice.days, 1, 30)) {
    problems.push('The out-of-office delay must be a whole number of days from 1 to 30.');
  }
  if (!isWhole(sequence.graceMinutes, 0, 60)) {
    problems.push('The grace period must be a whole number of minutes from 0 to 60.');
  }
  return problems;
}
