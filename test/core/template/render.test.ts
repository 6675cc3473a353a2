import { describe, expect, it } from 'vitest';
import type { Prospect } from '../../../src/core/prospects';
import {
  buildOutgoingMail,
  checkProspects,
  checkTemplate,
  compileTemplate,
  renderMail,
  RenderError,
} from '../../../src/core/template';

function prospect(fields: Record<string, string>, row = 1): Prospect {
  return { id: `p${row}`, row, email: fields.email ?? 'ana@example.com', fields, trackOpens: true };
}

const FIELDS = ['email', 'firstName', 'lastName', 'company'];

describe('rendering', () => {
  it('fills merge fields and uses a fallback only when the value is empty', () => {
    const t = compileTemplate({
      subject: 'Hi {{firstName|there}} at {{company}}',
      html: '<p>Hi {{ firstName | there }}</p>',
    });
    expect(renderMail(t, prospect({ firstName: 'Ana', company: 'Acme' }), { pixelUrl: null }).subject).toBe(
      'Hi Ana at Acme',
    );
    const noName = renderMail(t, prospect({ firstName: '', company: 'Acme' }), { pixelUrl: null });
    expect(noName.subject).toBe('Hi there at Acme');
    expect(noName.html).toBe('<p>Hi there</p>');
  });

  it('matches field names regardless of case', () => {
    const t = compileTemplate({ subject: '{{FirstName}}', html: '{{firstname}}' });
    const r = renderMail(t, prospect({ firstName: 'Ana' }), { pixelUrl: null });
    expect([r.subject, r.html]).toEqual(['Ana', 'Ana']);
  });

  it('HTML-escapes prospect values in the body but not in the plain-text subject', () => {
    const t = compileTemplate({ subject: 'For {{company}}', html: '<p title="{{company}}">{{company}}</p>' });
    const r = renderMail(t, prospect({ company: `<script>alert("x")</script> & O'Neil` }), {
      pixelUrl: null,
    });
    expect(r.html).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Neil">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Neil</p>',
    );
    expect(r.html).not.toContain('<script>');
    expect(r.subject).toBe(`For <script>alert("x")</script> & O'Neil`);
  });

  it('keeps non-Latin values intact', () => {
    const t = compileTemplate({ subject: '{{firstName}}さん', html: '<p>{{firstName}}</p>' });
    const r = renderMail(t, prospect({ firstName: '李小龍' }), { pixelUrl: null });
    expect(r.subject).toBe('李小龍さん');
    expect(r.html).toBe('<p>李小龍</p>');
  });

  it('refuses to render a prospect missing a field that has no fallback', () => {
    const t = compileTemplate({ subject: 'Hi', html: '{{company}}' });
    expect(() => renderMail(t, prospect({ company: '' }, 7), { pixelUrl: null })).toThrow(RenderError);
    expect(() => renderMail(t, prospect({ company: '' }, 7), { pixelUrl: null })).toThrow(
      'Row 7 has no value for company. Fill it in on the Prospects step, or add a fallback: {{company|…}}.',
    );
  });

  it('names a field the list has no column for as such, not as an empty row', () => {
    const t = compileTemplate({ subject: 'Hi {{frstName}}', html: 'x' });
    expect(() => renderMail(t, prospect({}, 1), { pixelUrl: null })).toThrow(
      'The template uses {{frstName}}, but your list has no column called frstName. Check the spelling, or add a fallback: {{frstName|…}}.',
    );
  });

  it('puts the pixel just before </body> and reports where it is', () => {
    const t = compileTemplate({ subject: 'Hi', html: '<html><body><p>Hello</p></BODY></html>' });
    const url = 'https://t.example/o/v1.k1.abc.def.gif';
    const r = renderMail(t, prospect({}), { pixelUrl: url });
    expect(r.html).toBe(
      `<html><body><p>Hello</p><img src="${url}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" /></BODY></html>`,
    );
    expect(r.pixel).toEqual({ url, start: 24, end: r.html.indexOf('</BODY>') });
    expect(r.html.slice(r.pixel!.start, r.pixel!.end)).toMatch(/^<img src="https:\/\/t\.example/);
  });

  it('appends the pixel when the body has no </body>', () => {
    const t = compileTemplate({ subject: 'Hi', html: '<p>Hello</p>' });
    const r = renderMail(t, prospect({}), { pixelUrl: 'https://t.example/o/x.gif' });
    expect(r.html.startsWith('<p>Hello</p><img ')).toBe(true);
    expect(r.pixel?.end).toBe(r.html.length);
  });

  it('has no image at all when tracking is off', () => {
    const t = compileTemplate({ subject: 'Hi', html: '<body><p>Hello</p></body>' });
    const r = renderMail(t, prospect({}), { pixelUrl: null });
    expect(r.html).toBe('<body><p>Hello</p></body>');
    expect(r.html).not.toContain('<img');
    expect(r.pixel).toBeNull();
  });

  it('refuses a non-http pixel URL and escapes the one it accepts', () => {
    const t = compileTemplate({ subject: 'Hi', html: 'x' });
    expect(() => renderMail(t, prospect({}), { pixelUrl: 'javascript:alert(1)' })).toThrow(RenderError);
    const r = renderMail(t, prospect({}), { pixelUrl: 'https://t.example/o/a"b.gif' });
    expect(r.html).toContain('src="https://t.example/o/a%22b.gif"');
  });

  it('builds the outgoing mail with the display name and no headers of its own', () => {
    const t = compileTemplate({ subject: 'Hi {{firstName}}', html: 'x' });
    const mail = buildOutgoingMail(
      t,
      prospect({ email: 'ana@example.com', firstName: 'Ana', lastName: 'Lima' }),
      {
        pixelUrl: null,
      },
    );
    expect(mail).toEqual({
      to: { address: 'ana@example.com', name: 'Ana Lima' },
      subject: 'Hi Ana',
      html: 'x',
    });
  });
});

