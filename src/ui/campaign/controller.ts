/**
 * Wires one campaign: the draft the screens edit, the core send engine over the Graph sender, the
 * backend's pixel URLs, and persistence (write-ahead before every send). The domain decisions stay
 * in core; this object only connects them and tells React when something changed.
 */
import {
  type Campaign,
  type CampaignSnapshot,
  campaignSnapshot,
  createCampaignSend,
  parseCampaignSnapshot,
  restoreCampaignSend,
} from '../../core/campaign';
import { userMessage } from '../components/error-message';
import { isOtherKey } from '../keys/other-key';
import type { RecipientRecord, SendEngine, SendProgress, UncertainDecision } from '../../core/send';
import type { RecipientNote } from '../../core/send/recipient-note';
import { type CampaignDraft, deriveCampaign, emptyDraft } from './draft';
import type { CampaignRuntime, PersistedCampaign } from './runtime';

export type ControllerState =
  | { phase: 'loading' }
  /**
   * `campaignId`: the campaign that would not open (null when none was chosen yet). `sendingElsewhere`:
   * another window of this device holds its send lock, so it must not be opened or deleted here.
   * `otherKey`: it was saved with a key this device does not have.
   */
  | {
      phase: 'failed';
      message: string;
      campaignId: string | null;
      sendingElsewhere: boolean;
      otherKey?: boolean;
    }
  | { phase: 'editing'; draft: CampaignDraft }
  | { phase: 'sending'; campaign: Campaign; progress: SendProgress; tick: number };

/** How often (real time) the screens hear about send progress at most. */
const NOTIFY_EVERY_MS = 150;

export class CampaignController {
  readonly runtime: CampaignRuntime;
  #state: ControllerState = { phase: 'loading' };
  #listeners = new Set<() => void>();
  #engine: SendEngine | null = null;
  #snapshotCampaign: Campaign | null = null;
  #backendSends: Record<string, string> = {};
  #tick = 0;
  #notifyTimer: ReturnType<typeof setTimeout> | null = null;
  #loaded: Promise<void> | null = null;
  #release: (() => void) | null = null;
  #openingId: string | null = null;
  #unsubscribeSync: () => void;

  constructor(runtime: CampaignRuntime) {
    this.runtime = runtime;
    // A failed (or recovered) save is news for whatever screen is showing.
    this.#unsubscribeSync = runtime.subscribeSyncProblem(() =>
      this.#set(this.#engine ? this.#sendingState() : { ...this.#state }),
    );
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  getState = (): ControllerState => this.#state;

  /** Opens the recruiter's current campaign (continuing a send that was running), once. */
  load(): Promise<void> {
    this.#loaded ??= this.#opened(this.#load('synced'));
    return this.#loaded;
  }

