import type { Clock } from '../../shared/clock';
import type { Store, TableCounts } from '../store/store';

/**
 * Disconnect: every row of the user and their public key go in one transaction, then a deletion
 * record is written. The record names the tenant only (not the user) and holds counts, a time and
 * the contract end in force (a user may leave during the grace period after it).
 */
export async function disconnectUser(
  store: Store,
  clock: Clock,
  tid: string,
  oid: string,
): Promise<TableCounts> {
  const tenant = await store.getTenant(tid);
  const counts = await store.deleteUser(tid, oid);
  await store.addDeletionRecord({
    kind: 'user-disconnect',
    subjectRef: tid,
    counts,
    at: clock.now(),
    contractEndsAt: tenant?.contractEndsAt ?? null,
    prevHash: null,
    hash: null,
  });
  // The rows are gone; now their bytes leave the files too (store.ts, reclaimDeletedSpace).
  await store.reclaimDeletedSpace();
  return counts;
}
