import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect } from 'vitest';
import type { ComposeItem } from '../../../src/outlook';
import { ManualClock } from '../../../src/shared/clock';
import type { Connectivity } from '../../../src/shared/connectivity';
import { CampaignsScreen } from '../../../src/ui/campaign/CampaignsScreen';
import type {
  CampaignRuntime,
  CampaignStore,
  PersistedCampaign,
  SavedTemplate,
  TemplateLibrary,
} from '../../../src/ui/campaign/runtime';
import type { SendLock } from '../../../src/ui/campaign/send-lock';
import { FakeMailbox, type FakeMailboxOptions } from '../../core/support/fake-mailbox';

// jsdom has no layout; the virtualised lists size themselves from clientHeight/clientWidth, so give
// every element a task-pane-sized box (a screenful of rows renders, as in Outlook).
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 280 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 320 });

/** An in-memory store that keeps what a reload would find (JSON round trip, like the real one). */
export function memoryStore(): CampaignStore & { saved: Map<string, string>; current: string | null } {
  const saved = new Map<string, string>();
  return {
    saved,
    current: null,
    async currentId() {
      return this.current;
    },
    async setCurrentId(id) {
      this.current = id;
    },
    async open(id) {
      const v = saved.get(id);
      return v ? (JSON.parse(v) as PersistedCampaign) : undefined;
    },
    save(id, value) {
      saved.set(id, JSON.stringify(value));
    },
    async saveNow(id, value) {
      saved.set(id, JSON.stringify(value));
    },
    async saveToService(id, value) {
      saved.set(id, JSON.stringify(value));
    },
    async openFromService(id) {
      const v = saved.get(id);
      return v ? (JSON.parse(v) as PersistedCampaign) : undefined;
    },
    async openLocal(id) {
      const v = saved.get(id);
      return v ? (JSON.parse(v) as PersistedCampaign) : undefined;
    },
    async discard(id) {
      saved.delete(id);
      if (this.current === id) this.current = null;
    },
    async close() {},
  };
}

/** Web Locks' behaviour within one test: a campaign is held until released. */
export function memoryLock(): SendLock {
  const held = new Set<string>();
  return {
    async acquire(id) {
      if (held.has(id)) return null;
      held.add(id);
      return () => void held.delete(id);
    },
  };
}

export function memoryLibrary(initial: SavedTemplate[] = []): TemplateLibrary {
  let list = [...initial];
  return {
    list: () => [...list],
    save: (t) => void (list = [...list.filter((x) => x.name !== t.name), t]),
    remove: (name) => void (list = list.filter((x) => x.name !== name)),
  };
}

export interface Harness {
  runtime: CampaignRuntime;
  clock: ManualClock;
  mailbox: FakeMailbox;
  store: ReturnType<typeof memoryStore>;
  registered: { campaignId: string; trackOpens: boolean }[];
}

export function fakeRuntime(
  options: Partial<FakeMailboxOptions> & {
    store?: ReturnType<typeof memoryStore>;
    clock?: ManualClock;
    /** The same mailbox again: a reload talks to the same Exchange. */
    mailbox?: FakeMailbox;
    /** Shared between two "windows" of the same device. */
    lock?: SendLock;
    connectivity?: Connectivity;
  } = {},
): Harness {
  const clock = options.clock ?? new ManualClock();
  const mailbox =
    options.mailbox ?? new FakeMailbox({ latencyMs: 200, sentItemsDelayMs: 2_000, ...options, clock });
  const store = options.store ?? memoryStore();
  const registered: Harness['registered'] = [];
  let ids = 0;
  const runtime: CampaignRuntime = {
    clock,
    timeFactor: 1,
    sender: mailbox,
    ...(options.connectivity ? { connectivity: options.connectivity } : {}),
    async registerSend(campaignId, trackOpens) {
      registered.push({ campaignId, trackOpens });
      const sendId = `send-${registered.length}`;
      return { sendId, pixelUrl: trackOpens ? `https://t.example/o/${sendId}.gif` : null };
    },
    store,
    syncProblem: () => null,
    subscribeSyncProblem: () => () => undefined,
    templates: memoryLibrary(),
    lock: options.lock ?? memoryLock(),
    newId: () => `campaign-${++ids}`,
    async close() {},
  };
  return { runtime, clock, mailbox, store, registered };
}

export function renderCampaigns(
  runtime: CampaignRuntime,
  compose: { inOffice: boolean; getComposeItem: () => Promise<ComposeItem | null> } = {
    inOffice: false,
    getComposeItem: async () => null,
  },
) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <main>
        <CampaignsScreen load={async () => runtime} compose={compose} focusHeading={false} />
      </main>
    </FluentProvider>,
  );
}

/** Tab-separated, as Excel and Sheets put rows on the clipboard. */
export function tsv(rows: string[][]): string {
  return rows.map((r) => r.join('\t')).join('\n');
}

export const people = (n: number) =>
  Array.from({ length: n }, (_, i) => [`person${i + 1}@example.com`, `P${i + 1}`]);

/** Builds a ready campaign of `n` prospects through the screens and presses "Review and send". */
export async function startCampaign(
  h: Harness,
  n: number,
  options: { rate?: string; untrackRow1?: boolean } = {},
) {
  const user = userEvent.setup();
  const view = renderCampaigns(h.runtime);
  fireEvent.change(await screen.findByLabelText(/Paste rows from a spreadsheet/), {
    target: { value: tsv([['Email', 'First name'], ...people(n)]) },
  });
  await user.click(screen.getByRole('button', { name: 'Use pasted rows' }));
  await user.click(screen.getByRole('tab', { name: 'Template' }));
  fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hello {{firstName}}' } });
  fireEvent.change(screen.getByLabelText('Body (HTML)'), { target: { value: '<p>Hi {{firstName}}</p>' } });
  if (options.untrackRow1) {
    await user.click(screen.getByRole('tab', { name: 'Preview' }));
    await user.click(screen.getByRole('checkbox', { name: 'Track opens for this prospect' }));
  }
  await user.click(screen.getByRole('tab', { name: 'Send' }));
  if (options.rate)
    await user.selectOptions(screen.getByLabelText('Pace (messages per minute)'), options.rate);
  await user.click(screen.getByRole('button', { name: 'Review and send' }));
  return { user, view };
}

/** Confirms "Send N messages", then ends the 20-minute grace period with "Send now". */
export async function confirmSend(user: ReturnType<typeof userEvent.setup>, n: number) {
  await user.click(screen.getByRole('button', { name: `Send ${n} messages` }));
  await screen.findByTestId('send-status');
  await user.click(await screen.findByRole('button', { name: 'Send now' }));
  await waitFor(() => expect(screen.queryByTestId('grace-banner')).toBeNull());
}

export { seriousViolations } from '../axe';
