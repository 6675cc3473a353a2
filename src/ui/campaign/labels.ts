import type { RowProblemKind } from '../../core/prospects';

/** How the screens name the standard merge fields. */
export const FIELD_LABELS: Record<string, string> = {
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  title: 'Job title',
};

export const PROBLEM_LABELS: Record<RowProblemKind, string> = {
  'unreadable-row': 'unreadable',
  'extra-cells': 'extra cells',
  'invalid-email': 'invalid address',
  'duplicate-email': 'duplicate',
  'missing-field': 'missing value',
  'do-not-contact': 'do not contact',
  'formula-like': 'looks like a formula',
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
