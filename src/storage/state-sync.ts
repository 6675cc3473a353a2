/**
 * Keeps one campaign's state on this device and on the backend, encrypted on both.
 *
 * - Every change is written locally after a short debounce (IndexedDB, state-cipher ciphertext),
 *   then pushed with optimistic versioning: PUT with the version this device last saw.
 * - Opening takes the newer of the local copy and the backend's.
 * - Conflict (another device pushed first while this one had unpushed edits): both versions are
 *   decrypted and `merge(local, remote)` decides; the result is pushed on top of the remote
 *   version. Without a merge function the remote version wins — safer for a mail tool, because
 *   the other device may have sent mail this device does not know about — and `onConflict`
 *   tells the UI so it can say that local edits were replaced.
 * - Offline: edits stay local and dirty; the next save, flush or open pushes them.
 * - A push the backend refuses for good (e.g. 413, too large) never hides the local copy: `open`
 *   still returns it and reports the refusal through `onError`, so the recruiter keeps working here.
 *
 * All steps for one campaign run one at a time, so a push never races a local write.
 */
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/errors';
import type { StateCipher } from '../crypto/state-cipher';
import type { UserIdentity } from '../crypto/keys';
import type { Clock } from '../shared/clock';
import type { CandorDb, StoredSnapshot } from './db';

/**
 * `offline`: the backend could not be reached (or kept conflicting); edits are safe locally.
 * `error`: something the next try will not fix by itself (signed out, a snapshot that does not
 * open with this device's key) — reported through `onError`.
 */
export type SyncStatus = 'idle' | 'pending' | 'saved-locally' | 'synced' | 'offline' | 'error';

export interface CampaignSyncOptions<T> {
  db: CandorDb;
  api: Pick<ApiClient, 'getCampaignState' | 'putCampaignState'>;
  cipher: StateCipher;
  identity: UserIdentity;
  campaignId: string;
  clock: Clock;
  /** Quiet time after the last change before writing. Default 800 ms. */
  debounceMs?: number;
  merge?: (local: T, remote: T) => T;
  onConflict?: (info: { merged: boolean; remoteVersion: number }) => void;
  onStatus?: (status: SyncStatus) => void;
  /**
   * Failures of background saves and of pushes while opening (a flush rejects instead).
   * `savedLocally` says whether this device's copy is safe (only the backend copy failed).
   */
  onError?: (error: unknown, info: { savedLocally: boolean }) => void;
}

export interface CampaignSync<T> {
  /** The newer of the local and the remote copy (pushing local edits if they are the newer). */
  open(): Promise<T | undefined>;
  /** Records a change; written and pushed after the debounce. */
  save(value: T): void;
  /** Writes and pushes any pending change now (pane closing, sign-out). */
  flush(): Promise<void>;
  /** This device's copy only, without asking the backend (the way forward when the backend fails). */
  openLocal(): Promise<T | undefined>;
  /** Deletes this device's copy (and anything pending); the backend's copy, if any, is left alone. */
  discardLocal(): Promise<void>;
  readonly status: SyncStatus;
}

const MAX_CONFLICT_ROUNDS = 3;

