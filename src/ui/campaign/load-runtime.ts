/**
 * Builds the real CampaignRuntime for a signed-in session: Graph (the sender), Candor's API (pixel
 * URLs), the device key and encrypted state sync, saved templates. Loaded by dynamic import from
 * load-boundaries, so none of it is in the first-load bundle.
 */
import { createApiClient, type ApiClient } from '../../api/client';
import { MailboxLimits } from '../../core/send/mailbox-limits';
import { createGraph, type Graph } from '../../graph';
import { acceleratedClock, type TimeScale } from '../../shared/accelerated-clock';
import { systemClock } from '../../shared/clock';
import { browserConnectivity } from '../../shared/connectivity';
import { openCandorDb, type CandorDb } from '../../storage/db';
import { openTrackingSession, type TrackingSession } from '../../storage/tracking-session';
import type { PaneSession } from '../pane-services';
import { replySyncChannel } from './reply-sync-channel';
import type { CampaignRuntime } from './runtime';
import { LEASE_SECONDS_MAX, LEASE_SECONDS_MIN, leaseFromClient, localDeviceId } from './send-lease';
import { webSendLock } from './send-lock';
import { saveProblemChannel } from './save-problem';
import { syncedCampaignStore } from './synced-store';
import { localTemplateLibrary } from './template-library';

export interface CampaignRuntimeConfig {
  mode: 'demo' | 'entra';
  graphBaseUrl: string;
  apiBaseUrl: string;
}

/** What campaigns need beyond PaneSession; src/auth's AuthSession has it. */
export interface CampaignSession extends PaneSession {
  getApiToken(): Promise<string>;
  account(): { tid: string; oid: string } | null;
}

function isCampaignSession(session: PaneSession): session is CampaignSession {
  const s = session as Partial<CampaignSession>;
  return typeof s.getApiToken === 'function' && typeof s.account === 'function';
}

/** What the demo's emulator says about its timings (GET /emulator/clock); production: real time, 60 s. */
interface DemoTimings {
  scale: TimeScale | null;
  leaseSeconds: number | null;
}

/**
 * Demo mode only: the emulator says whether its fast clock is on (CANDOR_DEMO_CLOCK_FACTOR), so the
 * send engine paces on the same simulated time, and whether the send lease is shorter
 * (CANDOR_DEMO_LEASE_SECONDS, for end-to-end tests). Anything unexpected means real time and 60 s.
 */
async function demoTimings(config: CampaignRuntimeConfig): Promise<DemoTimings> {
  if (config.mode !== 'demo') return { scale: null, leaseSeconds: null };
  try {
    const url = config.graphBaseUrl.replace(/\/graph\/v1\.0\/?$/, '/clock');
    const res = await fetch(url, { cache: 'no-store', credentials: 'omit' });
    return parseDemoTimings(await res.json());
  } catch {
    return { scale: null, leaseSeconds: null };
  }
}

/** The /emulator/clock answer, checked: a factor above 1 with an anchor, a lease within the service's bounds. */
export function parseDemoTimings(answer: unknown): DemoTimings {
  const a = (answer ?? {}) as Partial<TimeScale> & { leaseSeconds?: unknown };
  const scale =
    typeof a.factor === 'number' && a.factor > 1 && typeof a.anchor === 'number'
      ? { factor: a.factor, anchor: a.anchor }
      : null;
  const s = a.leaseSeconds;
  const leaseSeconds =
    typeof s === 'number' && Number.isInteger(s) && s >= LEASE_SECONDS_MIN && s <= LEASE_SECONDS_MAX
      ? s
      : null;
  return { scale, leaseSeconds };
}

/**
 * The send lease on Candor's service (two devices, one sender), over the API client's
 * takeLease/releaseLease. The device id is kept in localStorage (the device key's own id lives in
 * IndexedDB; any stable random id per device works for the lease). The lease is timed on the real
 * clock, as the service counts it, also when the demo's send clock runs fast.
 */
function leased(api: ApiClient, seconds: number | null): Pick<CampaignRuntime, 'lease'> {
  const port = leaseFromClient(api);
  if (!port) return {};
  const lease = { port, deviceId: localDeviceId(localStorage), clock: systemClock };
  return { lease: seconds ? { ...lease, seconds } : lease };
}

