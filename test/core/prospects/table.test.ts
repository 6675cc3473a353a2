import { describe, expect, it } from 'vitest';
import { parseProspectTable, suggestMapping, validateProspects } from '../../../src/core/prospects';

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

describe('files spreadsheets accept (read row by row, as Excel and LibreOffice do)', () => {
  const emails = (text: string) => {
    const table = parseProspectTable(text);
    return validateProspects(table, suggestMapping(table.headers));
  };

  it('imports a row with quotes inside an unquoted formula cell, and the rows after it', () => {
    const text = [
      'email,firstName,lastName,company',
      'f1@example.com,=HYPERLINK("http://x.example/","click"),Formula,Co',
      'f2@example.com,Bo,Two,Co',
      'f3@example.com,Cy,Three,Co',
      'f4@example.com,Di,Four,Co',
    ].join('\r\n');
    const table = parseProspectTable(text);
    expect(table.rows).toEqual([
      ['f1@example.com', '=HYPERLINK("http://x.example/","click")', 'Formula', 'Co'],
      ['f2@example.com', 'Bo', 'Two', 'Co'],
      ['f3@example.com', 'Cy', 'Three', 'Co'],
      ['f4@example.com', 'Di', 'Four', 'Co'],
    ]);
    expect(table.problems).toEqual([]);
    const { prospects, problems } = emails(text);
    expect(prospects.map((p) => p.email)).toEqual([
      'f1@example.com',
      'f2@example.com',
      'f3@example.com',
      'f4@example.com',
    ]);
    // The formula warning stays.
    expect(problems).toEqual([
      expect.objectContaining({ row: 1, kind: 'formula-like', severity: 'warning', field: 'firstName' }),
    ]);
  });

  it('keeps a quote in the middle of a cell as a literal character (inch marks, nicknames)', () => {
    const table = parseProspectTable(
      'email;note;company\nana@example.com;5" screen;Acme\nbo@example.com;Robert "Bo" Smith;Beta\n',
    );
    expect(table.delimiter).toBe(';');
    expect(table.rows).toEqual([
      ['ana@example.com', '5" screen', 'Acme'],
      ['bo@example.com', 'Robert "Bo" Smith', 'Beta'],
    ]);
    expect(table.problems).toEqual([]);
  });

  it('still reads real quoted cells with embedded newlines, doubled quotes and delimiters', () => {
    const table = parseProspectTable(
      '\uFEFFemail,note\r\n"ana@example.com","Line one\r\nline ""two"", with comma"\r\nbo@example.com,plain\r\n',
    );
    expect(table.headers).toEqual(['email', 'note']);
    expect(table.rows).toEqual([
      ['ana@example.com', 'Line one\r\nline "two", with comma'],
      ['bo@example.com', 'plain'],
    ]);
    expect(table.problems).toEqual([]);
  });

  it('reads text after a closing quote as Excel does ("click") → click))', () => {
    const table = parseProspectTable('email,note\nana@example.com,"click")\nbo@example.com,ok\n');
    expect(table.rows).toEqual([
      ['ana@example.com', 'click)'],
      ['bo@example.com', 'ok'],
    ]);
  });

  it('reports an unclosed quote in the last row, and only that row', () => {
    const { prospects, problems } = emails('email,name\r\nana@example.com,Ana\r\nbo@example.com,"Bo\r\n');
    expect(prospects.map((p) => p.email)).toEqual(['ana@example.com']);
    expect(problems).toEqual([
      expect.objectContaining({
        row: 2,
        kind: 'unreadable-row',
        message: expect.stringMatching(/never closes/),
      }),
    ]);
  });

  it('a stray opening quote mid-file costs its own row, not the rows after it', () => {
    const table = parseProspectTable(
      'email,name,company\nana@example.com,"Ana,Acme\nbo@example.com,"Bo" ,Beta\ncy@example.com,Cy,"Gamma"\n',
    );
    expect(table.rows.map((r) => r[0])).toEqual(['ana@example.com', 'bo@example.com', 'cy@example.com']);
    expect(table.rows[0]).toEqual(['ana@example.com', '"Ana', 'Acme']);
    expect(table.rows[2]).toEqual(['cy@example.com', 'Cy', 'Gamma']);
    expect(table.problems.map((p) => p.row)).toEqual([1]);
  });

  it('skips empty and blank lines without shifting row numbers of problems', () => {
    const { prospects, problems } = emails(
      'email,name\n\n  \nana@example.com,Ana\n\n,\nnot-an-address,Bo\n\n',
    );
    expect(prospects.map((p) => p.email)).toEqual(['ana@example.com']);
    expect(problems).toEqual([expect.objectContaining({ row: 2, kind: 'invalid-email' })]);
  });

  it('warns about a row with more cells than the header, and still uses it', () => {
    const { prospects, problems } = emails('email,name\nana@example.com,Ana,extra\nbo@example.com,Bo,\n');
    expect(prospects).toHaveLength(2);
    expect(problems).toEqual([expect.objectContaining({ row: 1, kind: 'extra-cells', severity: 'warning' })]);
  });

  it('prefers the delimiter that splits the rows consistently', () => {
    // Commas inside the cells of a semicolon file must not make it a comma file.
    const table = parseProspectTable('email;name\nana@example.com;Lovelace, Ada\nbo@example.com;Bo\n');
    expect(table.delimiter).toBe(';');
    expect(table.rows[0]).toEqual(['ana@example.com', 'Lovelace, Ada']);
  });
});
