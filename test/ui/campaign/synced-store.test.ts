import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ApiClient, CampaignStateRecord, PutStateResult } from '../../../src/api/client';
import { ApiError } from '../../../src/api/errors';
import { campaignSnapshot, createCampaignSend } from '../../../src/core/campaign';
import { generateUserKey } from '../../../src/crypto/keys';
import { createStateCipher } from '../../../src/crypto/state-cipher';
import { ManualClock } from '../../../src/shared/clock';
import { openCandorDb } from '../../../src/storage/db';
import { createCampaignSync } from '../../../src/storage/state-sync';
import type { PersistedCampaign } from '../../../src/ui/campaign/runtime';
import { syncedCampaignStore } from '../../../src/ui/campaign/synced-store';

const me = { tid: 'tenant-1', oid: 'user-1' };

/** The backend's state contract, with its size limit (MAX_STATE_BYTES, 1 MiB by default). */
class FakeStateApi implements Pick<ApiClient, 'getCampaignState' | 'putCampaignState'> {
  states = new Map<string, CampaignStateRecord>();
  maxBytes = 1024 * 1024;
  async getCampaignState(id: string) {
    return this.states.get(id) ?? null;
  }
  async putCampaignState(
    id: string,
    s: { expectedVersion: number | null; blob: Uint8Array },
  ): Promise<PutStateResult> {
    if (s.blob.length > this.maxBytes) throw new ApiError('too-large', { status: 413 });
    const current = this.states.get(id)?.version ?? null;
    if (s.expectedVersion !== current) return { ok: false, currentVersion: current };
    const version = (current ?? 0) + 1;
    this.states.set(id, { campaignId: id, version, blob: new Uint8Array(s.blob), updatedAt: 0 });
    return { ok: true, version };
  }
}

function memoryPointer() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

let seq = 0;
async function setup(api = new FakeStateApi()) {
  const key = await generateUserKey(me, 0);
  const cipher = await createStateCipher(key.keyPair, key.keyId);
  const db = await openCandorDb(`synced-store-${++seq}`);
  const clock = new ManualClock();
  const problems: unknown[] = [];
  const source = {
    campaign: <T>(campaignId: string, o: { debounceMs: number }) =>
      createCampaignSync<T>({ db, api, cipher, identity: me, campaignId, clock, ...o }),
    listCampaigns: async () => [],
  };
  const store = syncedCampaignStore(source, memoryPointer(), 'current', (p) => {
    if (p) problems.push(p.error);
  });
  return { api, db, store, problems, source, clock };
}

/** A sending campaign of `n` prospects, as the controller persists it. */
function persisted(n: number): PersistedCampaign {
  const prospects = Array.from({ length: n }, (_, i) => ({
    id: `p${i + 1}`,
    row: i + 1,
    email: `firstname.lastname${i}@company${i % 300}.example`,
    fields: {
      email: `firstname.lastname${i}@company${i % 300}.example`,
      firstName: `Firstname${i}`,
      lastName: `Lastname${i}`,
      company: `Company ${i % 300}`,
      title: 'Senior Software Engineer',
    },
    trackOpens: true,
  }));
  const campaign = {
    id: 'c1',
    name: 'Spring hiring',
    template: { subject: 'Hi {{firstName}}', html: '<p>Hi {{firstName}}</p>' },
    prospects,
    fields: ['email', 'firstName', 'lastName', 'company', 'title'],
    trackOpens: true,
    ratePerMinute: 30,
  };
  const engine = createCampaignSend(campaign, {
    clock: new ManualClock(),
    sender: { sendMail: async () => ({ kind: 'accepted' }), listSentSince: async () => [] },
    pixelUrl: async () => 'https://t.example/o/x.gif',
  });
  return { version: 1, draft: null, snapshot: campaignSnapshot(campaign, engine), backendSends: {} };
}

describe('synced campaign store', () => {
  it('keeps a 5,000-prospect campaign under the backend limit, encrypted, and opens it again', async () => {
    const { api, store, problems, db } = await setup();
    const value = persisted(5000);
    expect(JSON.stringify(value).length).toBeGreaterThan(api.maxBytes);
    await store.saveNow('c1', value);
    expect(problems).toEqual([]);
    const blob = api.states.get('c1')!.blob;
    expect(blob.length).toBeLessThan(api.maxBytes);
    // Neither the backend's copy nor this device's holds an address in clear.
    const local = await db.get('snapshots', [me.tid, me.oid, 'c1']);
    for (const bytes of [blob, local!.blob]) {
      expect(Buffer.from(bytes).includes('firstname.lastname1@')).toBe(false);
      expect(Buffer.from(bytes).includes('company1.example')).toBe(false);
    }
    expect(await store.open('c1')).toEqual(value);
  });

  it('a copy the backend refuses does not stop sending once it is safe on this device', async () => {
    const api = new FakeStateApi();
    api.maxBytes = 1024;
    const { store, problems, db } = await setup(api);
    await store.saveNow('c1', persisted(200));
    expect(problems).toHaveLength(1);
    expect((problems[0] as ApiError).kind).toBe('too-large');
    expect(api.states.has('c1')).toBe(false);
    expect((await db.get('snapshots', [me.tid, me.oid, 'c1']))?.dirty).toBe(true);
  });

  it('debounced saves land in the order they were made', async () => {
    const { store } = await setup();
    const first = persisted(3);
    const second = { ...persisted(3), backendSends: { a: 'b' } };
    store.save('c1', first);
    await store.saveNow('c1', second);
    expect(await store.open('c1')).toEqual(second);
  });

  it('after close (sign-out, disconnect) nothing more is written, locally or to the backend', async () => {
    const { api, store, db, clock } = await setup();
    store.save('c1', persisted(2));
    await store.close();
    // What was pending is written before closing...
    expect((await store.open('c1'))?.snapshot?.campaign.prospects).toHaveLength(2);
    const version = api.states.get('c1')!.version;
    // ...and after it, no save reaches IndexedDB or the backend, and a send cannot pass its write-ahead.
    await db.clear('snapshots');
    store.save('c1', persisted(3));
    await expect(store.saveNow('c1', persisted(3))).rejects.toThrow(/Signed out/);
    await clock.advance(5_000); // past any save debounce
    expect(await db.count('snapshots')).toBe(0);
    expect(api.states.get('c1')!.version).toBe(version);
  });
});
