/**
 * Subjects become a header line: a line break in one could smuggle headers or break the message,
 * and other control characters render as garbage. We reject rather than silently strip.
 */
// C0 and C1 controls (includes CR, LF, TAB, NEL) and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const SUBJECT_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

export function findSubjectControlCharacter(subject: string): { index: number; description: string } | null {
  const match = SUBJECT_CONTROL.exec(subject);
  if (!match) return null;
  return { index: match.index, description: describe(match[0]) };
}

function describe(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (char === '\r' || char === '\n' || code === 0x85) return 'a line break';
  if (code === 0x2028) return 'a line separator (U+2028)';
  if (code === 0x2029) return 'a paragraph separator (U+2029)';
  if (char === '\t') return 'a tab';
  return `an invisible control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}
