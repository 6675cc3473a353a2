import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORBIDDEN_MESSAGE_PROPERTIES, MESSAGE_HEADER_FIELDS, PROFILE_FIELDS } from '../../src/graph';
import { referenceAvailable, referencePath } from '../support/reference';

/** Property names of an entity type and its base types, read from Graph's published CSDL. */
function propertiesOf(csdl: string, type: string): Set<string> {
  const names = new Set<string>();
  let current: string | undefined = type;
  while (current) {
    const open = new RegExp(`<EntityType\\b[^>]*\\bName="${current}"[^>]*>`).exec(csdl);
    if (!open) throw new Error(`entity type ${current} not in CSDL`);
    const body = csdl.slice(open.index, csdl.indexOf('</EntityType>', open.index));
    for (const m of body.matchAll(/<(?:Navigation)?Property Name="(\w+)"/g)) names.add(m[1] as string);
    current = /BaseType="graph\.(\w+)"/.exec(open[0])?.[1];
  }
  return names;
}

describe.skipIf(!referenceAvailable)("Candor's $select lists against Graph's v1.0 schema", () => {
  const csdl = referenceAvailable ? readFileSync(referencePath('graph', 'v1.0-metadata.xml'), 'utf8') : '';

  it('names only properties that exist on message', () => {
    const message = propertiesOf(csdl, 'message');
    expect(MESSAGE_HEADER_FIELDS.filter((f) => !message.has(f))).toEqual([]);
    expect(message.has('internetMessageHeaders')).toBe(true);
  });

  it('names only properties that exist on user', () => {
    const user = propertiesOf(csdl, 'user');
    expect(PROFILE_FIELDS.filter((f) => !user.has(f))).toEqual([]);
  });

  it('forbids every content-bearing property message actually has', () => {
    const message = [...propertiesOf(csdl, 'message')].map((p) => p.toLowerCase());
    // hasAttachments is a boolean flag, not content.
    const contentBearing = message.filter(
      (p) => /body|attachment|extension|extendedpropert/.test(p) && p !== 'hasattachments',
    );
    expect(contentBearing.length).toBeGreaterThanOrEqual(7);
    expect(
      contentBearing.filter((p) => !(FORBIDDEN_MESSAGE_PROPERTIES as readonly string[]).includes(p)),
    ).toEqual([]);
  });

  it('selects no forbidden property', () => {
    const selected = [...MESSAGE_HEADER_FIELDS].map((f) => f.toLowerCase());
    expect(selected.filter((f) => (FORBIDDEN_MESSAGE_PROPERTIES as readonly string[]).includes(f))).toEqual(
      [],
    );
  });
});
