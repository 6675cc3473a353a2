import { describe, expect, it } from 'vitest';
import { firstRows, MAX_CAMPAIGN_ROWS, sendingDays } from '../../../src/core/campaign';
import { parseProspectTable } from '../../../src/core/prospects';

describe('campaign size', () => {
  it('counts the days Microsoft 365’s 10,000 recipients a day stretch a campaign over', () => {
    expect(sendingDays(1)).toBe(1);
    expect(sendingDays(10_000)).toBe(1);
    expect(sendingDays(10_001)).toBe(2);
    expect(sendingDays(176_000)).toBe(18);
    expect(MAX_CAMPAIGN_ROWS).toBe(50_000);
    expect(sendingDays(MAX_CAMPAIGN_ROWS)).toBe(5);
  });

  it('cuts a table to its first rows, keeping only their problems', () => {
    const table = parseProspectTable('email,name\na@example.com,"A\nb@example.com,B\nc@example.com,"C\n');
    expect(table.problems.map((p) => p.row)).toEqual([1, 3]);
    const cut = firstRows(table, 2);
    expect(cut.rows.map((r) => r[0])).toEqual(['a@example.com', 'b@example.com']);
    expect(cut.problems.map((p) => p.row)).toEqual([1]);
    expect(cut.headers).toEqual(table.headers);
  });
});
