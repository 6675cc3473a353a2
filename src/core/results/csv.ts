/**
 * The report as CSV for a spreadsheet: one row per prospect, so a recruiter can sort and filter the
 * people (Excel's filter on "Replied to step" = 2). A campaign with follow-ups adds, after the usual
 * columns (which stay where they were; "Sent at" is step 1's): "Steps sent", "Replied to step",
 * "Bounced on step", "No more steps because", then per step "Step N sent at", "Step N opens by
 * people" and, from step 2, "Step N sent as" (in the same thread / as a new message: why). Quoting is papaparse's; every cell that
 * a spreadsheet would read as a formula (starting with = + - @, tab or carriage return) is prefixed
 * with an apostrophe first. papaparse's own `escapeFormulae` is not used: its pattern does not match
 * a value that also contains a line break, so "=cmd\n…" would pass through.
 */
import Papa from 'papaparse';
import { BOUNCE_LABELS, STATUS_LABELS, STOP_LABELS, matchLabel, threadingLabel } from './labels';
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

/** Columns a campaign with follow-ups adds (none for a single message). */
export function stepColumns(steps: number): string[] {
  if (steps < 2) return [];
  const columns = ['Steps sent', 'Replied to step', 'Bounced on step', 'No more steps because'];
  for (let n = 1; n <= steps; n++) {
    columns.push(`Step ${n} sent at`, `Step ${n} opens by people`);
    if (n > 1) columns.push(`Step ${n} sent as`);
  }
  return columns;
}

function stepCells(p: CampaignReport['prospects'][number], steps: number): string[] {
  if (steps < 2) return [];
  const sent = p.steps.filter((s) => s.sentAt !== null);
  const cells = [
    String(sent.length),
    p.replyStep === null ? '' : String(p.replyStep),
    p.bounceStep === null || p.status !== 'bounced' ? '' : String(p.bounceStep),
    p.stopped ? STOP_LABELS[p.stopped.cause] : '',
  ];
  for (let n = 1; n <= steps; n++) {
    const s = p.steps.find((x) => x.step === n);
    cells.push(iso(s?.sentAt ?? null), s ? String(s.humanOpens) : '');
    if (n > 1) cells.push(s?.sentAt != null ? threadingLabel(s.threading) : '');
  }
  return cells;
}

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
      ...stepCells(p, report.steps),
    ].map(neutraliseFormula),
  );
  return Papa.unparse({ fields: [...CSV_COLUMNS, ...stepColumns(report.steps)], data }, { newline: '\r\n' });
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
