/**
 * Cells that a spreadsheet would execute as a formula if we ever wrote them back to CSV
 * (CSV injection / "formula injection", OWASP). We keep the value as text for mail merge; for any
 * CSV export the value is neutralised with a leading apostrophe.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function looksLikeFormula(value: string): boolean {
  // "-" or "+" followed by digits is a plain number (phone numbers, offsets): not a formula.
  if (/^[+-][\d\s().]*$/.test(value)) return false;
  return FORMULA_START.test(value);
}

/** The value as it must appear in a CSV Candor exports, so no spreadsheet evaluates it. */
export function neutraliseForCsv(value: string): string {
  return looksLikeFormula(value) ? `'${value}` : value;
}
