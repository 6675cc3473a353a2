/**
 * The real CampaignStore: each campaign is one CampaignSync (src/storage) — IndexedDB ciphertext on
 * this device, pushed encrypted to the backend — gzip-packed, plus a pointer to the current campaign.
 */
import type { CampaignSync, CampaignSyncOptions } from '../../storage/state-sync';
import { pack, type Packed, unpack } from './compress';
import type { CampaignStore, PersistedCampaign } from './runtime';

type Stored = Packed | PersistedCampaign;

export interface SyncProblem {
  error: unknown;
  /** This device's copy is safe; only the encrypted backup on Candor's service failed. */
  savedLocally: boolean;
}

export interface SyncSource {
  campaign<T>(
    campaignId: string,
    options: Required<Pick<CampaignSyncOptions<T>, 'debounceMs' | 'onError' | 'onStatus'>>,
  ): CampaignSync<T>;
  listCampaigns(): Promise<{ campaignId: string; updatedAt: number }[]>;
}

/**
 * Short: while sending, each result should be on disk before a reload can lose it (a lost one is
 * only re-checked in Sent Items, never re-sent, but the recruiter would see it as "checking").
 */
const SAVE_DEBOUNCE_MS = 100;

export function syncedCampaignStore(
  source: SyncSource,
  pointer: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  pointerKey: string,
  /**
   * A save failed for a reason retrying will not fix (e.g. the backend refused it as too large):
   * `savedLocally` says whether this device still has it. Called with null once a save gets through.
   */
  onSyncProblem: (problem: SyncProblem | null) => void = () => {},
): CampaignStore {
  const syncs = new Map<string, CampaignSync<Stored>>();
  let closed = false;
  const sync = (id: string) => {
    let s = syncs.get(id);
    if (!s)
      syncs.set(
        id,
        (s = source.campaign<Stored>(id, {
          debounceMs: SAVE_DEBOUNCE_MS,
          onError: (error, { savedLocally }) => onSyncProblem({ error, savedLocally }),
          onStatus: (status) => {
            if (status === 'synced') onSyncProblem(null);
          },
        })),
      );
    return s;
  };
  // Packing is asynchronous: one queue keeps saves in the order they were made.
  let queue: Promise<unknown> = Promise.resolve();
  const packed = (value: PersistedCampaign): Promise<Stored> => {
    const next = queue.then(() => pack(value));
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    async currentId() {
      const local = pointer.getItem(pointerKey);
      if (local) return local;
      // A new device: continue the campaign most recently saved from another one.
      try {
        const all = await source.listCampaigns();
        return all.sort((a, b) => b.updatedAt - a.updatedAt)[0]?.campaignId ?? null;
      } catch {
        return null;
      }
    },
    async setCurrentId(id) {
      if (id) pointer.setItem(pointerKey, id);
      else pointer.removeItem(pointerKey);
    },
    async open(id) {
      const value = await sync(id).open();
      return value === undefined ? undefined : unpack<PersistedCampaign>(value);
    },
    save(id, value) {
      if (closed) return;
      packed(value).then(
        (v) => {
          if (!closed) sync(id).save(v);
        },
        (error: unknown) => onSyncProblem({ error, savedLocally: false }),
      );
    },
    async saveNow(id, value) {
      if (closed) throw new Error('Signed out: nothing more is saved or sent.');
      const s = sync(id);
      s.save(await packed(value));
      try {
        await s.flush();
      } catch (error) {
        // The write-ahead needs the copy on this device; only a failed local write must stop sending.
        if (s.status !== 'saved-locally') throw error;
        onSyncProblem({ error, savedLocally: true });
      }
    },
    async openLocal(id) {
      const value = await sync(id).openLocal();
      return value === undefined ? undefined : unpack<PersistedCampaign>(value);
    },
    async discard(id) {
      await queue;
      await sync(id).discardLocal();
      if (pointer.getItem(pointerKey) === id) pointer.removeItem(pointerKey);
    },
    async close() {
      if (closed) return;
      await queue;
      closed = true;
      await Promise.allSettled([...syncs.values()].map((s) => s.flush()));
    },
  };
}
