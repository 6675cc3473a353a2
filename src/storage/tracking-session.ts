/**
 * Everything the task pane needs for zero-knowledge tracking, wired once per signed-in user:
 * the device's key (from key access: src/storage/key-access.ts), the event opener and state
 * cipher over the user's whole keyring (so data sealed to an earlier key still opens), campaign
 * sync, event pull, reply upload and disconnect. UI code takes this object instead of reaching
 * into crypto, storage and the API client separately.
 */
import type { ApiClient, TableCounts } from '../api/client';
import type { UserIdentity } from '../crypto/keys';
import type { EventOpener, OpenResult } from '../crypto/open-event';
import { sealReplies, type ReplyToSeal } from '../crypto/reply-seal';
import type { StateCipher } from '../crypto/state-cipher';
import type { RoamingSettings } from '../outlook/roaming-settings';
import type { Clock } from '../shared/clock';
import type { CandorDb, StoredEvent, StoredUserKey } from './db';
import { disconnect } from './disconnect';
import type { KeyAccess } from './key-access';
import { KeyAccessError } from './key-access-error';
import { createKeyringEventOpener, createKeyringStateCipher } from './keyring-open';
import { ensureUserKey, loadUserKey } from './user-key';
import { pullEvents, readEvents } from './event-sync';
import { createCampaignSync, type CampaignSync, type CampaignSyncOptions } from './state-sync';

export interface TrackingSessionOptions {
  db: CandorDb;
  api: ApiClient;
  identity: UserIdentity;
  clock: Clock;
  /**
   * The user's key on this device. Required once the pane wires key access (issue #9); without it
   * (until then) the session uses the device's stored key, makes one only for an account that has
   * none, and refuses — KeyAccessError `needs-key` — rather than replace another device's key.
   */
  access?: Pick<KeyAccess, 'resolve' | 'keyring'>;
  /** Where disconnect also removes the mailbox share of the key backup. */
  roaming?: RoamingSettings | null;
}

export interface TrackingSession {
  readonly key: StoredUserKey;
  /** true when this device just made its key: anything sealed before cannot be opened here. */
  readonly newKey: boolean;
  readonly cipher: StateCipher;
  readonly opener: EventOpener;
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
  access,
  roaming = null,
}: TrackingSessionOptions): Promise<TrackingSession> {
  let key: StoredUserKey;
  let created: boolean;
  let keyring: Map<string, CryptoKeyPair>;
  if (access) {
    const state = await access.resolve();
    if (state.kind !== 'ready') throw new KeyAccessError('needs-key');
    ({ key, created } = state);
    keyring = await access.keyring();
  } else {
    ({ key, created } = await legacyKey({ db, api, identity, clock }));
    keyring = new Map([[key.keyId, key.keyPair]]);
  }
  const cipher = await createKeyringStateCipher(keyring, key.keyId);
  const opener = createKeyringEventOpener({
    identity,
    keyring,
    currentKeyId: key.keyId,
    keyRegisteredAt: key.registeredAt,
  });
  // Opened events, in memory for this session only: the report re-reads often, each row opens once.
  const opened = new Map<string, OpenResult>();

  return {
    key,
    newKey: created,
    cipher,
    opener,
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
    disconnect: () => disconnect(db, api, roaming),
  };
}

/**
 * Before key access is wired: this device's stored key when it is the account's, a new one only
 * when the account has none. Never registers over another device's key (the bug of issue #9).
 */
async function legacyKey({ db, api, identity, clock }: Omit<TrackingSessionOptions, 'access' | 'roaming'>) {
  const [registered, local] = await Promise.all([api.getKey(), loadUserKey(db, identity)]);
  if (registered && registered.keyId !== local?.keyId) throw new KeyAccessError('needs-key');
  const register = async ({ publicKey }: { publicKey: string }) => void (await api.registerKey(publicKey));
  return ensureUserKey({ db, identity, register, clock });
}
