/**
 * Reply tracking's view of the campaign state (CampaignStatePort): the saved, encrypted campaigns,
 * except the one this pane is sending — that one is read from and written through its controller,
 * so the engine's next save cannot overwrite what reply sync recorded.
 */
import { parseCampaignSnapshot, type CampaignSnapshot } from '../../core/campaign';
import type { CampaignStatePort, TrackedCampaign } from '../../core/replies/ports';
import type { RecipientNote } from '../../core/send/recipient-note';
import { applyRecipientNote } from '../../core/send/recipient-note';
import type { Clock } from '../../shared/clock';
import type { PersistedCampaign } from '../campaign/runtime';

export interface CampaignFiles {
  ids(): Promise<{ campaignId: string; updatedAt: number }[]>;
  open(campaignId: string): Promise<PersistedCampaign | undefined>;
  save(campaignId: string, value: PersistedCampaign): void;
}

/** The campaign controller's part (src/ui/campaign/controller.ts). */
export interface LiveCampaign {
  liveCampaign(): TrackedCampaign | null;
  /**
   * Every campaign this pane's engines run (sequences: all running campaigns of the mailbox, not
   * only the current one). When present it replaces `liveCampaign` for reading; `annotate`,
   * `stopFor` and `recordBackendSend` must then accept any of them.
   */
  liveCampaigns?(): TrackedCampaign[];
  annotate(campaignId: string, notes: ReadonlyMap<string, RecipientNote>): boolean;
  stopFor(campaignId: string, code: string, message: string): boolean;
  recordBackendSend(campaignId: string, attemptId: string, sendId: string): boolean;
}

export interface SavedCampaign {
  campaignId: string;
  updatedAt: number;
  snapshot: CampaignSnapshot;
  backendSends: Record<string, string>;
}

/**
 * Opening a campaign fetches and decrypts its state; reply sync reads all of them every round. This
 * reuses what was opened while the backend's `updatedAt` for it is unchanged (any save — ours, the
 * send screen's, another device's — changes it), and forgets a campaign as soon as we write it.
 */
export function cachedCampaignFiles(files: CampaignFiles): CampaignFiles {
  const latest = new Map<string, number>();
  const cache = new Map<string, { updatedAt: number; value: PersistedCampaign | undefined }>();
  return {
    async ids() {
      const list = await files.ids();
      for (const { campaignId, updatedAt } of list) latest.set(campaignId, updatedAt);
      return list;
    },
    async open(campaignId) {
      const at = latest.get(campaignId);
      const hit = cache.get(campaignId);
      if (hit && hit.updatedAt === at) return structuredClone(hit.value);
      const value = await files.open(campaignId);
      if (at !== undefined) cache.set(campaignId, { updatedAt: at, value: structuredClone(value) });
      return value;
    },
    save(campaignId, value) {
      cache.delete(campaignId);
      files.save(campaignId, value);
    },
  };
}

/** Every campaign that started sending and opens on this device (others are skipped, not fatal). */
export async function savedCampaigns(files: CampaignFiles): Promise<SavedCampaign[]> {
  const out: SavedCampaign[] = [];
  for (const { campaignId, updatedAt } of await files.ids()) {
    try {
      const saved = await files.open(campaignId);
      if (!saved?.snapshot) continue;
      const snapshot = parseCampaignSnapshot(saved.snapshot);
      if (snapshot.send) out.push({ campaignId, updatedAt, snapshot, backendSends: saved.backendSends });
    } catch {
      // Sealed to another device's key or unreadable: the campaign screens explain that case.
    }
  }
  return out;
}

/** The campaigns an engine in this pane holds (read from and written through the controller). */
export function liveCampaignsOf(live: LiveCampaign | null): TrackedCampaign[] {
  if (!live) return [];
  if (live.liveCampaigns) return live.liveCampaigns();
  const current = live.liveCampaign();
  return current ? [current] : [];
}

export function campaignStatePort(
  files: CampaignFiles,
  /** The campaign controller, once it has opened the current campaign (null: campaigns not open here). */
  live: () => Promise<LiveCampaign | null>,
  clock: Clock,
  /** Registers a send with the tracking backend (no pixel) and returns its id. */
  register: (campaignId: string) => Promise<string>,
): CampaignStatePort {
  async function rewrite(
    campaignId: string,
    change: (snapshot: CampaignSnapshot, saved: PersistedCampaign) => boolean,
  ): Promise<void> {
    const saved = await files.open(campaignId);
    if (!saved?.snapshot) return;
    const snapshot = parseCampaignSnapshot(saved.snapshot);
    // A campaign still sending but not open here is being sent by another window (it holds the
    // send lock, and its own reply sync records these notes): writing its saved state from here
    // could overwrite that engine's newer progress, so it is left alone.
    const status = snapshot.send?.status;
    if (status === 'running' || status === 'paused') return;
    if (change(snapshot, saved)) files.save(campaignId, { ...saved, snapshot });
  }

  return {
    async list() {
      const current = liveCampaignsOf(await live());
      const ids = new Set(current.map((c) => c.campaignId));
      const saved = await savedCampaigns(files);
      const tracked: TrackedCampaign[] = saved
        .filter((s) => !ids.has(s.campaignId))
        .map((s) => ({
          campaignId: s.campaignId,
          status: s.snapshot.send?.status ?? 'ready',
          stopReason: s.snapshot.send?.stopReason ?? null,
          recipients: s.snapshot.send?.recipients ?? [],
          backendSends: s.backendSends,
        }));
      return [...current, ...tracked];
    },
    async annotate(campaignId, notes) {
      if ((await live())?.annotate(campaignId, notes)) return;
      await rewrite(campaignId, (snapshot) => {
        let changed = false;
        for (const r of snapshot.send?.recipients ?? []) {
          const note = notes.get(r.id);
          if (note && applyRecipientNote(r, note, clock.now())) changed = true;
        }
        return changed;
      });
    },
    async registerSend(campaignId, attemptId) {
      const sendId = await register(campaignId);
      if (!(await live())?.recordBackendSend(campaignId, attemptId, sendId)) {
        await rewrite(campaignId, (_, saved) => {
          saved.backendSends = { ...saved.backendSends, [attemptId]: sendId };
          return true;
        });
      }
      return sendId;
    },
    async stop(campaignId, reason) {
      if ((await live())?.stopFor(campaignId, reason.code, reason.message)) return;
      await rewrite(campaignId, (snapshot) => {
        const send = snapshot.send;
        if (!send || send.status !== 'ready') return false;
        send.status = 'stopped';
        send.stopReason = { ...reason, at: clock.now() };
        return true;
      });
    },
  };
}
