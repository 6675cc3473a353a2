/**
 * Builds the real ResultsSource for a signed-in session on top of its campaign runtime (same Graph
 * client, API client, device key and campaign store), and starts reply sync. Loaded by dynamic
 * import from load-boundaries; one source per runtime, stopped when the runtime closes.
 */
import type { ResultsSource } from '../../core/results/types';
import { simulatedTime } from '../../shared/accelerated-clock';
import { systemClock } from '../../shared/clock';
import { replyCursorStore } from '../../storage/reply-cursors';
import { loadCampaignRuntime, runtimeBoundaries, type CampaignRuntimeConfig } from '../campaign/load-runtime';
import type { CampaignRuntime } from '../campaign/runtime';
import { controllerFor, liveCampaignsFor } from '../campaign/use-campaign';
import type { PaneSession } from '../pane-services';
import { createResultsSource, type RunningResultsSource } from './results-source';

const sources = new WeakMap<CampaignRuntime, RunningResultsSource>();

export async function loadResultsSource(
  config: CampaignRuntimeConfig,
  session: PaneSession,
): Promise<ResultsSource> {
  const runtime = await loadCampaignRuntime(config, session);
  const existing = sources.get(runtime);
  if (existing) return existing;
  const b = runtimeBoundaries(runtime);
  if (!b) throw new Error('Results need Candor’s service; sign in again.');
  const source = createResultsSource({
    files: {
      ids: () => b.api.listCampaigns(),
      open: (id) => runtime.store.open(id),
      save: (id, value) => runtime.store.save(id, value),
    },
    live: async () => {
      // The same load the pane does on connect (useResumeInBackground); memoised by the controller.
      await controllerFor(runtime).load();
      return liveCampaignsFor(runtime);
    },
    mailbox: b.graph,
    cursors: replyCursorStore(b.db, b.identity),
    events: { pull: () => b.tracking.pullEvents(), read: () => b.tracking.readEvents() },
    registerSend: async (campaignId) => (await runtime.registerSend(campaignId, false)).sendId,
    upload: (replies) => b.tracking.uploadReplies(replies),
    clock: runtime.clock,
    // Opens are stamped by the backend's wall clock; on the demo's fast clock sends are not.
    serverTime: b.timeScale ? (ms) => simulatedTime(b.timeScale!, ms) : undefined,
    // "Every few minutes" in real time, even when the demo's clock runs fast.
    timer: systemClock,
  });
  sources.set(runtime, source);
  // Follow-ups wait for a reply sync after they fall due: the send engines ask through this channel.
  const detach = runtime.replySync?.attach(source);
  b.onClose.push(() => {
    detach?.();
    source.close();
  });
  source.start();
  return source;
}
