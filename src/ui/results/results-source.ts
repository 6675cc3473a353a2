/**
 * The real ResultsSource (src/core/results/types.ts): reply sync on a timer and on demand, the
 * user's sealed events pulled and opened on this device, joined with the decrypted campaign state.
 */
import type { OpenResult } from '../../crypto/open-event';
import type { DeltaCursorStore, ReplyMailbox, ReplyUpload } from '../../core/replies/ports';
import { ReplySyncLoop } from '../../core/replies/sync-loop';
import { syncReplies, type ReplySyncReport } from '../../core/replies/sync';
import { buildCampaignResults, type OpenedResultEvent } from '../../core/results/build';
import { MATCHING_LIMITS, syncNotes } from '../../core/results/notes';
import type { CampaignListing, ResultsSource } from '../../core/results/types';
import type { Clock } from '../../shared/clock';
import {
  cachedCampaignFiles,
  campaignStatePort,
  savedCampaigns,
  liveCampaignsOf,
  type CampaignFiles,
  type LiveCampaign,
} from './campaign-state';

export interface ResultsSourceDeps {
  files: CampaignFiles;
  /**
   * The campaign controller once it has opened the recruiter's current campaign (so its engine, not
   * the saved copy, is read and written), or null when campaigns are not available in this pane.
   */
  live: () => Promise<LiveCampaign | null>;
  mailbox: ReplyMailbox;
  cursors: DeltaCursorStore;
  events: { pull(): Promise<unknown>; read(): Promise<OpenResult[]> };
  /** Registers a send without a pixel (CampaignRuntime.registerSend(campaignId, false)). */
  registerSend(campaignId: string): Promise<string>;
  /** Seals to the user's key and uploads (TrackingSession.uploadReplies). */
  upload(replies: readonly ReplyUpload[]): Promise<unknown>;
  /** The send engine's clock (send times were stamped with it). */
  clock: Clock;
  /**
   * Converts a time the backend stamped (an open's `at`, its wall clock) to `clock`'s time base, so
   * opens compare with send times. Identity by default; the demo's fast clock maps wall to simulated.
   */
  serverTime?: (ms: number) => number;
  /** Paces the background runs; default `clock`. The demo's fast clock passes real time here. */
  timer?: Clock;
  everyMs?: number;
}

export interface RunningResultsSource extends ResultsSource {
  /** Starts the background sync (now, then every few minutes). */
  start(): void;
  close(): void;
}

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'Something went wrong.';
}

export function createResultsSource(deps: ResultsSourceDeps): RunningResultsSource {
  const listeners = new Set<() => void>();
  const files = cachedCampaignFiles(deps.files);
  const port = campaignStatePort(files, deps.live, deps.clock, deps.registerSend);
  let report: ReplySyncReport | null = null;
  let error: string | null = null;
  let syncedAt: number | null = null;

  async function run(signal: AbortSignal): Promise<void> {
    let failure: unknown = null;
    try {
      report = await syncReplies(
        {
          mailbox: deps.mailbox,
          campaigns: port,
          cursors: deps.cursors,
          upload: async (replies) => void (await deps.upload(replies)),
          clock: deps.clock,
        },
        signal,
      );
      error = null;
    } catch (e) {
      failure = e;
      error = messageOf(e);
    }
    try {
      // Opens (and the replies just uploaded) come back from the backend sealed.
      await deps.events.pull();
    } catch (e) {
      failure ??= e;
      error ??= messageOf(e);
    }
    if (!failure) syncedAt = deps.clock.now();
    for (const l of listeners) l();
    if (failure) throw failure instanceof Error ? failure : new Error(messageOf(failure));
  }

  const loop = new ReplySyncLoop(run, deps.timer ?? deps.clock, deps.everyMs);

  async function openedEvents(): Promise<OpenedResultEvent[]> {
    const out: OpenedResultEvent[] = [];
    const serverTime = deps.serverTime;
    for (const e of await deps.events.read()) {
      if (!e.ok) continue;
      const event = e as OpenedResultEvent;
      out.push(
        serverTime && event.kind === 'open'
          ? { ...event, payload: { ...event.payload, at: serverTime(event.payload.at) } }
          : event,
      );
    }
    return out;
  }

  return {
    async listCampaigns(): Promise<CampaignListing[]> {
      const saved = await savedCampaigns(files);
      return saved
        .map((s) => {
          const times = (s.snapshot.send?.recipients ?? [])
            .map((r) => r.sentAt)
            .filter((t): t is number => t !== null);
          return {
            campaignId: s.campaignId,
            name: s.snapshot.campaign.name,
            startedAt: times.length ? Math.min(...times) : null,
            updatedAt: s.updatedAt,
          };
        })
        .sort((a, b) => b.updatedAt - a.updatedAt);
    },
    async load(campaignId) {
      const saved = (await savedCampaigns(files)).find((s) => s.campaignId === campaignId);
      if (!saved) return null;
      const current = liveCampaignsOf(await deps.live()).find((c) => c.campaignId === campaignId);
      const snapshot =
        current && saved.snapshot.send
          ? { ...saved.snapshot, send: { ...saved.snapshot.send, recipients: current.recipients } }
          : saved.snapshot;
      return buildCampaignResults({
        snapshot,
        backendSends: current ? current.backendSends : saved.backendSends,
        events: await openedEvents(),
        syncedAt,
        notes: [...syncNotes(report, error), ...MATCHING_LIMITS],
      });
    },
    sync: (signal) => loop.syncNow(signal),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    start: () => loop.start(),
    close: () => loop.stop(),
  };
}
