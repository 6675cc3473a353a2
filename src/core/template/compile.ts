import { FIELD_NAME } from '../prospects/fields';

export interface MailTemplate {
  /** Plain text with merge fields. */
  subject: string;
  /** HTML with merge fields (e.g. the current Outlook draft's body). */
  html: string;
}

export type Segment =
  | { kind: 'text'; text: string }
  /** `{{name}}` or `{{name|fallback}}`; `fallback` null means "no fallback given". */
  | { kind: 'field'; name: string; fallback: string | null; raw: string };

export interface CompiledTemplate {
  subject: Segment[];
  html: Segment[];
  /** Problems found while reading the merge fields (malformed `{{…}}`). */
  problems: TemplateProblem[];
}

export type TemplateProblemKind =
  'malformed-field' | 'unknown-field' | 'subject-control-character' | 'empty-subject';

export interface TemplateProblem {
  kind: TemplateProblemKind;
  part: 'subject' | 'body';
  message: string;
  field?: string;
}

const TOKEN = /\{\{([^{}]*)\}\}/g;

/** Splits subject and body into text and merge-field segments, once, so rendering is a join. */
export function compileTemplate(template: MailTemplate): CompiledTemplate {
  const problems: TemplateProblem[] = [];
  return {
    subject: compilePart(template.subject, 'subject', problems),
    html: compilePart(template.html, 'body', problems),
    problems,
  };
}

function compilePart(source: string, part: 'subject' | 'body', problems: TemplateProblem[]): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const raw = match[0];
    const inner = match[1] ?? '';
    const bar = inner.indexOf('|');
    const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
    const fallback = bar < 0 ? null : inner.slice(bar + 1).trim();
    if (!FIELD_NAME.test(name)) {
      // Outlook sometimes splits "{{firstName}}" with formatting tags; say so rather than send it.
      problems.push({
        kind: 'malformed-field',
        part,
        message: `${raw} is not a merge field. Retype it without formatting inside the braces.`,
      });
      continue;
    }
    pushText(segments, source.slice(last, match.index));
    segments.push({ kind: 'field', name, fallback, raw });
    last = match.index + raw.length;
  }
  const rest = source.slice(last);
  if (/\{\{|\}\}/.test(rest.replace(TOKEN, ''))) {
    problems.push({ kind: 'malformed-field', part, message: 'There is a "{{" or "}}" without its partner.' });
  }
  pushText(segments, rest);
  return segments;
}

function pushText(segments: Segment[], text: string): void {
  if (text) segments.push({ kind: 'text', text });
}

/** The merge fields a template uses, each once, in order of first use. */
export function usedFields(template: CompiledTemplate): string[] {
  const seen = new Map<string, string>();
  for (const s of [...template.subject, ...template.html]) {
    if (s.kind === 'field' && !seen.has(s.name.toLowerCase())) seen.set(s.name.toLowerCase(), s.name);
  }
  return [...seen.values()];
}
