/**
 * The second half of a key rotation, once the new key is registered: every event of the user
 * that opens with an earlier key is sealed again (format v2) to the new key and replaced on the
 * server (PUT /events/:id); every campaign state is encrypted again under the new key through the
 * normal state sync. Safe to run again after an interruption: what already names the new key is
 * skipped.
 */
import type { ApiClient } from '../api/client';
import type { UserIdentity } from '../crypto/keys';
import type { Clock } from '../shared/clock';
import type { CandorDb, StoredUserKey } from './db';
import { pullEvents } from './event-sync';
import type { KeyApi, KeyCrypto } from './key-ports';
import { createKeyringStateCipher, eventKeyId, stateKeyId, type Keyring } from './keyring-open';
import { createCampaignSync } from './state-sync';

export interface FinishRotationOptions {
  db: CandorDb;
  api: Pick<KeyApi, 'resealEvent'> &
    Pick<ApiClient, 'listEvents' | 'listCampaigns' | 'getCampaignState' | 'putCampaignState'>;
  identity: UserIdentity;
  clock: Clock;
  crypto: Pick<KeyCrypto, 'resealEvent'>;
  /** The new, registered key. */
  key: StoredUserKey;
  /** Every key of the user this device holds, the new one included. */
  keyring: Keyring;
  onProgress?: (p: { done: number; total: number }) => void;
}

export async function finishRotation(o: FinishRotationOptions): Promise<void> {
  const { db, api, identity, key } = o;
  await pullEvents({ db, api, identity, maxPages: 10_000 });
  const events = await db.getAllFromIndex('events', 'byUser', [identity.tid, identity.oid]);
  const campaigns = await api.listCampaigns();
  const total = events.length + campaigns.length;
  let done = 0;
  const tick = () => o.onProgress?.({ done: ++done, total });
  o.onProgress?.({ done, total });

  for (const row of events) {
    if (eventKeyId(row.sealed) !== key.keyId && (row.kind === 'open' || row.kind === 'reply')) {
      const sealed = await o.crypto.resealEvent(row, o.keyring, key, identity);
      // null: no key of this device opens it (sealed to a key it never had) — it stays as it is.
      if (sealed) {
        await api.resealEvent(row.eventId, sealed);
        await db.put('events', { ...row, sealed: new Uint8Array(sealed) });
      }
    }
    tick();
  }

  const cipher = await createKeyringStateCipher(o.keyring, key.keyId);
  for (const { campaignId } of campaigns) {
    const remote = await api.getCampaignState(campaignId);
    if (remote && stateKeyId(remote.blob) !== key.keyId) {
      const sync = createCampaignSync<unknown>({
        db,
        api,
        cipher,
        identity,
        campaignId,
        clock: o.clock,
        debounceMs: 0,
      });
      let value: unknown;
      try {
        value = await sync.open();
      } catch {
        value = undefined; // sealed to a key this device does not hold: left as it is
      }
      if (value !== undefined) {
        sync.save(value);
        await sync.flush();
      }
    }
    tick();
  }
}