describe('checks before sending', () => {
  it('flags fields that are not columns, once each, saying so; a fallback or a known field is fine', () => {
    const t = compileTemplate({
      subject: 'Hi {{firstName}} {{compnay}}',
      html: '{{compnay}} {{role|friend}}',
    });
    const problems = checkTemplate(t, FIELDS);
    expect(problems.map((p) => [p.kind, p.field, p.message])).toEqual([
      [
        'unknown-field',
        'compnay',
        'The template uses {{compnay}}, but your list has no column called compnay. Check the spelling, or add a fallback: {{compnay|…}}.',
      ],
    ]);
    expect(
      checkTemplate(compileTemplate({ subject: 'Hi {{firstName}}', html: '{{company}}' }), FIELDS),
    ).toEqual([]);
  });

  it('flags merge fields broken by formatting tags and lone braces', () => {
    const t = compileTemplate({ subject: 'Hi', html: '<p>{{first<b>Name</b>}} and {{company</p>' });
    const kinds = checkTemplate(t, FIELDS).map((p) => p.kind);
    expect(kinds).toEqual(['malformed-field', 'malformed-field']);
  });

  it.each([
    ['a carriage return', 'Hello\rthere', /line break/],
    ['a line feed', 'Hello\nBcc: all@example.com', /line break/],
    ['U+2028', 'Hello\u2028there', /U\+2028/],
    ['U+2029', 'Hello\u2029there', /U\+2029/],
    ['a tab', 'Hello\tthere', /tab/],
    ['a NUL', 'Hello\u0000', /U\+0000/],
    ['a C1 control', 'Hello\u0085there', /line break/],
    ['a BEL', 'Hello\u0007', /U\+0007/],
  ])('rejects a subject with %s, with a clear message', (_what, subject, message) => {
    const problems = checkTemplate(compileTemplate({ subject, html: 'x' }), FIELDS);
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'subject-control-character', part: 'subject' }),
    ]);
    expect(problems[0]?.message).toMatch(message);
    expect(problems[0]?.message).toMatch(/single line/);
  });

  it('flags an empty subject', () => {
    expect(checkTemplate(compileTemplate({ subject: '  ', html: 'x' }), FIELDS).map((p) => p.kind)).toEqual([
      'empty-subject',
    ]);
  });

  it('flags prospects missing a field without fallback, and values that would break the subject', () => {
    const t = compileTemplate({
      subject: 'Hi {{firstName|there}} from {{company}}',
      html: '{{lastName}} {{company}}',
    });
    const problems = checkProspects(t, [
      prospect({ firstName: '', lastName: 'Lima', company: 'Acme' }, 1),
      prospect({ firstName: 'Bo', lastName: '', company: '' }, 2),
      prospect({ firstName: 'Cy', lastName: 'Wu', company: 'Evil\r\nBcc: x@y.z' }, 3),
    ]);
    expect(problems.map((p) => [p.row, p.kind, p.field])).toEqual([
      [2, 'missing-value', 'company'],
      [2, 'missing-value', 'lastName'],
      [3, 'subject-control-character', 'company'],
    ]);
    expect(problems[2]?.message).toMatch(/Row 3: company contains a line break/);
    expect(() =>
      renderMail(t, prospect({ firstName: 'Cy', lastName: 'Wu', company: 'Evil\r\nBcc: x@y.z' }, 3), {
        pixelUrl: null,
      }),
    ).toThrow(/line break/);
  });
});
