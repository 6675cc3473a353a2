/**
 * The one way Candor writes a count with its noun ("1 invalid address", "4 invalid addresses"):
 * Intl.PluralRules picks the form, and every noun spells out both forms, so no "addresss" or
 * "unreadables" can come from gluing an "s" on.
 */
export interface PluralForms {
  one: string;
  other: string;
}

const rules = new Intl.PluralRules('en');

/** The form of `forms` for `n`, without the number. */
export function pluralForm(n: number, forms: PluralForms): string {
  return rules.select(n) === 'one' ? forms.one : forms.other;
}

/** `n` (grouped: 10,000) followed by the right form. */
export function countOf(n: number, forms: PluralForms): string {
  return `${n.toLocaleString('en')} ${pluralForm(n, forms)}`;
}

export const NOUNS = {
  message: { one: 'message', other: 'messages' },
  prospect: { one: 'prospect', other: 'prospects' },
  row: { one: 'row', other: 'rows' },
  cell: { one: 'cell', other: 'cells' },
  second: { one: 'second', other: 'seconds' },
  minute: { one: 'minute', other: 'minutes' },
  hour: { one: 'hour', other: 'hours' },
  day: { one: 'day', other: 'days' },
  recipient: { one: 'recipient', other: 'recipients' },
} satisfies Record<string, PluralForms>;
