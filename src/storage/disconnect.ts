/**
 * Disconnect: the backend deletes the user's rows, public key, key backups, pending approvals and
 * leases; then this device forgets its key pairs, snapshots, events and cursors, and the mailbox
 * share of the split backup is removed from Office roaming settings where the pane can reach them
 * (it opens nothing once the server's half is gone, so a failure there is not an error). Server first: if the backend cannot be reached the
 * local data stays, so the user can retry — wiping first would leave rows on the server that
 * nobody can read but that the promise says are deleted. (Forgetting only this device is
 * `wipeAll` on its own.)
 */
import type { ApiClient, TableCounts } from '../api/client';
import { KEY_SHARE_SETTING, type RoamingSettings } from '../outlook/roaming-settings';
import { wipeAll, type CandorDb } from './db';

export async function disconnect(
  db: CandorDb,
  api: Pick<ApiClient, 'deleteMe'>,
  roaming: RoamingSettings | null = null,
): Promise<TableCounts> {
  const { deleted } = await api.deleteMe();
  await wipeAll(db);
  try {
    await roaming?.remove(KEY_SHARE_SETTING);
  } catch {
    // Best effort: without the server's share the mailbox share opens nothing.
  }
  return deleted;
}
