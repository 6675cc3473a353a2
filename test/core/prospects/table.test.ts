import { describe, expect, it } from 'vitest';
import { parseProspectTable } from '../../../src/core/prospects';

describe('parseProspectTable', () => {
  it('reads quoted cells with embedded newlines, delimiters and doubled quotes', () => {
    const text =
      'email,note\r\nana@example.com,"line one\nline two, with comma"\r\nbo@example.com,"say ""hi"""\r\n';
    const table = parseProspectTable(text);
    expect(table.headers).toEqual(['email', 'note']);
    expect(table.rows).toEqual([
      ['ana@example.com', 'line one\nline two, with comma'],
      ['bo@example.com', 'say "hi"'],
    ]);
    expect(table.problems).toEqual([]);
  });

  it('strips a UTF-8 BOM so the first header is still "email"', () => {
    const table = parseProspectTable('\uFEFFemail;firstName\nana@example.com;Ana\n');
    expect(table.headers).toEqual(['email', 'firstName']);
  });

  it.each([
    [',', 'email,firstName\nana@example.com,Ana\n'],
    [';', 'email;firstName\nana@example.com;Ana\n'],
    ['\t', 'email\tfirstName\nana@example.com\tAna\n'],
  ])('detects the %j delimiter', (delimiter, text) => {
    const table = parseProspectTable(text);
    expect(table.delimiter).toBe(delimiter);
    expect(table.rows).toEqual([['ana@example.com', 'Ana']]);
  });

  it('keeps names in any script exactly', () => {
    const names = ['Zoë', '李小龍', 'Владимир', 'محمد', 'अनन्या', 'Ἀθηνᾶ', '김민준'];
    const text = 'email\tfirstName\n' + names.map((n, i) => `p${i}@example.com\t${n}`).join('\n');
    expect(parseProspectTable(text).rows.map((r) => r[1])).toEqual(names);
  });

  it('keeps formula-looking cells as text, never evaluated', () => {
    const table = parseProspectTable('email,company\nana@example.com,"=HYPERLINK(""http://x"",""y"")"\n');
    expect(table.rows[0]?.[1]).toBe('=HYPERLINK("http://x","y")');
  });

  it('ignores blank lines and reports an unclosed quote with its row', () => {
    const table = parseProspectTable('email,name\n\nana@example.com,Ana\n\nbo@example.com,"Bo\n');
    expect(table.rows[0]).toEqual(['ana@example.com', 'Ana']);
    expect(table.problems.length).toBeGreaterThan(0);
    expect(table.problems[0]?.message).toMatch(/quote/);
  });
});
