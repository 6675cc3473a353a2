/**
 * Editing a draft's follow-up steps: plain functions over SequenceSettings (no React), so the
 * step editor stays a view and the rules (at most five steps, delays 1–30) are tested here.
 */
import {
  type DelayUnit,
  type FollowUpStep,
  MAX_STEPS,
  type OutOfOfficeRule,
  type SendingWindow,
  type SequenceSettings,
} from '../../../core/sequence/types';

export const MIN_DELAY = 1;
export const MAX_DELAY = 30;
export const MAX_FOLLOW_UPS = MAX_STEPS - 1;

export function newFollowUp(): FollowUpStep {
  return { template: { subject: '', html: '' }, delay: { amount: 3, unit: 'business-days' } };
}

export function canAddFollowUp(s: SequenceSettings): boolean {
  return s.followUps.length < MAX_FOLLOW_UPS;
}

export function addFollowUp(s: SequenceSettings): SequenceSettings {
  return canAddFollowUp(s) ? { ...s, followUps: [...s.followUps, newFollowUp()] } : s;
}

/** `index`: 0 for step 2. */
export function removeFollowUp(s: SequenceSettings, index: number): SequenceSettings {
  return { ...s, followUps: s.followUps.filter((_f, i) => i !== index) };
}

/** Swaps a follow-up with its neighbour (`by` −1: up, +1: down); out of range changes nothing. */
export function moveFollowUp(s: SequenceSettings, index: number, by: -1 | 1): SequenceSettings {
  const to = index + by;
  if (index < 0 || to < 0 || index >= s.followUps.length || to >= s.followUps.length) return s;
  const followUps = s.followUps.slice();
  [followUps[index], followUps[to]] = [followUps[to] as FollowUpStep, followUps[index] as FollowUpStep];
  return { ...s, followUps };
}

export function changeFollowUp(
  s: SequenceSettings,
  index: number,
  change: (step: FollowUpStep) => FollowUpStep,
): SequenceSettings {
  return { ...s, followUps: s.followUps.map((f, i) => (i === index ? change(f) : f)) };
}

/** A whole number of days from 1 to 30 (what the recruiter typed, kept in range). */
export function clampDays(value: number): number {
  if (!Number.isFinite(value)) return MIN_DELAY;
  return Math.min(MAX_DELAY, Math.max(MIN_DELAY, Math.round(value)));
}

export function withDelay(step: FollowUpStep, amount: number, unit: DelayUnit): FollowUpStep {
  return { ...step, delay: { amount: clampDays(amount), unit } };
}

/** The recruiter's own time zone, as the browser reports it. */
export function recruiterTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Monday to Friday, 08:00–18:00 in the recruiter's zone: where "Only at certain times" starts. */
export function defaultWindow(timeZone: string): SendingWindow {
  return {
    days: [1, 2, 3, 4, 5],
    startMinute: 8 * 60,
    endMinute: 18 * 60,
    timeZone,
    prospectTimeZoneField: null,
  };
}

export function withDay(window: SendingWindow, day: number, on: boolean): SendingWindow {
  const days = window.days.filter((d) => d !== day);
  return { ...window, days: (on ? [...days, day] : days).sort((a, b) => a - b) };
}

export function withOutOfOffice(s: SequenceSettings, rule: OutOfOfficeRule): SequenceSettings {
  return {
    ...s,
    outOfOffice: rule.action === 'delay' ? { action: 'delay', days: clampDays(rule.days) } : rule,
  };
}

/** What blocks the window settings, in the recruiter's words (empty when they are fine). */
export function windowProblems(window: SendingWindow | null): string[] {
  if (!window) return [];
  const problems: string[] = [];
  if (window.days.length === 0) problems.push('Choose at least one day on which Candor may send.');
  if (window.startMinute >= window.endMinute)
    problems.push('The sending hours end before they start: choose a “To” time after the “From” time.');
  return problems;
}
