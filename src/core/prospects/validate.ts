import type { DoNotContact } from './do-not-contact';
import { isValidEmail, normalizeEmail } from './email';
import { type ColumnMapping, fieldKey } from './fields';
import { looksLikeFormula } from './formula';
import type { Prospect, RowProblem } from './prospect';
import type { ProspectTable } from './table';

export interface ValidationOptions {
  /** Fields every row must have a value for, besides `email` (which is always required). */
  required?: string[];
  doNotContact?: DoNotContact;
}

export interface ValidatedProspects {
  /** Rows without errors, in table order, ready for a campaign. */
  prospects: Prospect[];
  /** Every problem, by row; rows with an `error` are not in `prospects`. */
  problems: RowProblem[];
  /** The merge fields the mapping defines. */
  fields: string[];
}

/**
 * Turns table rows into prospects using the mapping, checking each row so the recruiter gets one
 * actionable message per problem. Linear in the number of rows (a Map finds duplicates).
 */
export function validateProspects(
  table: ProspectTable,
  mapping: ColumnMapping,
  options: ValidationOptions = {},
): ValidatedProspects {
  const fields = mapping.filter((f): f is string => f !== null);
  const emailColumn = mapping.findIndex((f) => f !== null && fieldKey(f) === 'email');
  if (emailColumn < 0) throw new Error('Map one column to "email" before checking the rows.');
  const required = (options.required ?? []).filter((f) => fieldKey(f) !== 'email');

  const problems: RowProblem[] = [];
  const prospects: Prospect[] = [];
  const firstRowByAddress = new Map<string, number>();
  const unreadable = new Set<number>();
  for (const p of table.problems) {
    if (p.row === null) continue;
    if (p.kind === 'extra-cells') {
      problems.push({ row: p.row, kind: 'extra-cells', severity: 'warning', message: p.message });
    } else {
      unreadable.add(p.row);
      problems.push({ row: p.row, kind: 'unreadable-row', severity: 'error', message: p.message });
    }
  }

  table.rows.forEach((cells, index) => {
    const row = index + 1;
    const values: Record<string, string> = {};
    mapping.forEach((field, column) => {
      if (field !== null) values[field] = (cells[column] ?? '').trim();
    });
    const emailField = mapping[emailColumn] as string;
    const email = values[emailField] ?? '';
    let hasError = unreadable.has(row);

    for (const [field, value] of Object.entries(values)) {
      if (looksLikeFormula(value)) {
        problems.push({
          row,
          kind: 'formula-like',
          severity: 'warning',
          field,
          message: `${field} starts like a spreadsheet formula; it is used as plain text and neutralised in any export.`,
        });
      }
    }

    if (!email) {
      problems.push({
        row,
        kind: 'missing-field',
        severity: 'error',
        field: 'email',
        message: 'No email address.',
      });
      hasError = true;
    } else if (!isValidEmail(email)) {
      problems.push({
        row,
        kind: 'invalid-email',
        severity: 'error',
        field: 'email',
        message: `"${email}" is not a valid email address.`,
      });
      hasError = true;
    } else {
      const key = normalizeEmail(email);
      const first = firstRowByAddress.get(key);
      if (first !== undefined) {
        problems.push({
          row,
          kind: 'duplicate-email',
          severity: 'error',
          field: 'email',
          message: `Same address as row ${first}; each person gets one message.`,
        });
        hasError = true;
      } else {
        firstRowByAddress.set(key, row);
        if (options.doNotContact?.blocks(email)) {
          problems.push({
            row,
            kind: 'do-not-contact',
            severity: 'error',
            field: 'email',
            message: 'This address is on the do-not-contact list.',
          });
          hasError = true;
        }
      }
    }

    for (const field of required) {
      const present = Object.entries(values).find(([f]) => fieldKey(f) === fieldKey(field));
      if (!present || !present[1]) {
        problems.push({
          row,
          kind: 'missing-field',
          severity: 'error',
          field,
          message: `No value for ${field}.`,
        });
        hasError = true;
      }
    }

    if (!hasError) {
      values[emailField] = email;
      prospects.push({ id: `p${row}`, row, email, fields: values, trackOpens: true });
    }
  });

  return { prospects, problems, fields };
}