const runtimes = new WeakMap<PaneSession, Promise<CampaignRuntime>>();

/** What a runtime was built on, for features layered on it (reply tracking, src/ui/results). */
export interface RuntimeBoundaries {
  graph: Graph;
  api: ApiClient;
  db: CandorDb;
  identity: { tid: string; oid: string };
  tracking: TrackingSession;
  /** The demo's fast clock, when on: the runtime's clock is simulated, the backend's times are wall time. */
  timeScale: TimeScale | null;
  /** Run by runtime.close(), before anything is written for the last time. */
  onClose: (() => void)[];
}

const boundaries = new WeakMap<CampaignRuntime, RuntimeBoundaries>();

export function runtimeBoundaries(runtime: CampaignRuntime): RuntimeBoundaries | undefined {
  return boundaries.get(runtime);
}

/** One runtime per signed-in session, so a running send outlives the screens that show it. */
export function loadCampaignRuntime(
  config: CampaignRuntimeConfig,
  session: PaneSession,
): Promise<CampaignRuntime> {
  let runtime = runtimes.get(session);
  if (!runtime) {
    runtime = build(config, session).catch((error: unknown) => {
      runtimes.delete(session);
      throw error;
    });
    runtimes.set(session, runtime);
  }
  return runtime;
}

/**
 * Closes the session's campaign runtime if one was built (or is being built): engine stopped,
 * pending state written, nothing saved afterwards. Disconnect awaits this before deleting data.
 */
export async function closeCampaignRuntime(session: PaneSession): Promise<void> {
  const runtime = runtimes.get(session);
  if (!runtime) return;
  await (await runtime.catch(() => null))?.close();
}

async function build(config: CampaignRuntimeConfig, session: PaneSession): Promise<CampaignRuntime> {
  if (!isCampaignSession(session))
    throw new Error('Campaigns need a session that can reach Candor’s service.');
  const identity = session.account();
  if (!identity) throw new Error('Sign in again to work on campaigns.');
  const { scale, leaseSeconds } = await demoTimings(config);
  const clock = scale ? acceleratedClock(scale) : systemClock;
  const graph = createGraph({
    baseUrl: config.graphBaseUrl,
    getAccessToken: () => session.getGraphToken(),
    clock,
  });
  const api = createApiClient({ baseUrl: config.apiBaseUrl, getApiToken: () => session.getApiToken() });
  const db = await openCandorDb();
  // The session's one KeyAccess (shared with the key screens): a device without the key gets
  // KeyAccessError('needs-key') here and the pane shows "Open your tracking data on this device".
  const { loadSessionKeys } = await import('../keys/load-key-access');
  const { access, roaming } = await loadSessionKeys(config, session);
  const tracking = await openTrackingSession({ db, api, identity, clock: systemClock, access, roaming });
  const saveProblems = saveProblemChannel();
  const store = syncedCampaignStore(
    { campaign: (id, options) => tracking.campaign(id, options), listCampaigns: () => api.listCampaigns() },
    localStorage,
    `candor.currentCampaign.${identity.tid}.${identity.oid}`,
    saveProblems.report,
  );
  const runtime: CampaignRuntime = {
    clock,
    timeFactor: scale?.factor ?? 1,
    sender: graph,
    connectivity: browserConnectivity(),
    async registerSend(campaignId, trackOpens) {
      const [send] = await api.registerSends(campaignId, [{ trackOpens }]);
      if (!send) throw new Error('The tracking service registered no send.');
      return send;
    },
    store,
    syncProblem: saveProblems.current,
    subscribeSyncProblem: saveProblems.subscribe,
    templates: localTemplateLibrary(localStorage),
    lock: webSendLock(),
    ...leased(api, leaseSeconds),
    newId: () => crypto.randomUUID(),
    mailbox: new MailboxLimits(clock),
    replySync: replySyncChannel(clock),
    listCampaignIds: async () => (await api.listCampaigns()).map((c) => c.campaignId),
    async close() {
      runtimes.delete(session);
      for (const close of onClose.splice(0)) close();
      const { disposeCampaigns } = await import('./use-campaign');
      disposeCampaigns(runtime);
      await store.close();
    },
  };
  const onClose: (() => void)[] = [];
  boundaries.set(runtime, { graph, api, db, identity, tracking, timeScale: scale, onClose });
  return runtime;
}
