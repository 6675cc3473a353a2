/**
 * Disconnect: the backend deletes the user's rows and public key, then this device forgets the
 * key pair, snapshots, events and cursor. Server first: if the backend cannot be reached the
 * local data stays, so the user can retry — wiping first would leave rows on the server that
 * nobody can read but that the promise says are deleted. (Forgetting only this device is
 * `wipeAll` on its own.)
 */
import type { ApiClient, TableCounts } from '../api/client';
import { wipeAll, type CandorDb } from './db';

export async function disconnect(db: CandorDb, api: Pick<ApiClient, 'deleteMe'>): Promise<TableCounts> {
  const { deleted } = await api.deleteMe();
  await wipeAll(db);
  return deleted;
}
