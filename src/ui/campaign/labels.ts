import type { RowProblemKind } from '../../core/prospects';
import { countOf, NOUNS, type PluralForms } from '../../shared/plural';

export { countOf, NOUNS };

/** How the screens name the standard merge fields. */
export const FIELD_LABELS: Record<string, string> = {
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  title: 'Job title',
};

/** Each kind of row problem as a counted phrase: `countOf(4, PROBLEM_LABELS['invalid-email'])`. */
export const PROBLEM_LABELS: Record<RowProblemKind, PluralForms> = {
  'unreadable-row': { one: 'unreadable row', other: 'unreadable rows' },
  'extra-cells': { one: 'row with extra cells', other: 'rows with extra cells' },
  'invalid-email': { one: 'invalid address', other: 'invalid addresses' },
  'duplicate-email': { one: 'duplicate address', other: 'duplicate addresses' },
  'missing-field': { one: 'missing value', other: 'missing values' },
  'do-not-contact': {
    one: 'address on the do-not-contact list',
    other: 'addresses on the do-not-contact list',
  },
  'formula-like': { one: 'cell that looks like a formula', other: 'cells that look like formulas' },
};

/** A rough duration for people: "about 40 minutes", "about 6 hours". */
export function aboutDuration(minutes: number): string {
  if (minutes < 90) return `about ${countOf(Math.max(1, Math.ceil(minutes)), NOUNS.minute)}`;
  return `about ${countOf(Math.round(minutes / 60), NOUNS.hour)}`;
}
