import Papa from 'papaparse';
import { type CsvDelimiter, normaliseQuotes } from './csv-quotes';

/** A pasted or uploaded table: the header row and the data rows, every cell kept as text. */
export interface ProspectTable {
  headers: string[];
  rows: string[][];
  delimiter: CsvDelimiter;
  /** Problems with the text itself (e.g. an unclosed quote), with the 1-based data row they hit. */
  problems: TableProblem[];
}

export interface TableProblem {
  row: number | null;
  message: string;
  /**
   * `unreadable-row` (the default, and what older saved drafts hold) keeps the row out until it is
   * fixed; `extra-cells` is a warning: the row is used, its extra cells are not.
   */
  kind?: 'unreadable-row' | 'extra-cells';
}

/**
 * Parses spreadsheet text (Excel/Sheets paste = tab-separated) or CSV (`,` or `;`), with quoted fields,
 * embedded newlines and a BOM, the way Excel and LibreOffice read it (see csv-quotes.ts): a stray quote
 * costs one row at most, never the rest of the file. papaparse does the RFC 4180 work; we add the
 * recruiter-facing bits. Cells are never typed or evaluated: `=HYPERLINK(...)` stays the text it is.
 */
export function parseProspectTable(text: string): ProspectTable {
  const normalised = normaliseQuotes(text);
  const result = Papa.parse<string[]>(normalised.text, {
    delimiter: normalised.delimiter,
    skipEmptyLines: 'greedy',
    dynamicTyping: false,
  });
  const [headerRow = [], ...rows] = result.data;
  const headers = headerRow.map((h) => h.trim());
  const problems: TableProblem[] = [];
  const reported = new Set<number>();
  const report = (row: number, message: string, kind: TableProblem['kind'] = 'unreadable-row') => {
    if (reported.has(row)) return;
    reported.add(row);
    problems.push({ row, message, kind });
  };
  for (const record of normalised.unclosed) {
    if (record > 0)
      report(
        record,
        'A quote (") opens a cell in this row but never closes it, so the row was read as written. Check the quotes in this row.',
      );
  }
  // After normalisation papaparse should find nothing; anything it does find still names its row.
  for (const error of result.errors) {
    if (typeof error.row === 'number' && error.row > 0) report(error.row, describeParseError(error.code));
  }
  rows.forEach((cells, index) => {
    const extra = cells.slice(headers.length).filter((c) => c.trim()).length;
    if (extra > 0 && !reported.has(index + 1))
      report(
        index + 1,
        `This row has ${cells.length} cells but the header row has ${headers.length}; the extra cells are not used. Check that the values are in the right columns.`,
        'extra-cells',
      );
  });
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { headers, rows, delimiter: normalised.delimiter, problems };
}

function describeParseError(code: string): string {
  switch (code) {
    case 'MissingQuotes':
      return 'A quoted cell is never closed: check for a stray " in this row.';
    case 'InvalidQuotes':
      return 'A cell has a " in an unexpected place: check the quotes in this row.';
    default:
      return 'This row could not be read.';
  }
}
