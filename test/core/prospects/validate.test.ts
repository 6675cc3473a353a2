import { describe, expect, it } from 'vitest';
import {
  doNotContactList,
  isValidEmail,
  neutraliseForCsv,
  parseProspectTable,
  suggestMapping,
  validateProspects,
} from '../../../src/core/prospects';

function check(text: string, options = {}) {
  const table = parseProspectTable(text);
  return validateProspects(table, suggestMapping(table.headers), options);
}

describe('suggestMapping', () => {
  it('maps common headers to standard fields and the rest to custom fields', () => {
    expect(
      suggestMapping([
        'E-mail Address',
        'First Name',
        'Nachname',
        'Company',
        'Job Title',
        'Candidate source',
      ]),
    ).toEqual(['email', 'firstName', 'lastName', 'company', 'title', 'candidateSource']);
  });

  it('leaves a second column for the same field unmapped', () => {
    expect(suggestMapping(['Email', 'E-mail'])).toEqual(['email', null]);
  });
});

describe('validateProspects', () => {
  it('turns clean rows into prospects with every mapped field', () => {
    const { prospects, problems } = check('Email,First name,Company\nana@example.com,Ana,Acme\n');
    expect(problems).toEqual([]);
    expect(prospects).toEqual([
      {
        id: 'p1',
        row: 1,
        email: 'ana@example.com',
        fields: { email: 'ana@example.com', firstName: 'Ana', company: 'Acme' },
        trackOpens: true,
      },
    ]);
  });

  it('flags an invalid address on its row and leaves the row out', () => {
    const { prospects, problems } = check('email\nana@example.com\nnot-an-address\nbo@@example.com\n');
    expect(prospects.map((p) => p.row)).toEqual([1]);
    expect(problems.map((p) => [p.row, p.kind])).toEqual([
      [2, 'invalid-email'],
      [3, 'invalid-email'],
    ]);
    expect(problems[0]?.message).toContain('not-an-address');
  });

  it('flags duplicates case-insensitively and names the first row', () => {
    const { prospects, problems } = check('email\nAna@Example.com\nbo@example.com\nana@example.COM \n');
    expect(prospects.map((p) => p.row)).toEqual([1, 2]);
    expect(problems).toEqual([
      expect.objectContaining({ row: 3, kind: 'duplicate-email', severity: 'error' }),
    ]);
    expect(problems[0]?.message).toContain('row 1');
  });

  it('flags missing required fields and missing addresses', () => {
    const { prospects, problems } = check('email,firstName\nana@example.com,\n,Bo\n', {
      required: ['firstName'],
    });
    expect(prospects).toEqual([]);
    expect(problems.map((p) => [p.row, p.kind, p.field])).toEqual([
      [1, 'missing-field', 'firstName'],
      [2, 'missing-field', 'email'],
    ]);
  });

  it('leaves out addresses and domains on the do-not-contact list', () => {
    const doNotContact = doNotContactList(['ANA@example.com', '@competitor.test']);
    const { prospects, problems } = check('email\nana@example.com\nx@competitor.test\nbo@example.com\n', {
      doNotContact,
    });
    expect(prospects.map((p) => p.email)).toEqual(['bo@example.com']);
    expect(problems.map((p) => [p.row, p.kind])).toEqual([
      [1, 'do-not-contact'],
      [2, 'do-not-contact'],
    ]);
  });

  it('keeps formula-looking values as text with a warning, neutralised for CSV export', () => {
    const { prospects, problems } = check(
      'email,company\nana@example.com,"=HYPERLINK(""http://evil"",""x"")"\n',
    );
    expect(prospects[0]?.fields.company).toBe('=HYPERLINK("http://evil","x")');
    expect(problems).toEqual([
      expect.objectContaining({ row: 1, kind: 'formula-like', severity: 'warning' }),
    ]);
    expect(neutraliseForCsv('=HYPERLINK("http://evil","x")')).toBe('\'=HYPERLINK("http://evil","x")');
    expect(neutraliseForCsv('+1 555 0100')).toBe('+1 555 0100');
    expect(neutraliseForCsv('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('accepts international addresses and refuses malformed ones', () => {
    for (const ok of ['ana@example.com', 'a.b+tag@sub.example.co.uk', 'josé@exämple.de', '用户@例子.中国'])
      expect(isValidEmail(ok), ok).toBe(true);
    for (const bad of [
      '',
      'ana',
      'ana@',
      '@example.com',
      'ana@example',
      'a b@example.com',
      'ana@-x.com',
      'a..b@x.com',
    ])
      expect(isValidEmail(bad), bad).toBe(false);
  });

  it('requires an email column', () => {
    const table = parseProspectTable('name\nAna\n');
    expect(() => validateProspects(table, ['firstName'])).toThrow(/email/);
  });

  it('parses and validates 5,000 rows quickly', () => {
    const lines = ['Email,First Name,Last Name,Company,Title'];
    for (let i = 0; i < 5000; i++)
      lines.push(`person${i}@example${i % 50}.com,Ana ${i},"Nováková, ${i}",Acme,Engineer`);
    lines.push('PERSON7@example7.com,Dup,Dup,Acme,Engineer');
    const started = performance.now();
    const { prospects, problems } = check(lines.join('\n'));
    const elapsed = performance.now() - started;
    expect(prospects).toHaveLength(5000);
    expect(problems).toEqual([expect.objectContaining({ row: 5001, kind: 'duplicate-email' })]);
    // Generous bound for a shared 2-core machine; the real figure is printed for the record.
    console.log(`5,000 rows parsed and validated in ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(1500);
  });
});
