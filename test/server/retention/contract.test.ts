import { describe, expect, it } from 'vitest';
import {
  contractEndDate,
  contractEndInstant,
  DAY_MS,
  isContractActive,
  purgeDueAt,
  tenantPhase,
} from '../../../src/server/retention/contract';

describe('contract dates', () => {
  it('covers the whole end date (UTC) and round-trips', () => {
    const end = contractEndInstant('2027-12-31');
    expect(new Date(end).toISOString()).toBe('2028-01-01T00:00:00.000Z');
    expect(contractEndDate(end)).toBe('2027-12-31');
    expect(isContractActive({ contractEndsAt: end }, end - 1)).toBe(true);
    expect(isContractActive({ contractEndsAt: end }, end)).toBe(false);
    expect(isContractActive({ contractEndsAt: null }, Date.UTC(2099, 0))).toBe(true);
    expect(isContractActive(null, 0)).toBe(false);
  });

  it('rejects impossible or malformed dates', () => {
    for (const bad of ['2027-02-30', '2027-13-01', '27-12-31', '2027-12-31T00:00Z', '']) {
      expect(() => contractEndInstant(bad)).toThrow(RangeError);
    }
  });

  it('moves active → ended → purge-due at end and end + grace', () => {
    const t = { contractEndsAt: contractEndInstant('2026-06-30') };
    expect(purgeDueAt(t, 30)).toBe(t.contractEndsAt + 30 * DAY_MS);
    expect(tenantPhase(t, t.contractEndsAt - 1, 30)).toBe('active');
    expect(tenantPhase(t, t.contractEndsAt, 30)).toBe('ended');
    expect(tenantPhase(t, t.contractEndsAt + 30 * DAY_MS - 1, 30)).toBe('ended');
    expect(tenantPhase(t, t.contractEndsAt + 30 * DAY_MS, 30)).toBe('purge-due');
    expect(tenantPhase({ contractEndsAt: null }, 0, 30)).toBe('active');
  });
});
