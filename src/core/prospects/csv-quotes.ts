/**
 * Pre-processing for papaparse, so Candor reads the CSV files spreadsheets read.
 *
 * RFC 4180 lets a quote open a cell only at the cell's start. Files exported or hand-edited by
 * people break that (`=HYPERLINK("http://x","click")`, `5" screen`, `"Bo` with no closing quote), and
 * a strict parser then looks for the closing quote in the following rows and swallows them. Excel and
 * LibreOffice instead read such files row by row. This module rewrites only the malformed cells into
 * well-formed quoted cells, with the value a spreadsheet would show, and leaves every well-formed
 * cell byte for byte as it was — real quoted cells with embedded newlines and doubled quotes included.
 *
 * The rules, per cell:
 * - A quote in the middle of an unquoted cell is a literal character.
 * - A quoted cell ends at a quote that is not doubled; any text after it up to the delimiter is kept
 *   (Excel's reading of `"click")` is `click)`).
 * - A quote that opens a cell and is never closed (or is closed only lines later by a quote that is
 *   not followed by a delimiter or a line end) is a literal character: that row is reported, and the
 *   rows after it are read normally.
 * - If a row with quotes in the middle of its cells comes out with more cells than the header row,
 *   and keeping the delimiters that sit between a cell's quotes or parentheses gives exactly the
 *   header's count, that reading is used: `=HYPERLINK("http://x","click")` is one cell, as its author
 *   meant. Otherwise the row keeps the spreadsheet's reading and is flagged for its extra cells.
 */

export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export interface NormalisedCsv {
  /** The text papaparse reads: one record per line, empty lines dropped. */
  text: string;
  delimiter: CsvDelimiter;
  /** Records (0 = header) with a quote that opened a cell and never closed. */
  unclosed: number[];
}

interface Cell {
  value: string;
  /** The cell exactly as written; used when it was already well-formed. */
  raw: string;
  wellFormed: boolean;
}

interface ScannedRecord {
  cells: Cell[];
  end: number;
  unclosed: boolean;
  /** A quote appeared in the middle of an unquoted cell. */
  midQuote: boolean;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;

function isLineEnd(code: number): boolean {
  return code === CR || code === LF;
}

/**
 * End of an unquoted cell starting at `from`: the next delimiter or line end (or the text's end).
 * With `group`, a delimiter between a cell's own quotes or parentheses (a formula's argument list)
 * stays in the cell; a line end always ends it.
 */
function unquotedEnd(
  text: string,
  from: number,
  delimiter: number,
  group: boolean,
): { end: number; midQuote: boolean } {
  let midQuote = false;
  let inQuote = false;
  let depth = 0;
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isLineEnd(c)) break;
    if (c === delimiter && !(group && (inQuote || depth > 0))) break;
    if (c === QUOTE) {
      midQuote = true;
      inQuote = !inQuote;
    } else if (!inQuote && c === OPEN_PAREN) depth++;
    else if (!inQuote && c === CLOSE_PAREN && depth > 0) depth--;
  }
  return { end: i, midQuote };
}

function scanRecord(text: string, start: number, delimiterChar: string, groupQuotes: boolean): ScannedRecord {
  const delimiter = delimiterChar.charCodeAt(0);
  const cells: Cell[] = [];
  let unclosed = false;
  let midQuote = false;
  let pos = start;
  for (;;) {
    let end: number;
    if (text.charCodeAt(pos) === QUOTE) {
      let i = pos + 1;
      let close = -1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) break;
        if (text.charCodeAt(q + 1) === QUOTE) {
          i = q + 2;
          continue;
        }
        close = q;
        break;
      }
      const after = close < 0 ? -1 : unquotedEnd(text, close + 1, delimiter, false).end;
      // A quoted cell that spans lines but does not end cleanly was never a quoted cell: its opening
      // quote was a stray one, and the quote found lines later belongs to another row.
      const stray = close >= 0 && after !== close + 1 && /[\r\n]/.test(text.slice(pos, close));
      if (close < 0 || stray) {
        // Never closed: the quote is a literal character and the cell ends like an unquoted one.
        unclosed = true;
        end = unquotedEnd(text, pos + 1, delimiter, false).end;
        const raw = text.slice(pos, end);
        cells.push({ value: raw, raw, wellFormed: false });
      } else {
        end = after;
        const value = text.slice(pos + 1, close).replace(/""/g, '"') + text.slice(close + 1, after);
        cells.push({ value, raw: text.slice(pos, after), wellFormed: after === close + 1 });
      }
    } else {
      const scanned = unquotedEnd(text, pos, delimiter, groupQuotes);
      end = scanned.end;
      midQuote ||= scanned.midQuote;
      const raw = text.slice(pos, end);
      // A cell holding a quote or (after grouping) a delimiter must be quoted for papaparse.
      cells.push({ value: raw, raw, wellFormed: !scanned.midQuote });
    }
    const c = text.charCodeAt(end);
    if (c === delimiter) {
      pos = end + 1;
      continue;
    }
    let next = end;
    if (c === CR) next = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    else if (c === LF) next = end + 1;
    return { cells, end: next, unclosed, midQuote };
  }
}

function isEmptyRecord(record: ScannedRecord): boolean {
  return record.cells.every((c) => !c.value.trim());
}

function* records(text: string, delimiter: string): Generator<ScannedRecord> {
  let pos = 0;
  let expected: number | null = null;
  while (pos < text.length) {
    let record = scanRecord(text, pos, delimiter, false);
    if (expected !== null && record.midQuote && record.cells.length > expected) {
      const grouped = scanRecord(text, pos, delimiter, true);
      if (grouped.cells.length === expected) record = grouped;
    }
    pos = record.end;
    if (isEmptyRecord(record)) continue;
    expected ??= record.cells.length;
    yield record;
  }
}

/**
 * The delimiter that splits the first rows most consistently: the header row must have at least two
 * cells, then the most rows with the header's count wins, then the most cells. A tie goes to tab
 * (what spreadsheets put on the clipboard), then `;`, then `,`.
 */
export function guessDelimiter(text: string): CsvDelimiter {
  let best: { delimiter: CsvDelimiter; consistent: number; cells: number } | null = null;
  for (const delimiter of ['\t', ';', ','] as const) {
    let header = 0;
    let consistent = 0;
    let seen = 0;
    for (const record of records(text, delimiter)) {
      if (seen === 0) header = record.cells.length;
      else if (record.cells.length === header) consistent++;
      if (++seen >= 20) break;
    }
    if (header < 2) continue;
    if (!best || consistent > best.consistent || (consistent === best.consistent && header > best.cells))
      best = { delimiter, consistent, cells: header };
  }
  return best?.delimiter ?? ',';
}

/** Rewrites malformed cells so papaparse reads the text row by row, as a spreadsheet would. */
export function normaliseQuotes(input: string, delimiter = guessDelimiter(stripBom(input))): NormalisedCsv {
  const text = stripBom(input);
  const lines: string[] = [];
  const unclosed: number[] = [];
  for (const record of records(text, delimiter)) {
    if (record.unclosed) unclosed.push(lines.length);
    lines.push(
      record.cells.map((c) => (c.wellFormed ? c.raw : `"${c.value.replace(/"/g, '""')}"`)).join(delimiter),
    );
  }
  return { text: lines.join('\n'), delimiter: delimiter as CsvDelimiter, unclosed };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
