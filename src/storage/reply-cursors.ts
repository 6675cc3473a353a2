/**
 * Reply sync's delta cursors, per user and mail folder, in IndexedDB. A delta link is an opaque Graph
 * URL with no personal data in it; it lives on this device only (another device keeps its own and
 * finds the same replies — uploads are idempotent), and is wiped with everything else on disconnect.
 */
import type { DeltaCursor, DeltaCursorStore, MailFolder } from '../core/replies/ports';
import type { UserIdentity } from '../crypto/keys';
import type { CandorDb } from './db';

export function replyCursorStore(db: CandorDb, identity: UserIdentity): DeltaCursorStore {
  return {
    async load(folder: MailFolder) {
      const row = await db.get('replyCursors', [identity.tid, identity.oid, folder]);
      return row ? { deltaLink: row.deltaLink, since: row.since } : null;
    },
    async save(folder: MailFolder, cursor: DeltaCursor) {
      await db.put('replyCursors', { ...identity, folder, ...cursor });
    },
  };
}
