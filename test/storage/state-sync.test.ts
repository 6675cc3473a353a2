import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ApiClient, CampaignStateRecord, PutStateResult } from '../../src/api/client';
import { ApiError } from '../../src/api/errors';
import { generateUserKey } from '../../src/crypto/keys';
import { createStateCipher, type StateCipher } from '../../src/crypto/state-cipher';
import { openCandorDb, type CandorDb } from '../../src/storage/db';
import { createCampaignSync, type CampaignSyncOptions, type SyncStatus } from '../../src/storage/state-sync';
import { ManualClock } from '../../src/shared/clock';

interface Campaign {
  notes: string[];
}

const me = { tid: 'tenant-1', oid: 'user-1' };
const campaignId = 'camp-1';

/** The backend's campaign-state contract: create = version 1, then expectedVersion + 1. */
class FakeStateApi implements Pick<ApiClient, 'getCampaignState' | 'putCampaignState'> {
  state: CampaignStateRecord | null = null;
  offline = false;
  puts = 0;
  async getCampaignState(): Promise<CampaignStateRecord | null> {
    if (this.offline) throw new ApiError('network');
    return this.state && { ...this.state };
  }
  async putCampaignState(
    id: string,
    s: { expectedVersion: number | null; blob: Uint8Array },
  ): Promise<PutStateResult> {
    if (this.offline) throw new ApiError('network');
    this.puts++;
    const current = this.state?.version ?? null;
    if (s.expectedVersion !== current) return { ok: false, currentVersion: current };
    const version = (current ?? 0) + 1;
    this.state = { campaignId: id, version, blob: new Uint8Array(s.blob), updatedAt: 0 };
    return { ok: true, version };
  }
}

let seq = 0;
async function device(
  api: FakeStateApi,
  cipher: StateCipher,
  extra: Partial<CampaignSyncOptions<Campaign>> = {},
) {
  const db: CandorDb = await openCandorDb(`state-sync-${++seq}`);
  const clock = new ManualClock();
  const statuses: SyncStatus[] = [];
  const sync = createCampaignSync<Campaign>({
    db,
    api,
    cipher,
    identity: me,
    campaignId,
    clock,
    debounceMs: 500,
    onStatus: (s) => statuses.push(s),
    ...extra,
  });
  return { db, clock, sync, statuses };
}

async function userCipher() {
  const key = await generateUserKey(me, 0);
  return createStateCipher(key.keyPair, key.keyId);
}

const remoteValue = async (api: FakeStateApi, cipher: StateCipher) =>
  cipher.decrypt<Campaign>({ ...me, campaignId, version: api.state!.version }, api.state!.blob);

describe('campaign state sync', () => {
  it('debounces changes into one local write and one push', async () => {
    const api = new FakeStateApi();
    const cipher = await userCipher();
    const a = await device(api, cipher);
    a.sync.save({ notes: ['one'] });
    await a.clock.advance(300);
    a.sync.save({ notes: ['one', 'two'] });
    await a.clock.advance(300);
    expect(api.puts).toBe(0);
    expect(a.sync.status).toBe('pending');
    await a.clock.advance(300);
    await a.sync.flush();
    expect(api.puts).toBe(1);
    expect(api.state!.version).toBe(1);
    expect(await remoteValue(api, cipher)).toEqual({ notes: ['one', 'two'] });
    expect(a.sync.status).toBe('synced');
    expect(await a.db.get('snapshots', [me.tid, me.oid, campaignId])).toMatchObject({
      version: 1,
      dirty: false,
    });
  });

  it('keeps only ciphertext at rest on the device too', async () => {
    const api = new FakeStateApi();
    const a = await device(api, await userCipher());
    a.sync.save({ notes: ['Sentinelia Marchbanks <sentinelia@prospect.example>'] });
    await a.sync.flush();
    const snap = (await a.db.get('snapshots', [me.tid, me.oid, campaignId]))!;
    const text = new TextDecoder('latin1').decode(snap.blob);
    for (const s of ['Sentinelia', 'Marchbanks', 'prospect.example']) expect(text).not.toContain(s);
  });

  it('opens the newer copy: the other device’s push, then this device’s unpushed edit', async () => {
    const api = new FakeStateApi();
    const cipher = await userCipher();
    const a = await device(api, cipher);
    const b = await device(api, cipher);
    a.sync.save({ notes: ['from A'] });
    await a.sync.flush();
    expect(await b.sync.open()).toEqual({ notes: ['from A'] });

    a.sync.save({ notes: ['from A', 'A again'] });
    await a.sync.flush();
    expect(await b.sync.open()).toEqual({ notes: ['from A', 'A again'] });

    api.offline = true;
    b.sync.save({ notes: ['B offline'] });
    await b.sync.flush();
    expect(b.sync.status).toBe('offline');
    expect(api.state!.version).toBe(2);
    api.offline = false;
    expect(await b.sync.open()).toEqual({ notes: ['B offline'] });
    expect(api.state!.version).toBe(3);
    expect(await remoteValue(api, cipher)).toEqual({ notes: ['B offline'] });
  });

  it('on a conflict without a merge, takes the remote copy and says so', async () => {
    const api = new FakeStateApi();
    const cipher = await userCipher();
    const conflicts: unknown[] = [];
    const a = await device(api, cipher);
    const b = await device(api, cipher, { onConflict: (c) => conflicts.push(c) });
    a.sync.save({ notes: ['base'] });
    await a.sync.flush();
    await b.sync.open();

    api.offline = true;
    b.sync.save({ notes: ['base', 'B edit'] });
    await b.sync.flush();
    api.offline = false;
    a.sync.save({ notes: ['base', 'A sent mail'] });
    await a.sync.flush();

    await b.sync.flush();
    expect(conflicts).toEqual([{ merged: false, remoteVersion: 2 }]);
    expect(await b.sync.open()).toEqual({ notes: ['base', 'A sent mail'] });
    expect(api.state!.version).toBe(2);
  });

  it('on a conflict with a merge, pushes the merge on top of the remote version', async () => {
    const api = new FakeStateApi();
    const cipher = await userCipher();
    const merge = (l: Campaign, r: Campaign) => ({ notes: [...new Set([...r.notes, ...l.notes])] });
    const a = await device(api, cipher);
    const b = await device(api, cipher, { merge });
    a.sync.save({ notes: ['base'] });
    await a.sync.flush();
    await b.sync.open();
    api.offline = true;
    b.sync.save({ notes: ['base', 'B'] });
    await b.sync.flush();
    api.offline = false;
    a.sync.save({ notes: ['base', 'A'] });
    await a.sync.flush();

    expect(await b.sync.open()).toEqual({ notes: ['base', 'A', 'B'] });
    expect(api.state!.version).toBe(3);
    expect(await remoteValue(api, cipher)).toEqual({ notes: ['base', 'A', 'B'] });
    expect(await a.sync.open()).toEqual({ notes: ['base', 'A', 'B'] });
  });

  it('re-pushes when the backend is behind this device (restored from an older backup)', async () => {
    const api = new FakeStateApi();
    const cipher = await userCipher();
    const a = await device(api, cipher);
    for (const n of ['1', '2', '3']) {
      a.sync.save({ notes: [n] });
      await a.sync.flush();
    }
    expect(api.state!.version).toBe(3);
    const restored = new FakeStateApi();
    restored.state = null;
    // Rebuild the backend at version 1 with an old blob, as a restore would leave it.
    const old = await device(restored, cipher);
    old.sync.save({ notes: ['1'] });
    await old.sync.flush();
    api.state = restored.state;

    expect(await a.sync.open()).toEqual({ notes: ['3'] });
    expect(api.state!.version).toBe(2);
    expect(await remoteValue(api, cipher)).toEqual({ notes: ['3'] });
  });

  it('works offline from the local copy', async () => {
    const api = new FakeStateApi();
    const a = await device(api, await userCipher());
    a.sync.save({ notes: ['kept'] });
    await a.sync.flush();
    api.offline = true;
    expect(await a.sync.open()).toEqual({ notes: ['kept'] });
    expect(a.sync.status).toBe('offline');
  });

  it('reports a background save that cannot succeed by retrying', async () => {
    const api = new FakeStateApi();
    const errors: unknown[] = [];
    const a = await device(api, await userCipher(), { onError: (e) => errors.push(e) });
    api.putCampaignState = async () => {
      throw new ApiError('unauthorized');
    };
    a.sync.save({ notes: ['x'] });
    await a.clock.advance(600);
    await a.sync.flush().catch(() => undefined);
    expect(a.sync.status).toBe('error');
    expect(errors).toHaveLength(1);
    expect((errors[0] as ApiError).kind).toBe('unauthorized');
  });
});

