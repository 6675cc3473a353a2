import type { Prospect } from '../prospects/prospect';
import { fieldKey } from '../prospects/fields';
import type { CompiledTemplate, Segment, TemplateProblem } from './compile';
import { missingValueMessage, unknownFieldMessage } from './messages';
import { findSubjectControlCharacter } from './subject';
import { lookupField } from './values';

/**
 * Checks a template against the fields the prospect list defines: everything a recruiter must fix
 * before sending, with no prospect involved yet.
 */
export function checkTemplate(template: CompiledTemplate, fields: string[]): TemplateProblem[] {
  const problems = [...template.problems];
  const known = new Set(fields.map(fieldKey));
  const subjectText = template.subject.map((s) => (s.kind === 'text' ? s.text : (s.fallback ?? ''))).join('');
  if (template.subject.every((s) => s.kind === 'text' && !s.text.trim())) {
    problems.push({ kind: 'empty-subject', part: 'subject', message: 'The subject is empty.' });
  }
  const bad = findSubjectControlCharacter(subjectText);
  if (bad) {
    problems.push({
      kind: 'subject-control-character',
      part: 'subject',
      message: `The subject contains ${bad.description}. A subject must be a single line of text.`,
    });
  }
  // A field the list lacks is a problem only where it has no fallback: `{{nickname|there}}` always
  // renders "there", which is what a template shared between lists may want.
  const reported = new Set<string>();
  for (const [part, segments] of [
    ['subject', template.subject],
    ['body', template.html],
  ] as const) {
    for (const s of segments) {
      if (s.kind !== 'field' || s.fallback !== null) continue;
      if (known.has(fieldKey(s.name)) || reported.has(fieldKey(s.name))) continue;
      reported.add(fieldKey(s.name));
      problems.push({ kind: 'unknown-field', part, field: s.name, message: unknownFieldMessage(s.name) });
    }
  }
  return problems;
}

export interface ProspectTemplateProblem {
  prospectId: string;
  row: number;
  field: string;
  kind: 'missing-value' | 'subject-control-character';
  message: string;
}

/**
 * Finds prospects the template cannot be rendered for: a field without a value and without a
 * fallback, or a value that would put a control character into the subject.
 */
export function checkProspects(
  template: CompiledTemplate,
  prospects: Prospect[],
  /** The list's fields: a field outside it is reported once by checkTemplate, not once per row. */
  knownFields?: string[],
): ProspectTemplateProblem[] {
  const problems: ProspectTemplateProblem[] = [];
  const known = knownFields ? new Set(knownFields.map(fieldKey)) : null;
  const fields = (segments: Segment[]) =>
    segments.filter(
      (s): s is Extract<Segment, { kind: 'field' }> =>
        s.kind === 'field' && (!known || known.has(fieldKey(s.name))),
    );
  const subjectFields = fields(template.subject);
  const allFields = [...subjectFields, ...fields(template.html)];
  for (const prospect of prospects) {
    const reported = new Set<string>();
    for (const f of allFields) {
      const value = lookupField(prospect, f.name);
      if ((value === undefined || value === '') && f.fallback === null && !reported.has(fieldKey(f.name))) {
        reported.add(fieldKey(f.name));
        problems.push({
          prospectId: prospect.id,
          row: prospect.row,
          field: f.name,
          kind: 'missing-value',
          message: missingValueMessage(prospect.row, f.name),
        });
      }
    }
    for (const f of subjectFields) {
      const bad = findSubjectControlCharacter(lookupField(prospect, f.name) ?? '');
      if (bad) {
        problems.push({
          prospectId: prospect.id,
          row: prospect.row,
          field: f.name,
          kind: 'subject-control-character',
          message: `Row ${prospect.row}: ${f.name} contains ${bad.description}, which cannot go into a subject.`,
        });
      }
    }
  }
  return problems;
}
