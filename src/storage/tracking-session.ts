/**
 * Everything the task pane needs for zero-knowledge tracking, wired once per signed-in user:
 * the device's key pair (made and registered if missing), the event opener, the state cipher,
 * campaign sync, event pull, reply upload and disconnect. UI code takes this object instead of
 * reaching into crypto, storage and the API client separately.
 */
import type { ApiClient, TableCounts } from '../api/client';
import type { UserIdentity } from '../crypto/keys';
import { createEventOpener, type EventOpener, type OpenResult } from '../crypto/open-event';
import { sealReplies, type ReplyToSeal } from '../crypto/reply-seal';
import { createStateCipher, type StateCipher } from '../crypto/state-cipher';
import type { Clock } from '../shared/clock';
import type { CandorDb, StoredEvent, StoredUserKey } from './db';
import { disconnect } from './disconnect';
import { ensureUserKey } from './user-key';
import { pullEvents, readEvents } from './event-sync';
import { createCampaignSync, type CampaignSync, type CampaignSyncOptions } from './state-sync';

export interface TrackingSessionOptions {
  db: CandorDb;
  api: ApiClient;
  identity: UserIdentity;
  clock: Clock;
}

/**
 * `current`: the backend seals to this device's key. `replaced`: another device registered its
 * own key since; new events go there and will not open here until `useThisDevice()`.
 */
export type KeyStatus = 'current' | 'replaced';

export interface TrackingSession {
  readonly key: StoredUserKey;
  /** true when this device just made its key: anything sealed before cannot be opened here. */
  readonly newKey: boolean;
  readonly cipher: StateCipher;
  readonly opener: EventOpener;
  keyStatus(): Promise<KeyStatus>;
  /** Registers this device's key again, so new events are sealed to it (the other device then falls behind). */
  useThisDevice(): Promise<void>;
  campaign<T>(
    campaignId: string,
    options?: Pick<CampaignSyncOptions<T>, 'merge' | 'onConflict' | 'onStatus' | 'onError' | 'debounceMs'>,
  ): CampaignSync<T>;
  pullEvents(): Promise<StoredEvent[]>;
  readEvents(): Promise<OpenResult[]>;
  /** Seals reply metadata to this user's key and uploads it; returns the event ids stored. */
  uploadReplies(replies: readonly ReplyToSeal[]): Promise<string[]>;
  disconnect(): Promise<TableCounts>;
}

export async function openTrackingSession({
  db,
  api,
  identity,
  clock,
}: TrackingSessionOptions): Promise<TrackingSession> {
  const register = async ({ publicKey }: { publicKey: string }) => void (await api.registerKey(publicKey));
  const { key, created } = await ensureUserKey({ db, identity, register, clock });
  const cipher = await createStateCipher(key.keyPair, key.keyId);
  const opener = createEventOpener({ identity, keyPair: key.keyPair, keyRegisteredAt: key.registeredAt });
  // Opened events, in memory for this session only: the report re-reads often, each row opens once.
  const opened = new Map<string, OpenResult>();

  return {
    key,
    newKey: created,
    cipher,
    opener,
    async keyStatus() {
      const registered = await api.getKey();
      return registered?.keyId === key.keyId ? 'current' : 'replaced';
    },
    async useThisDevice() {
      await api.registerKey(key.publicKey);
      await db.put('keys', { ...key, registeredAt: clock.now() });
    },
    campaign: (campaignId, options = {}) =>
      createCampaignSync({ db, api, cipher, identity, campaignId, clock, ...options }),
    pullEvents: () => pullEvents({ db, api, identity }),
    readEvents: () => readEvents(db, identity, opener, opened),
    async uploadReplies(replies) {
      const sealed = await sealReplies(identity, key, replies);
      const stored: string[] = [];
      // One at a time: a reply upload is idempotent by eventId, so a failure part-way is safe to redo.
      for (const r of sealed) stored.push((await api.postReply(r.sendId, r)).eventId);
      return stored;
    },
    disconnect: () => disconnect(db, api),
  };
}
