import { describe, expect, it } from 'vitest';
import { stripReplyPrefixes, subjectKey } from '../../../src/core/replies/subject';

describe('stripReplyPrefixes', () => {
  it.each([
    ['RE: Role at Acme', 'Role at Acme'],
    ['Re: Role at Acme', 'Role at Acme'],
    ['AW: Role at Acme', 'Role at Acme'],
    ['SV: Role at Acme', 'Role at Acme'],
    ['VS: Role at Acme', 'Role at Acme'],
    ['Antw: Role at Acme', 'Role at Acme'],
    ['Réf : Role at Acme', 'Role at Acme'],
    ['RIF: Role at Acme', 'Role at Acme'],
    ['R: Role at Acme', 'Role at Acme'],
    ['回复: Role at Acme', 'Role at Acme'],
    ['答复：Role at Acme', 'Role at Acme'],
    ['Ответ: Role at Acme', 'Role at Acme'],
    ['FW: Role at Acme', 'Role at Acme'],
    ['Fwd: Role at Acme', 'Role at Acme'],
    ['WG: Role at Acme', 'Role at Acme'],
    ['TR: Role at Acme', 'Role at Acme'],
    ['RE: AW: [EXT] Role at Acme', 'Role at Acme'],
    ['[EXT] RE: Role at Acme', 'Role at Acme'],
    ['RE[2]: Role at Acme', 'Role at Acme'],
    ['Re(3): Role at Acme', 'Role at Acme'],
    ['  RE :   AW:SV:  Role   at Acme ', 'Role at Acme'],
    ['(EXTERNAL) Fwd: RE: Role at Acme', 'Role at Acme'],
  ])('%j → %j', (input, expected) => {
    expect(stripReplyPrefixes(input)).toBe(expected);
  });

  it.each([
    ['Re-org plans', 'Re-org plans'],
    ['R&D roles in Berlin', 'R&D roles in Berlin'],
    ['Rework: what we learned', 'Rework: what we learned'],
    ['Fwdx: nothing', 'Fwdx: nothing'],
  ])('leaves a first word that only looks like a prefix: %j', (input, expected) => {
    expect(stripReplyPrefixes(input)).toBe(expected);
  });
});

describe('subjectKey', () => {
  it('is equal for a reply and our subject whatever the case and prefixes', () => {
    expect(subjectKey('RE: AW: role AT acme')).toBe(subjectKey('Role at Acme'));
  });

  it('differs for a different subject', () => {
    expect(subjectKey('RE: Something else')).not.toBe(subjectKey('Role at Acme'));
  });
});
