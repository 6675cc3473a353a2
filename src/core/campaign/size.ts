import type { ProspectTable } from '../prospects';
import { DAILY_RECIPIENT_LIMIT } from '../send';

/**
 * The largest list Candor takes into one campaign: five days of sending at Microsoft 365's limit of
 * 10,000 recipients a day. Beyond that a campaign runs for weeks, its state outgrows the encrypted
 * backup, and the pane holds a table it cannot show usefully; the recruiter imports the first rows
 * (and the rest later) instead.
 */
export const MAX_CAMPAIGN_ROWS = 5 * DAILY_RECIPIENT_LIMIT;

/** How many days Exchange's daily recipient limit stretches sending `recipients` messages over. */
export function sendingDays(recipients: number, perDay = DAILY_RECIPIENT_LIMIT): number {
  return Math.max(1, Math.ceil(recipients / perDay));
}

/** The table cut to its first `n` data rows, with only the problems of the rows it keeps. */
export function firstRows(table: ProspectTable, n: number): ProspectTable {
  return {
    ...table,
    rows: table.rows.slice(0, n),
    problems: table.problems.filter((p) => p.row === null || p.row <= n),
  };
}
