/**
 * Pulls the user's sealed events from the backend into IndexedDB, exactly as sent (ciphertext),
 * and advances the cursor in the same transaction — so a pane closed mid-pull neither loses nor
 * double-counts anything. Events are opened on read with the device's key; nothing opened is
 * ever written back to storage.
 */
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/errors';
import type { EventOpener, OpenResult } from '../crypto/open-event';
import type { UserIdentity } from '../crypto/keys';
import type { CandorDb, StoredEvent } from './db';

export interface PullEventsOptions {
  db: CandorDb;
  api: Pick<ApiClient, 'listEvents'>;
  identity: UserIdentity;
  /** Rows per request (the API allows up to 500). Default 200. */
  pageSize?: number;
  /** Stop after this many pages in one call; the next call continues. Default 50. */
  maxPages?: number;
}

/** Fetches everything new since the stored cursor; returns the rows added by this call. */
export async function pullEvents({
  db,
  api,
  identity,
  pageSize = 200,
  maxPages = 50,
}: PullEventsOptions): Promise<StoredEvent[]> {
  const added: StoredEvent[] = [];
  const cursorKey: [string, string] = [identity.tid, identity.oid];
  for (let page = 0; page < maxPages; page++) {
    const after = (await db.get('cursors', cursorKey))?.after ?? null;
    const { events, next } = await api.listEvents({ after, limit: pageSize }).catch((e: unknown) => {
      // A cursor the backend no longer accepts (e.g. kept from before an upgrade): list from the
      // start. Rows already stored are put again under the same key, so nothing is doubled.
      if (after !== null && e instanceof ApiError && e.details.code === 'invalid-cursor') {
        return api.listEvents({ after: null, limit: pageSize });
      }
      throw e;
    });
    const rows: StoredEvent[] = events.map((e) => ({ ...identity, ...e }));
    const tx = db.transaction(['events', 'cursors'], 'readwrite');
    await Promise.all([
      ...rows.map((r) => tx.objectStore('events').put(r)),
      tx.objectStore('cursors').put({ ...identity, after: next ?? after }),
      tx.done,
    ]);
    added.push(...rows);
    if (events.length < pageSize) break;
  }
  return added;
}

/**
 * Every stored event of this user, opened with the device's key (failures reported per row). Pass
 * `opened` (kept in memory for the pane's session, never stored) and each row is opened once: a
 * report that reads again opens only what arrived since — opening costs an ECDH per sealing group,
 * and opens spread over days are one group each.
 */
export async function readEvents(
  db: CandorDb,
  identity: UserIdentity,
  opener: EventOpener,
  opened?: Map<string, OpenResult>,
): Promise<OpenResult[]> {
  const rows = await db.getAllFromIndex('events', 'byUser', [identity.tid, identity.oid]);
  rows.sort((a, b) => a.occurredAt - b.occurredAt);
  return Promise.all(
    rows.map(async (r) => {
      const known = opened?.get(r.eventId);
      if (known) return known;
      const result = await opener.open(r);
      // Only successes are kept: a row that failed is tried again (e.g. after the key came back).
      if (result.ok) opened?.set(r.eventId, result);
      return result;
    }),
  );
}
