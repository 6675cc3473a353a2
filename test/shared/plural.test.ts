import { describe, expect, it } from 'vitest';
import { countOf, NOUNS } from '../../src/shared/plural';
import { PROBLEM_LABELS } from '../../src/ui/campaign/labels';

describe('countOf', () => {
  it('uses the real plural form, never a glued-on "s"', () => {
    expect(countOf(1, PROBLEM_LABELS['invalid-email'])).toBe('1 invalid address');
    expect(countOf(4, PROBLEM_LABELS['invalid-email'])).toBe('4 invalid addresses');
    expect(countOf(2, PROBLEM_LABELS['unreadable-row'])).toBe('2 unreadable rows');
    expect(countOf(2, PROBLEM_LABELS['do-not-contact'])).toBe('2 addresses on the do-not-contact list');
    expect(countOf(0, NOUNS.message)).toBe('0 messages');
    expect(countOf(176_000, NOUNS.row)).toBe('176,000 rows');
  });

  it('has no label that a plural "s" was glued onto', () => {
    for (const forms of [...Object.values(PROBLEM_LABELS), ...Object.values(NOUNS)])
      expect(forms.other).not.toMatch(/(ss|ables|acts|[^s]ss)$/);
  });
});
