/**
 * The real CampaignStore: each campaign is one CampaignSync (src/storage) — IndexedDB ciphertext on
 * this device, pushed encrypted to the backend — and a pointer to the current campaign.
 */
import type { CampaignSync } from '../../storage/state-sync';
import type { CampaignStore, PersistedCampaign } from './runtime';

export interface SyncSource {
  campaign<T>(campaignId: string, options: { debounceMs: number }): CampaignSync<T>;
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
): CampaignStore {
  const syncs = new Map<string, CampaignSync<PersistedCampaign>>();
  const sync = (id: string) => {
    let s = syncs.get(id);
    if (!s) syncs.set(id, (s = source.campaign<PersistedCampaign>(id, { debounceMs: SAVE_DEBOUNCE_MS })));
    return s;
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
    open: (id) => sync(id).open(),
    save: (id, value) => sync(id).save(value),
    async saveNow(id, value) {
      const s = sync(id);
      s.save(value);
      await s.flush();
    },
  };
}
