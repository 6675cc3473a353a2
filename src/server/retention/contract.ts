import type { Tenant } from '../store/store';

/**
 * Contract arithmetic. A contract "ending 2027-12-31" covers that whole day (UTC): access stops at
 * 2028-01-01T00:00Z, and the purge becomes due `graceDays` later. Dates are UTC calendar dates so
 * an admin command means the same thing on every server.
 */
export const DAY_MS = 24 * 3600 * 1000;

/** `YYYY-MM-DD` → the instant the contract stops (start of the next UTC day). */
export function contractEndInstant(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const instant = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1) : NaN;
  // Round-trip check rejects 2027-02-30 and friends.
  if (!m || new Date(instant - DAY_MS).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return instant;
}

/** The last covered day of a contract, as `YYYY-MM-DD`; null for open-ended. */
export function contractEndDate(contractEndsAt: number | null): string | null {
  return contractEndsAt === null ? null : new Date(contractEndsAt - DAY_MS).toISOString().slice(0, 10);
}

export function isContractActive(tenant: Pick<Tenant, 'contractEndsAt'> | null, now: number): boolean {
  return tenant !== null && (tenant.contractEndsAt === null || now < tenant.contractEndsAt);
}

export function purgeDueAt(tenant: Pick<Tenant, 'contractEndsAt'>, graceDays: number): number | null {
  return tenant.contractEndsAt === null ? null : tenant.contractEndsAt + graceDays * DAY_MS;
}

export type TenantPhase = 'active' | 'ended' | 'purge-due';

/** active → ended (API refuses, data kept for the grace period) → purge-due. */
export function tenantPhase(
  tenant: Pick<Tenant, 'contractEndsAt'>,
  now: number,
  graceDays: number,
): TenantPhase {
  if (isContractActive(tenant, now)) return 'active';
  const due = purgeDueAt(tenant, graceDays);
  return due !== null && now >= due ? 'purge-due' : 'ended';
}
