/**
 * The report as CSV for a spreadsheet: one row per prospect. Quoting is papaparse's; every cell that
 * a spreadsheet would read as a formula (starting with = + - @, tab or carriage return) is prefixed
 * with an apostrophe first. papaparse's own `escapeFormulae` is not used: its pattern does not match
 * a value that also contains a line break, so "=cmd\n…" would pass through.
 */
import Papa from 'papaparse';
import { BOUNCE_LABELS, STATUS_LABELS, matchLabel } from './labels';
import type { CampaignReport } from './report';

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());

export const CSV_COLUMNS = [
  'Prospect',
  'Address',
  'Status',
  'Sent at',
  'Opens by people',
  'Machine opens',
  'First open by a person',
  'Replied at',
  'Reply subject',
  'Reply match',
  'Bounce code',
  'Bounce reason',
  'Out of office at',
  'Possible replies to check',
] as const;

export function reportCsv(report: CampaignReport): string {
  const data = report.prospects.map((p) =>
    [
      p.displayName,
      p.address,
      STATUS_LABELS[p.status],
      iso(p.sentAt),
      String(p.humanOpens),
      String(p.machineOpens),
      iso(p.firstHumanOpenAt),
      iso(p.reply?.receivedAt ?? null),
      p.reply?.subject ?? '',
      p.reply ? matchLabel(p.reply) : '',
      p.bounce?.statusCode ?? '',
      p.bounceReason ? BOUNCE_LABELS[p.bounceReason] : '',
      iso(p.outOfOffice?.receivedAt ?? null),
      String(p.toReview.length),
    ].map(neutraliseFormula),
  );
  return Papa.unparse({ fields: [...CSV_COLUMNS], data }, { newline: '\r\n' });
}

/** A file name from the campaign name, safe on every system. */
export function csvFileName(report: Pick<CampaignReport, 'name'>, now: number): string {
  const base =
    report.name
      .replace(/[^\p{L}\p{N} _-]+/gu, '')
      .trim()
      .replace(/\s+/g, '-') || 'campaign';
  return `${base.slice(0, 60)}-results-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
