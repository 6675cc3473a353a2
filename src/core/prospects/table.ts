import Papa from 'papaparse';

/** A pasted or uploaded table: the header row and the data rows, every cell kept as text. */
export interface ProspectTable {
  headers: string[];
  rows: string[][];
  delimiter: ',' | ';' | '\t';
  /** Problems with the text itself (e.g. an unclosed quote), with the 1-based data row they hit. */
  problems: TableProblem[];
}

export interface TableProblem {
  row: number | null;
  message: string;
}

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * Parses spreadsheet text (Excel/Sheets paste = tab-separated) or CSV (`,` or `;`), with quoted fields,
 * embedded newlines and a BOM. papaparse does the RFC 4180 work; we add the recruiter-facing bits.
 * Cells are never typed or evaluated: `=HYPERLINK(...)` stays the text it is.
 */
export function parseProspectTable(text: string): ProspectTable {
  const result = Papa.parse<string[]>(text, {
    delimitersToGuess: [...DELIMITERS],
    skipEmptyLines: 'greedy',
    dynamicTyping: false,
  });
  const delimiter = (DELIMITERS as readonly string[]).includes(result.meta.delimiter)
    ? (result.meta.delimiter as ProspectTable['delimiter'])
    : ',';
  const [headerRow = [], ...rows] = result.data;
  const headers = headerRow.map((h) => h.trim());
  const problems: TableProblem[] = [];
  for (const error of result.errors) {
    // A one-column table has no delimiter to detect; that is not the recruiter's problem.
    if (error.code === 'UndetectableDelimiter') continue;
    const row = typeof error.row === 'number' && error.row > 0 ? error.row : null;
    problems.push({ row, message: describeParseError(error.code) });
  }
  return { headers, rows, delimiter, problems };
}

function describeParseError(code: string): string {
  switch (code) {
    case 'MissingQuotes':
      return 'A quoted cell is never closed: check for a stray " in this row.';
    case 'InvalidQuotes':
      return 'A cell has a " in an unexpected place: check the quotes in this row.';
    case 'TooFewFields':
    case 'TooManyFields':
      return 'This row has a different number of cells than the header row.';
    default:
      return 'This row could not be read.';
  }
}
