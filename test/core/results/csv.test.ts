import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvFileName, neutraliseFormula, reportCsv } from '../../../src/core/results/csv';
import { buildReport } from '../../../src/core/results/report';
import type { CampaignResults } from '../../../src/core/results/types';

const T0 = Date.UTC(2026, 11, 1, 9, 0);

function results(displayName: string, subject: string): CampaignResults {
  return {
    campaignId: 'c1',
    name: 'Backend: Berlin / Q1',
    startedAt: T0,
    prospects: [
      {
        prospectId: 'p1',
        step: 1,
        displayName,
        address: 'ana@example.com',
        state: 'sent',
        sentAt: T0,
        sendId: 's1',
      },
      {
        prospectId: 'p2',
        step: 1,
        displayName: 'Bo',
        address: 'bo@example.com',
        state: 'sent',
        sentAt: T0,
        sendId: 's2',
      },
    ],
    opens: [
      { eventId: 'o1', sendId: 's1', at: T0 + 60_000, ip: null, verdict: 'human' },
      { eventId: 'o2', sendId: 's1', at: T0 + 1_000, ip: null, verdict: 'proxy' },
    ],
    replies: [
      {
        eventId: 'r1',
        sendId: 's1',
        kind: 'reply',
        subject,
        from: 'ana@example.com',
        receivedAt: T0 + 3_600_000,
        ip: null,
        confidence: 'medium',
        matchedBy: 'address-subject',
        statusCode: null,
      },
      {
        eventId: 'r2',
        sendId: 's2',
        kind: 'bounce',
        subject: 'Undeliverable',
        from: 'postmaster@example.com',
        receivedAt: T0 + 60_000,
        ip: null,
        confidence: 'high',
        matchedBy: 'headers',
        statusCode: '5.1.1',
      },
    ],
    syncedAt: T0,
    notes: [],
  };
}

describe('report CSV', () => {
  it('has one row per prospect with status, opens, reply and bounce', () => {
    const csv = reportCsv(buildReport(results('Ana, "the" lead', 'RE: Hello')));
    const rows = Papa.parse<string[]>(csv.trim()).data;
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows[1]).toEqual([
      'Ana, "the" lead',
      'ana@example.com',
      'Replied',
      '2026-12-01T09:00:00.000Z',
      '1',
      '1',
      '2026-12-01T09:01:00.000Z',
      '2026-12-01T10:00:00.000Z',
      'RE: Hello',
      'Likely — same sender and subject',
      '',
      '',
      '',
      '0',
    ]);
    expect(rows[2]).toMatchObject({ 2: 'Bounced', 10: '5.1.1', 11: 'The address does not exist' });
    expect(csv).toContain('"Ana, ""the"" lead"');
  });

  it('neutralises cells a spreadsheet would run as a formula, even across a line break', () => {
    const csv = reportCsv(buildReport(results('=HYPERLINK("http://x")', '@SUM(1)\n=cmd')));
    const row = Papa.parse<string[]>(csv.trim()).data[1]!;
    expect(row[0]).toBe(`'=HYPERLINK("http://x")`);
    expect(row[8]).toBe(`'@SUM(1)\n=cmd`);
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(neutraliseFormula(`${start}1`)).toBe(`'${start}1`);
    expect(neutraliseFormula('Ana')).toBe('Ana');
  });

  it('names the file after the campaign and the day', () => {
    expect(csvFileName({ name: 'Backend: Berlin / Q1' }, T0)).toBe(
      'Backend-Berlin-Q1-results-2026-12-01.csv',
    );
    expect(csvFileName({ name: '***' }, T0)).toBe('campaign-results-2026-12-01.csv');
  });
});
