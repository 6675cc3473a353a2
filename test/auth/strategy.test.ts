import { describe, expect, it } from 'vitest';
import { chooseStrategy } from '../../src/auth';

describe('chooseStrategy', () => {
  it.each([
    ['demo', true, true, 'demo'],
    ['demo', true, false, 'demo'],
    ['demo', false, false, 'demo'],
    ['entra', true, true, 'naa'],
    ['entra', true, false, 'office-dialog'],
    ['entra', false, false, 'redirect'],
    // A browser cannot offer NAA; the flag alone must not switch strategy outside Office.
    ['entra', false, true, 'redirect'],
  ] as const)('mode %s, inOffice %s, NestedAppAuth 1.1 %s → %s', (mode, inOffice, naaSupported, expected) => {
    expect(chooseStrategy(mode, { inOffice, naaSupported })).toBe(expected);
  });
});
