import { describe, expect, it } from 'vitest';
import { generateRecoveryCode, normaliseRecoveryCode } from '../../../src/crypto/key-backup/recovery-code';

describe('recovery code', () => {
  it('is 26 Crockford base32 characters in groups of 4, different every time', () => {
    const codes = Array.from({ length: 200 }, generateRecoveryCode);
    for (const code of codes) {
      expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{2}$/);
      expect(normaliseRecoveryCode(code)).toBe(code.replace(/-/g, ''));
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('accepts the code as people type it: any case, spaces or no dashes, I/L for 1 and O for 0', () => {
    const canonical = '0123456789ABCDEFGHJKMNPQR0';
    expect(normaliseRecoveryCode('0123-4567-89AB-CDEF-GHJK-MNPQ-R0')).toBe(canonical);
    expect(normaliseRecoveryCode(' o123 4567 89ab cdef ghjk mnpq rO ')).toBe(canonical);
    expect(normaliseRecoveryCode('0i23-4567-89AB-CDEF-GHJK-MNPQ-R0')).toBe(canonical);
    expect(normaliseRecoveryCode('0L23456789abcdefghjkmnpqr0')).toBe(canonical);
  });

  it('refuses what cannot be a code', () => {
    expect(normaliseRecoveryCode('')).toBeNull();
    expect(normaliseRecoveryCode('0123-4567-89AB-CDEF-GHJK-MNPQ-R')).toBeNull(); // 25 characters
    expect(normaliseRecoveryCode('0123-4567-89AB-CDEF-GHJK-MNPQ-R00')).toBeNull(); // 27
    expect(normaliseRecoveryCode('U123-4567-89AB-CDEF-GHJK-MNPQ-R0')).toBeNull(); // U is not in the alphabet
    expect(normaliseRecoveryCode('0123-4567-89AB-CDEF-GHJK-MNPQ-R1')).toBeNull(); // padding bits set
  });
});