describe('a copy the backend refuses for good (413: too large)', () => {
  async function tooLargeDevice() {
    const api = new FakeStateApi();
    api.putCampaignState = async () => {
      throw new ApiError('too-large', { status: 413 });
    };
    const errors: { error: unknown; savedLocally: boolean }[] = [];
    const cipher = await userCipher();
    const a = await device(api, cipher, {
      onError: (error, info) => errors.push({ error, savedLocally: info.savedLocally }),
    });
    return { api, a, errors, cipher };
  }

  it('reports the background save as kept on this device', async () => {
    const { a, errors } = await tooLargeDevice();
    a.sync.save({ notes: ['big'] });
    await a.clock.advance(600);
    await a.sync.openLocal(); // waits for the queued save
    expect(errors).toHaveLength(1);
    expect((errors[0]!.error as ApiError).kind).toBe('too-large');
    expect(errors[0]!.savedLocally).toBe(true);
  });

  it('still opens the local copy after a reload, and reports the refused push instead of throwing', async () => {
    const { api, a, errors, cipher } = await tooLargeDevice();
    a.sync.save({ notes: ['big'] });
    await a.clock.advance(600);
    await a.sync.openLocal();
    errors.length = 0;
    // A reload: a new sync over the same database.
    const reloaded = createCampaignSync<Campaign>({
      db: a.db,
      api,
      cipher,
      identity: me,
      campaignId,
      clock: a.clock,
      onError: (error, info) => errors.push({ error, savedLocally: info.savedLocally }),
    });
    expect(await reloaded.open()).toEqual({ notes: ['big'] });
    expect(reloaded.status).toBe('error');
    expect(errors.map((e) => (e.error as ApiError).kind)).toEqual(['too-large']);
  });

  it('discardLocal deletes this device’s copy', async () => {
    const { a } = await tooLargeDevice();
    a.sync.save({ notes: ['big'] });
    await a.clock.advance(600);
    await a.sync.discardLocal();
    expect(await a.sync.openLocal()).toBeUndefined();
    expect(await a.db.count('snapshots')).toBe(0);
  });
});

describe('a copy this device cannot write', () => {
  it('is reported as not saved locally', async () => {
    const errors: boolean[] = [];
    const a = await device(new FakeStateApi(), await userCipher(), {
      onError: (_error, info) => errors.push(info.savedLocally),
    });
    a.db.close(); // IndexedDB gone (storage cleared or blocked): the local write fails
    a.sync.save({ notes: ['lost'] });
    await a.clock.advance(600);
    await a.sync.flush().catch(() => undefined);
    expect(errors).toEqual([false]);
    expect(a.sync.status).toBe('error');
  });
});
