import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient, CampaignStateRecord, PutStateResult } from '../../../src/api/client';
import { ApiError } from '../../../src/api/errors';
import { generateUserKey } from '../../../src/crypto/keys';
import { createStateCipher } from '../../../src/crypto/state-cipher';
import { ManualClock } from '../../../src/shared/clock';
import { openCandorDb } from '../../../src/storage/db';
import { createCampaignSync } from '../../../src/storage/state-sync';
import type { CampaignRuntime } from '../../../src/ui/campaign/runtime';
import { saveProblemChannel } from '../../../src/ui/campaign/save-problem';
import { syncedCampaignStore } from '../../../src/ui/campaign/synced-store';
import { fakeRuntime, memoryStore, renderCampaigns, seriousViolations, tsv } from './harness';

const me = { tid: 'tenant-1', oid: 'user-1' };

/** Candor's state API with its size limit: this test's campaign is always over it (413). */
class TooSmallStateApi implements Pick<ApiClient, 'getCampaignState' | 'putCampaignState'> {
  puts = 0;
  async getCampaignState(): Promise<CampaignStateRecord | null> {
    return null;
  }
  async putCampaignState(): Promise<PutStateResult> {
    this.puts++;
    throw new ApiError('too-large', { status: 413 });
  }
}

let seq = 0;
/** One "page load": a runtime over this device's database, the backend and the pointer in localStorage. */
async function device() {
  const key = await generateUserKey(me, 0);
  const cipher = await createStateCipher(key.keyPair, key.keyId);
  const db = await openCandorDb(`save-problems-${++seq}`);
  const api = new TooSmallStateApi();
  const pointer = new Map<string, string>();
  const clock = new ManualClock();
  const load = (): CampaignRuntime => {
    const problems = saveProblemChannel();
    const store = syncedCampaignStore(
      {
        campaign: (campaignId, options) =>
          createCampaignSync({ db, api, cipher, identity: me, campaignId, clock, ...options }),
        listCampaigns: async () => [],
      },
      {
        getItem: (k) => pointer.get(k) ?? null,
        setItem: (k, v) => void pointer.set(k, v),
        removeItem: (k) => void pointer.delete(k),
      },
      'current',
      problems.report,
    );
    return {
      ...fakeRuntime({ clock }).runtime,
      store,
      syncProblem: problems.current,
      subscribeSyncProblem: problems.subscribe,
    };
  };
  return { load, api, clock, db };
}

const rows = (n: number) => [
  ['Email', 'First name'],
  ...Array.from({ length: n }, (_, i) => [`person${i + 1}@example.com`, `P${i + 1}`]),
];

describe('a campaign too large for the encrypted backup', () => {
  // jsdom's Blob has no stream(), which gzip packing needs; the store then saves plain JSON, as it
  // does in a browser without CompressionStream. Packing is not what this test is about.
  beforeEach(() => {
    vi.stubGlobal('CompressionStream', undefined);
    return () => vi.unstubAllGlobals();
  });

  it('says so in the pane, and after a reload opens on this device instead of getting stuck', async () => {
    const d = await device();
    renderCampaigns(d.load());
    fireEvent.change(await screen.findByLabelText(/Paste rows from a spreadsheet/), {
      target: { value: tsv(rows(3)) },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Use pasted rows' }));
    // The debounced save reaches the backend, which refuses it: never silently.
    await waitFor(async () => {
      await act(() => d.clock.advance(200));
      expect(screen.getByTestId('save-problem').textContent).toMatch(
        /too large for Candor’s encrypted backup, so it is kept on this device only/,
      );
    });
    expect(d.api.puts).toBeGreaterThan(0);
    expect(await seriousViolations()).toEqual([]);

    // Reload: before the fix this screen said "This campaign is too large to save to Candor." with
    // only "Try again", which failed the same way forever.
    cleanup();
    renderCampaigns(d.load());
    expect(await screen.findByTestId('prospect-summary')).toBeTruthy();
    expect(screen.getByTestId('prospect-summary').textContent).toBe('3 prospects ready.');
    expect(screen.queryByText(/could not be opened/)).toBeNull();
    expect(screen.getByTestId('save-problem').textContent).toMatch(/kept on this device only/);
  });
});

describe('a campaign that will not open', () => {
  function brokenStore() {
    const store = memoryStore();
    const open = store.open.bind(store);
    let broken = true;
    store.open = async (id) => {
      if (broken) throw new Error('Candor’s service answered in an unexpected way.');
      return open(id);
    };
    return { store, heal: () => (broken = false) };
  }

  async function stuckScreen() {
    const { store } = brokenStore();
    store.current = 'c-old';
    store.saved.set(
      'c-old',
      JSON.stringify({
        version: 1,
        draft: {
          id: 'c-old',
          name: 'Old',
          table: { headers: ['email'], rows: [['a@example.com']], delimiter: ',', problems: [] },
          mapping: ['email'],
          excluded: [],
          doNotContact: '',
          template: { subject: '', html: '' },
          trackOpens: true,
          untracked: [],
          ratePerMinute: 30,
        },
        snapshot: null,
        backendSends: {},
      }),
    );
    const h = fakeRuntime({ store });
    renderCampaigns(h.runtime);
    await screen.findByText('This campaign could not be opened');
    return { store, user: userEvent.setup() };
  }

  it('offers every way forward, keyboard-reachable, with what each does', async () => {
    await stuckScreen();
    for (const name of [
      'Try again',
      'Keep working on this device',
      'Start a new campaign',
      'Delete this campaign from this device',
    ])
      expect(screen.getByRole('button', { name })).toBeTruthy();
    expect(screen.getByText(/unexpected way/)).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
  });

  it('"Keep working on this device" opens the copy saved here', async () => {
    const { user } = await stuckScreen();
    await user.click(screen.getByRole('button', { name: 'Keep working on this device' }));
    expect((await screen.findByTestId('prospect-summary')).textContent).toBe('1 prospect ready.');
  });

  it('"Start a new campaign" starts empty and keeps the old one saved', async () => {
    const { store, user } = await stuckScreen();
    await user.click(screen.getByRole('button', { name: 'Start a new campaign' }));
    expect(await screen.findByLabelText(/Paste rows from a spreadsheet/)).toBeTruthy();
    expect(screen.queryByTestId('prospect-summary')).toBeNull();
    expect(store.current).not.toBe('c-old');
    expect(store.saved.has('c-old')).toBe(true);
  });

  it('"Delete this campaign from this device" explains, asks, then deletes and starts afresh', async () => {
    const { store, user } = await stuckScreen();
    await user.click(screen.getByRole('button', { name: 'Delete this campaign from this device' }));
    const confirm = screen.getByRole('group', { name: 'Confirm deleting this campaign' });
    expect(confirm.textContent).toMatch(/cannot be recovered. Messages already sent stay in your Sent Items/);
    expect(store.saved.has('c-old')).toBe(true); // nothing deleted before the recruiter confirms
    await user.click(within(confirm).getByRole('button', { name: 'Delete from this device' }));
    expect(await screen.findByLabelText(/Paste rows from a spreadsheet/)).toBeTruthy();
    expect(store.saved.has('c-old')).toBe(false);
  });
});
