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
    options: Required<Pick<CampaignSyncOptions<T>, 'debounceMs' | 'onError' | 'onStatus' | 'onConflict'>>,
  ): CampaignSync<T>;
  listCampaigns(): Promise<{ campaignId: string; updatedAt: number }[]>;
}

/**
 * Short: while sending, each result should be on disk before a reload can lose it (a lost one is
 * only re-checked in Sent Items, never re-sent, but the recruiter would see it as "checking").
 */
const SAVE_DEBOUNCE_MS = 100;
/** A write on top of a conflicting one is tried this often before the service is called unreachable. */
const MAX_FORCED_ROUNDS = 3;

/** The service did not confirm it holds this device's copy (unreachable, or kept conflicting). */
export class ServiceNotConfirmed extends Error {
  constructor() {
    super(
      'Candor’s service can’t be reached to keep this campaign’s progress, so nothing more is sent until it can.',
    );
  }
}

/**
 * Saves of one campaign go to its CampaignSync one at a time (each written and pushed before the
 * next is handed over; changes made meanwhile are coalesced into one). So when a push finds that
 * another device pushed first — the service's copy wins and replaces this device's — no save made
 * before that was known can still land on top of it: the campaign is marked stale, and plain saves
 * are dropped until it is opened again or the sender writes its whole state (saveNow, saveToService).
 */
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
  const stale = new Set<string>();
  const conflicts = new Map<string, number>();
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
          onConflict: () => {
            conflicts.set(id, (conflicts.get(id) ?? 0) + 1);
            stale.add(id);
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

  interface Writer {
    chain: Promise<unknown>;
    latest: { value: Stored; seq: number; force: boolean } | null;
    seq: number;
    last: { upTo: number; error: unknown } | null;
  }
  const writers = new Map<string, Writer>();
  const writer = (id: string): Writer => {
    let w = writers.get(id);
    if (!w) writers.set(id, (w = { chain: Promise.resolve(), latest: null, seq: 0, last: null }));
    return w;
  };
  /** Writes `value` (or a newer one made meanwhile); resolves with the outcome of the write that covered it. */
  const write = (id: string, value: Stored, force: boolean): Promise<{ error: unknown } | null> => {
    const w = writer(id);
    const seq = ++w.seq;
    w.latest = { value, seq, force: force || (w.latest?.force ?? false) };
    const task = w.chain.then(async () => {
      const next = w.latest;
      if (next && next.seq >= seq) {
        w.latest = null;
        if (closed || (stale.has(id) && !next.force)) {
          w.last = { upTo: next.seq, error: null };
          return null;
        }
        const s = sync(id);
        s.save(next.value);
        try {
          await s.flush();
          w.last = { upTo: next.seq, error: null };
        } catch (error) {
          w.last = { upTo: next.seq, error };
        }
      }
      return w.last && w.last.upTo >= seq ? { error: w.last.error } : null;
    });
    w.chain = task.catch(() => undefined);
    return task;
  };
  const settled = async (id: string) => {
    await queue;
    await writers.get(id)?.chain;
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
      await settled(id);
      const value = await sync(id).open();
      stale.delete(id);
      return value === undefined ? undefined : unpack<PersistedCampaign>(value);
    },
    save(id, value) {
      if (closed) return;
      packed(value).then(
        (v) => {
          if (closed) return;
          void write(id, v, false).then((outcome) => {
            if (outcome?.error) {
              const savedLocally = sync(id).status === 'saved-locally';
              onSyncProblem({ error: outcome.error, savedLocally });
            }
          });
        },
        (error: unknown) => onSyncProblem({ error, savedLocally: false }),
      );
    },
    async saveNow(id, value) {
      if (closed) throw new Error('Signed out: nothing more is saved or sent.');
      const outcome = await write(id, await packed(value), true);
      if (closed && !outcome) throw new Error('Signed out: nothing more is saved or sent.');
      const s = sync(id);
      if (outcome?.error) {
        // The write-ahead needs the copy on this device; only a failed local write must stop sending.
        if (s.status !== 'saved-locally') throw outcome.error;
        onSyncProblem({ error: outcome.error, savedLocally: true });
      }
      stale.delete(id);
    },
    async saveToService(id, value) {
      if (closed) throw new Error('Signed out: nothing more is saved or sent.');
      const v = await packed(value);
      const s = sync(id);
      for (let round = 0; round < MAX_FORCED_ROUNDS; round++) {
        const before = conflicts.get(id) ?? 0;
        const outcome = await write(id, v, true);
        if (closed) throw new Error('Signed out: nothing more is saved or sent.');
        if (outcome?.error) throw outcome.error;
        if (s.status !== 'synced') throw new ServiceNotConfirmed();
        // Another device's copy replaced ours on the way: this device sends, so its copy goes on top.
        if ((conflicts.get(id) ?? 0) === before) {
          stale.delete(id);
          return;
        }
      }
      throw new ServiceNotConfirmed();
    },
    async openFromService(id) {
      await settled(id);
      const s = sync(id);
      // Whatever this device still has to push goes first (the service decides which copy is newer).
      await s.flush().catch(() => undefined);
      const value = await s.open();
      if (s.status === 'offline' || s.status === 'error') throw new ServiceNotConfirmed();
      stale.delete(id);
      return value === undefined ? undefined : unpack<PersistedCampaign>(value);
    },
    async openLocal(id) {
      const value = await sync(id).openLocal();
      return value === undefined ? undefined : unpack<PersistedCampaign>(value);
    },
    async discard(id) {
      await settled(id);
      await sync(id).discardLocal();
      if (pointer.getItem(pointerKey) === id) pointer.removeItem(pointerKey);
    },
    async close() {
      if (closed) return;
      await queue;
      await Promise.allSettled([...writers.values()].map((w) => w.chain));
      closed = true;
      await Promise.allSettled([...syncs.values()].map((s) => s.flush()));
    },
  };
}