  /** After opening failed: open this device's copy without asking Candor's service. */
  keepOnThisDevice(): Promise<void> {
    if (this.#state.phase !== 'failed') return Promise.resolve();
    this.#set({ phase: 'loading' });
    this.#loaded = this.#opened(this.#load('local'));
    return this.#loaded;
  }

  /** After opening failed: deletes that campaign's copy on this device, then starts a new one. */
  async discardFailed(): Promise<void> {
    if (this.#state.phase !== 'failed') return;
    const id = this.#state.campaignId;
    if (id) await this.runtime.store.discard(id);
    await this.newCampaign();
  }

  #opened(loading: Promise<void>): Promise<void> {
    return loading.catch((error: unknown) => {
      this.#loaded = null;
      this.#set({
        phase: 'failed',
        message: userMessage(error),
        campaignId: this.#openingId,
        sendingElsewhere: error instanceof SendingElsewhere,
        otherKey: isOtherKey(error),
      });
    });
  }

  async #load(from: 'synced' | 'local'): Promise<void> {
    const { store } = this.runtime;
    const id = await store.currentId();
    this.#openingId = id;
    const saved = id ? await (from === 'local' ? store.openLocal(id) : store.open(id)) : undefined;
    if (saved?.snapshot) {
      const snapshot = parseCampaignSnapshot(saved.snapshot);
      await this.#hold(snapshot.campaign.id);
      this.#backendSends = { ...saved.backendSends };
      this.#startEngine(snapshot, restoreCampaignSend(snapshot, this.#deps(snapshot.campaign)));
      return;
    }
    const draft = saved?.draft ?? emptyDraft(this.runtime.newId());
    if (!id || !saved) await store.setCurrentId(draft.id);
    this.#set({ phase: 'editing', draft });
  }

  /** Every edit of the campaign being built; saved (encrypted) shortly after. */
  update(change: (draft: CampaignDraft) => CampaignDraft): void {
    if (this.#state.phase !== 'editing') return;
    const draft = change(this.#state.draft);
    this.#set({ phase: 'editing', draft });
    this.runtime.store.save(draft.id, { version: 1, draft, snapshot: null, backendSends: {} });
  }

  /** Freezes the campaign and starts sending. Throws (with the reason) if it is not ready. */
  async startSending(): Promise<void> {
    if (this.#state.phase !== 'editing') return;
    const { campaign } = deriveCampaign(this.#state.draft);
    const engine = createCampaignSend(campaign, this.#deps(campaign));
    await this.#hold(campaign.id);
    const snapshot = campaignSnapshot(campaign, engine);
    this.#backendSends = {};
    await this.runtime.store.saveNow(campaign.id, this.#persisted(campaign, engine));
    this.#startEngine(snapshot, engine);
  }

  pause(): void {
    this.#engine?.pause();
  }

  resume(): void {
    this.#engine?.resume();
  }

  cancel(): void {
    this.#engine?.cancel();
  }

  decide(recipientId: string, decision: UncertainDecision): void {
    this.#engine?.decide(recipientId, decision);
  }

  /** The same decision for every recipient it applies to: resend those awaiting one, or mark all uncertain not sent. */
  decideAll(decision: UncertainDecision): void {
    const engine = this.#engine;
    if (!engine) return;
    for (const r of engine.recipients()) {
      if (r.state !== 'uncertain') continue;
      if (decision === 'resend' && !r.uncertain?.awaitingDecision) continue;
      engine.decide(r.id, decision);
    }
  }

  /** While the connection is down: test it now rather than at the next automatic try. */
  retryConnectionNow(): void {
    this.#engine?.retryConnectionNow();
  }

  checkSentItemsNow(): void {
    this.#engine?.checkSentItemsNow();
  }

  /** Fresh progress (the ETA moves while nothing else does). */
  refresh(): void {
    if (this.#engine) this.#set(this.#sendingState());
  }

  recipients(): RecipientRecord[] {
    return this.#engine?.recipients() ?? [];
  }

  /**
   * The campaign this controller is sending (or sent), as reply tracking reads it: the engine's
   * state is newer than the saved copy. Null when no send is open here.
   */
  liveCampaign(): {
    campaignId: string;
    status: SendEngine['status'];
    stopReason: SendEngine['stopReason'];
    recipients: RecipientRecord[];
    backendSends: Record<string, string>;
  } | null {
    const engine = this.#engine;
    const campaign = this.#snapshotCampaign;
    if (!engine || !campaign) return null;
    return {
      campaignId: campaign.id,
      status: engine.status,
      stopReason: engine.stopReason,
      recipients: engine.recipients(),
      backendSends: { ...this.#backendSends },
    };
  }

  /** Reply tracking's notes for the open campaign; false when `campaignId` is not the one open here. */
  annotate(campaignId: string, notes: ReadonlyMap<string, RecipientNote>): boolean {
    const engine = this.#engine;
    if (!engine || this.#snapshotCampaign?.id !== campaignId) return false;
    for (const [recipientId, note] of notes)
      if (engine.recipient(recipientId)) engine.annotate(recipientId, note);
    return true;
  }

  /** Stops the open campaign for a reason found by reply tracking; false when it is not open here. */
  stopFor(campaignId: string, code: string, message: string): boolean {
    const engine = this.#engine;
    if (!engine || this.#snapshotCampaign?.id !== campaignId) return false;
    engine.stopFor(code, message);
    return true;
  }

  /** A backend send id registered after the send (for storing a reply); false when not open here. */
  recordBackendSend(campaignId: string, attemptId: string, sendId: string): boolean {
    const engine = this.#engine;
    const campaign = this.#snapshotCampaign;
    if (!engine || campaign?.id !== campaignId) return false;
    this.#backendSends[attemptId] = sendId;
    this.runtime.store.save(campaignId, this.#persisted(campaign, engine));
    return true;
  }

  /**
   * After a send is over, or when the current campaign would not open: a fresh, empty campaign
   * (the other one stays saved).
   */
  async newCampaign(): Promise<void> {
    const status = this.#engine?.status;
    if (status === 'running' || status === 'paused') return;
    this.#engine?.dispose();
    this.#engine = null;
    this.#release?.();
    this.#release = null;
    const draft = emptyDraft(this.runtime.newId());
    await this.runtime.store.setCurrentId(draft.id);
    this.#loaded = Promise.resolve();
    this.#set({ phase: 'editing', draft });
  }

  /** The pane is going away: nothing more starts; what was saved lets the next open continue. */
  dispose(): void {
    this.#unsubscribeSync();
    this.#engine?.dispose();
    this.#release?.();
    this.#release = null;
    if (this.#notifyTimer) clearTimeout(this.#notifyTimer);
  }

  /** Takes this campaign's send lock, or explains that another window is sending it. */
  async #hold(campaignId: string): Promise<void> {
    if (this.#release) return;
    const release = await this.runtime.lock.acquire(campaignId);
    if (!release) throw new SendingElsewhere();
    this.#release = release;
  }

  #deps(campaign: Campaign) {
    const { runtime } = this;
    return {
      clock: runtime.clock,
      sender: runtime.sender,
      ...(runtime.connectivity ? { engine: { connectivity: runtime.connectivity } } : {}),
      pixelUrl: async (_prospect: unknown, sendId: string) => {
        const registered = await runtime.registerSend(campaign.id, true);
        this.#backendSends[sendId] = registered.sendId;
        if (!registered.pixelUrl) throw new Error('The tracking service gave no pixel address.');
        return registered.pixelUrl;
      },
      onChange: (change: { state: string | null }) => {
        this.#scheduleNotify();
        const engine = this.#engine;
        if (!engine || !this.#snapshotCampaign) return;
        const value = this.#persisted(this.#snapshotCampaign, engine);
        // Write-ahead: the request leaves only after "sending" is durable on this device.
        if (change.state === 'sending') return runtime.store.saveNow(campaign.id, value);
        runtime.store.save(campaign.id, value);
        return undefined;
      },
    };
  }

  #persisted(campaign: Campaign, engine: SendEngine): PersistedCampaign {
    return {
      version: 1,
      draft: null,
      snapshot: campaignSnapshot(campaign, engine),
      backendSends: { ...this.#backendSends },
    };
  }

  #startEngine(snapshot: CampaignSnapshot, engine: SendEngine): void {
    this.#engine = engine;
    this.#snapshotCampaign = snapshot.campaign;
    this.#set(this.#sendingState());
    engine.start();
  }

  #sendingState(): ControllerState {
    const engine = this.#engine as SendEngine;
    return {
      phase: 'sending',
      campaign: this.#snapshotCampaign as Campaign,
      progress: engine.progress(),
      tick: ++this.#tick,
    };
  }

  #scheduleNotify(): void {
    if (this.#notifyTimer) return;
    this.#notifyTimer = setTimeout(() => {
      this.#notifyTimer = null;
      if (this.#engine) this.#set(this.#sendingState());
    }, NOTIFY_EVERY_MS);
  }

  #set(state: ControllerState): void {
    this.#state = state;
    for (const l of this.#listeners) l();
  }
}

class SendingElsewhere extends Error {
  constructor() {
    super(
      'This campaign is being sent from another Candor window. Close that window (or let it finish), then try again.',
    );
  }
}