export function createCampaignSync<T>(options: CampaignSyncOptions<T>): CampaignSync<T> {
  const { db, api, cipher, identity, campaignId, clock } = options;
  const debounceMs = options.debounceMs ?? 800;
  const dbKey: [string, string, string] = [identity.tid, identity.oid, campaignId];
  const binding = (version: number) => ({ ...identity, campaignId, version });

  let status: SyncStatus = 'idle';
  let queue: Promise<unknown> = Promise.resolve();
  let pending: { value: T } | undefined;
  let timer: AbortController | undefined;

  const setStatus = (s: SyncStatus) => {
    status = s;
    options.onStatus?.(s);
  };

  /** Runs `task` after everything queued before it; failures do not block later tasks. */
  function serial<R>(task: () => Promise<R>): Promise<R> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  async function writeLocal(value: T, target?: number): Promise<StoredSnapshot> {
    const snap = await db.get('snapshots', dbKey);
    const version = target ?? (!snap ? 1 : snap.dirty ? snap.version : snap.version + 1);
    const record: StoredSnapshot = {
      ...identity,
      campaignId,
      version,
      dirty: true,
      blob: await cipher.encrypt(binding(version), value),
      savedAt: clock.now(),
    };
    await db.put('snapshots', record);
    setStatus('saved-locally');
    return record;
  }

  async function storeClean(version: number, blob: Uint8Array<ArrayBuffer>): Promise<void> {
    await db.put('snapshots', { ...identity, campaignId, version, dirty: false, blob, savedAt: clock.now() });
  }

  async function push(): Promise<void> {
    for (let round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
      const snap = await db.get('snapshots', dbKey);
      if (!snap?.dirty) return;
      const expectedVersion = snap.version === 1 ? null : snap.version - 1;
      let result;
      try {
        result = await api.putCampaignState(campaignId, { expectedVersion, blob: snap.blob });
      } catch (err) {
        if (err instanceof ApiError && err.retryable) return setStatus('offline');
        throw err;
      }
      if (result.ok) {
        await storeClean(result.version, snap.blob);
        return setStatus('synced');
      }
      await resolveConflict(await cipher.decrypt<T>(binding(snap.version), snap.blob));
    }
    setStatus('offline');
  }

  /** Another device pushed first: merge (or take theirs) on top of the remote version. */
  async function resolveConflict(local: T): Promise<T> {
    const remote = await api.getCampaignState(campaignId);
    if (!remote) {
      // The remote copy is gone (deleted elsewhere): ours becomes the first version again.
      await writeLocal(local, 1);
      return local;
    }
    const theirs = await cipher.decrypt<T>(binding(remote.version), remote.blob);
    options.onConflict?.({ merged: Boolean(options.merge), remoteVersion: remote.version });
    if (!options.merge) {
      await storeClean(remote.version, remote.blob);
      setStatus('synced');
      return theirs;
    }
    const merged = options.merge(local, theirs);
    await writeLocal(merged, remote.version + 1);
    return merged;
  }

  async function openNow(): Promise<T | undefined> {
    const snap = await db.get('snapshots', dbKey);
    let remote;
    try {
      remote = await api.getCampaignState(campaignId);
    } catch (err) {
      if (!(err instanceof ApiError && err.retryable)) throw err;
      setStatus('offline');
      return snap ? cipher.decrypt<T>(binding(snap.version), snap.blob) : undefined;
    }
    if (!snap && !remote) return undefined;
    if (!remote) {
      const local = await cipher.decrypt<T>(binding(snap!.version), snap!.blob);
      // Never pushed, or the backend lost it: ours is the only copy, so it becomes version 1.
      if (!snap!.dirty || snap!.version !== 1) await writeLocal(local, 1);
      await pushOrReport();
      return local;
    }
    const theirs = await cipher.decrypt<T>(binding(remote.version), remote.blob);
    if (!snap) {
      await storeClean(remote.version, remote.blob);
      setStatus('synced');
      return theirs;
    }
    const base = snap.dirty ? snap.version - 1 : snap.version;
    const local = await cipher.decrypt<T>(binding(snap.version), snap.blob);
    if (remote.version > base) {
      if (!snap.dirty) {
        await storeClean(remote.version, remote.blob);
        setStatus('synced');
        return theirs;
      }
      const result = await resolveConflict(local);
      await pushOrReport();
      return result;
    }
    if (remote.version < base) {
      // The backend is behind this device (restored from backup, or replaying an old copy):
      // keep ours and push it on top of what the backend has.
      await writeLocal(local, remote.version + 1);
    }
    if (snap.dirty || remote.version < base) await pushOrReport();
    else setStatus('synced');
    return local;
  }

  /** While opening: the local copy is what matters; a refused push is reported, not thrown. */
  async function pushOrReport(): Promise<void> {
    try {
      await push();
    } catch (err) {
      setStatus('error');
      options.onError?.(err, { savedLocally: true });
    }
  }

  async function openLocalNow(): Promise<T | undefined> {
    const snap = await db.get('snapshots', dbKey);
    return snap ? cipher.decrypt<T>(binding(snap.version), snap.blob) : undefined;
  }

  async function writePending(): Promise<void> {
    const next = pending;
    pending = undefined;
    if (!next) return;
    await writeLocal(next.value);
    await push();
  }

  return {
    get status() {
      return status;
    },
    open: () => serial(openNow),
    save(value) {
      pending = { value };
      setStatus('pending');
      timer?.abort();
      const ctl = new AbortController();
      timer = ctl;
      clock.sleep(debounceMs, ctl.signal).then(
        () =>
          serial(writePending).catch((err: unknown) => {
            const savedLocally = status === 'saved-locally';
            setStatus('error');
            options.onError?.(err, { savedLocally });
          }),
        () => undefined, // superseded by a newer change
      );
    },
    flush() {
      timer?.abort();
      return serial(async () => {
        await writePending();
        await push();
      });
    },
    openLocal: () => serial(openLocalNow),
    discardLocal() {
      timer?.abort();
      pending = undefined;
      return serial(async () => {
        await db.delete('snapshots', dbKey);
        setStatus('idle');
      });
    },
  };
}
