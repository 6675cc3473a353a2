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
import type {
  EngineStatus,
  RecipientRecord,
  SendEngine,
  SendProgress,
  UncertainDecision,
} from '../../core/send';
import type { WaitReason } from '../../core/send/gate';
import type { RecipientNote } from '../../core/send/recipient-note';
import { type CampaignDraft, deriveCampaign, emptyDraft } from './draft';
import type { CampaignRuntime, PersistedCampaign } from './runtime';
import { sequenceProgress, dueOnOpen, type SequenceProgress } from '../../core/sequence';
import { LEASE_MESSAGES, LeaseKeeper } from './send-lease';
import { sequenceEngineOptions } from './sequence-options';
import { ServiceNotConfirmed } from './synced-store';

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
  | {
      phase: 'sending';
      campaign: Campaign;
      progress: SendProgress;
      tick: number;
      /** Per step: sent, waiting, stopped; the next step's due time and what it waits on. */
      sequence: SequenceProgress;
      /** Follow-ups (or first messages) that had fallen due before this pane opened the campaign. */
      dueOnOpen: number;
      /** Why nothing is being sent right now (the engine's view: daily limit, reply check, …), or null. */
      waitingOn: { reason: WaitReason; until: number | null } | null;
      /**
       * Why this device is not sending although the campaign is (two devices, one sender): it is
       * being sent from the recruiter's other device, or Candor's service cannot confirm that this
       * device may send. Null when nothing holds sending up here.
       */
      notice: string | null;
    };

/** How often (real time) the screens hear about send progress at most. */
const NOTIFY_EVERY_MS = 150;
/** While Candor's service cannot take the write-ahead (or the reload), try again this often (runtime clock). */
const SERVICE_RETRY_MS = 5_000;

/** Statuses in which the engine may send: only while holding the lease (when there is one). */
const wantsToSend = (status: EngineStatus) => status === 'running' || status === 'ready';

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
  // --- two devices, one sender (only when runtime.lease is set) ---
  #keeper: LeaseKeeper | null = null;
  #unsubscribeLease: (() => void) | null = null;
  /** The lease epoch the open engine was loaded under; it may send only while the lease keeps it. */
  #leaseEpoch = -1;
  /** Aborted when the open engine is replaced or dropped: ends its write-ahead waits. */
  #engineAbort = new AbortController();
  #takingOver = false;
  /** What the recruiter asked for while this device did not hold the lease: done on the reloaded engine. */
  #intents: ((engine: SendEngine) => void)[] = [];
  /** Recipients whose request passed the write-ahead and has not settled yet. */
  #passed = new Set<string>();
  #serviceFailing = false;
  #waiters = new Set<() => void>();
  /** Set for a controller that runs one given campaign in the background (not the current one). */
  readonly pinnedId: string | null;
  #dueOnOpen = 0;
  #sequenceCache: { engine: SendEngine; at: number; size: number; value: SequenceProgress } | null = null;
  #unsubscribeReplySync: () => void;

  constructor(runtime: CampaignRuntime, pinnedId: string | null = null) {
    this.runtime = runtime;
    this.pinnedId = pinnedId;
    // A reply sync completed: units waiting for one may go now (or are dropped by the stop rule).
    this.#unsubscribeReplySync = runtime.replySync?.subscribe(() => this.#engine?.recheck()) ?? (() => {});
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
    const id = this.pinnedId ?? (await store.currentId());
    this.#openingId = id;
    const saved = id ? await (from === 'local' ? store.openLocal(id) : store.open(id)) : undefined;
    if (saved?.snapshot) {
      const snapshot = parseCampaignSnapshot(saved.snapshot);
      await this.#hold(snapshot.campaign.id);
      this.#backendSends = { ...saved.backendSends };
      const engine = this.#restore(snapshot);
      this.#dueOnOpen = dueOnOpen(engine.recipients(), this.runtime.clock.now());
      // Another device may be sending it: shown as saved, started once this device holds the lease.
      if (this.#leaseFor(snapshot.campaign.id) && wantsToSend(engine.status)) this.#show(snapshot, engine);
      else this.#startEngine(snapshot, engine);
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
    const slot: EngineSlot = { engine: null };
    const engine = createCampaignSend(campaign, this.#deps(campaign, slot));
    slot.engine = engine;
    await this.#hold(campaign.id);
    const snapshot = campaignSnapshot(campaign, engine);
    this.#backendSends = {};
    await this.runtime.store.saveNow(campaign.id, this.#persisted(campaign, engine));
    // With the lease: taken first, then the campaign is reloaded from the service and started.
    if (this.#leaseFor(campaign.id)) this.#show(snapshot, engine);
    else this.#startEngine(snapshot, engine);
  }

  /** Ends the grace period: the first messages go now (within the sending window). */
  sendNow(): void {
    this.#withLease((engine) => engine.sendNow());
  }

  /** No more steps for this prospect (removed by the recruiter, or do-not-contact). */
  stopProspect(prospectId: string, code: 'removed' | 'do-not-contact'): void {
    this.#withLease((engine) => engine.stopProspect(prospectId, code));
  }

  pause(): void {
    this.#intents = [];
    this.#engine?.pause();
    this.#syncLease();
  }

  resume(): void {
    this.#withLease((engine) => engine.resume());
  }

  cancel(): void {
    this.#intents = [];
    this.#engine?.cancel();
    this.#syncLease();
  }

  decide(recipientId: string, decision: UncertainDecision): void {
    if (decision === 'resend') this.#withLease((engine) => engine.decide(recipientId, decision));
    else this.#engine?.decide(recipientId, decision);
  }

  /** The same decision for every recipient it applies to: resend those awaiting one, or mark all uncertain not sent. */
  decideAll(decision: UncertainDecision): void {
    const all = (engine: SendEngine) => {
      for (const r of engine.recipients()) {
        if (r.state !== 'uncertain') continue;
        if (decision === 'resend' && !r.uncertain?.awaitingDecision) continue;
        engine.decide(r.id, decision);
      }
    };
    if (decision === 'resend') this.#withLease(all);
    else if (this.#engine) all(this.#engine);
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
    if (this.pinnedId) return;
    // A campaign still sending (or waiting for its next steps) goes on in the background: it was
    // saved at every change, and the background runner opens it from there.
    this.#dropEngine();
    this.#engine = null;
    this.#snapshotCampaign = null;
    this.#dropLease(true);
    this.#release?.();
    this.#release = null;
    const draft = emptyDraft(this.runtime.newId());
    await this.runtime.store.setCurrentId(draft.id);
    this.#loaded = Promise.resolve();
    this.#set({ phase: 'editing', draft });
  }

  /** The campaign this controller shows (or is opening), or null before one is chosen. */
  campaignId(): string | null {
    const state = this.#state;
    if (state.phase === 'editing') return state.draft.id;
    if (state.phase === 'sending') return state.campaign.id;
    if (state.phase === 'failed') return state.campaignId;
    return this.#openingId;
  }

  /**
   * Makes another saved campaign the current one. The one shown so far, if it is still sending,
   * goes on in the background (it was saved at every change).
   */
  async open(campaignId: string): Promise<void> {
    if (this.pinnedId) return;
    this.#dropEngine();
    this.#engine = null;
    this.#snapshotCampaign = null;
    this.#dropLease(true);
    this.#release?.();
    this.#release = null;
    await this.runtime.store.setCurrentId(campaignId);
    this.#loaded = null;
    this.#set({ phase: 'loading' });
    await this.load();
  }

  /** The pane is going away: nothing more starts; what was saved lets the next open continue. */
  dispose(): void {
    this.#unsubscribeSync();
    this.#unsubscribeReplySync();
    this.#dropEngine();
    this.#dropLease(true);
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

  #restore(snapshot: CampaignSnapshot): SendEngine {
    const slot: EngineSlot = { engine: null };
    const engine = restoreCampaignSend(snapshot, this.#deps(snapshot.campaign, slot));
    slot.engine = engine;
    return engine;
  }

  #deps(campaign: Campaign, slot: EngineSlot) {
    const { runtime } = this;
    return {
      clock: runtime.clock,
      sender: runtime.sender,
      engine: {
        ...(runtime.connectivity ? { connectivity: runtime.connectivity } : {}),
        ...sequenceEngineOptions(campaign, {
          mailbox: runtime.mailbox,
          replySync: runtime.replySync,
          timeFactor: runtime.timeFactor,
        }),
      },
      pixelUrl: async (_prospect: unknown, sendId: string) => {
        const registered = await runtime.registerSend(campaign.id, true);
        this.#backendSends[sendId] = registered.sendId;
        if (!registered.pixelUrl) throw new Error('The tracking service gave no pixel address.');
        return registered.pixelUrl;
      },
      onChange: (change: { recipientId: string | null; state: string | null }) => {
        this.#scheduleNotify();
        const engine = slot.engine;
        // A replaced engine's late news is not this campaign's state any more.
        if (!engine || engine !== this.#engine || !this.#snapshotCampaign) return;
        if (this.#keeper) {
          if (change.state === 'sending') return this.#leasedWriteAhead(engine, change.recipientId);
          if (change.recipientId) this.#passed.delete(change.recipientId);
          if (change.recipientId === null || this.#passed.size === 0) this.#syncLease();
          this.#wakeWaiters();
          // A device that lost the lease writes nothing: the holder's copy is the campaign's.
          if (wantsToSend(engine.status) && !this.#holding()) return;
          // The holder's copy goes on top of whatever another device wrote meanwhile.
          if (this.#holding()) {
            const value = this.#persisted(this.#snapshotCampaign, engine);
            runtime.store.saveToService(campaign.id, value).catch(() => undefined);
            return undefined;
          }
        }
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
    this.#show(snapshot, engine);
    engine.start();
  }

  /** Makes `engine` the open one (the screens show it); it does nothing until started. */
  #show(snapshot: CampaignSnapshot, engine: SendEngine): void {
    if (this.#engine && this.#engine !== engine) this.#dropEngine();
    this.#engine = engine;
    this.#snapshotCampaign = snapshot.campaign;
    this.#set(this.#sendingState());
    this.#syncLease();
  }

  /** Disposes the open engine: it starts nothing more, and its write-ahead waits end unsent. */
  #dropEngine(): void {
    this.#engine?.dispose();
    this.#engineAbort.abort(new Error('This campaign was reloaded.'));
    this.#engineAbort = new AbortController();
    this.#passed.clear();
  }

  // --- two devices, one sender ---

  /** The lease keeper for this campaign when the runtime coordinates devices; null otherwise. */
  #leaseFor(campaignId: string): LeaseKeeper | null {
    const lease = this.runtime.lease;
    if (!lease) return null;
    if (this.#keeper?.campaignId === campaignId) return this.#keeper;
    this.#dropLease(true);
    const keeper = new LeaseKeeper(
      lease.port,
      lease.deviceId,
      campaignId,
      lease.clock ?? this.runtime.clock,
      lease.seconds,
    );
    this.#keeper = keeper;
    this.#leaseEpoch = -1;
    this.#unsubscribeLease = keeper.subscribe(() => this.#leaseChanged());
    return keeper;
  }

  #dropLease(release: boolean): void {
    this.#unsubscribeLease?.();
    this.#unsubscribeLease = null;
    if (release) void this.#keeper?.release();
    this.#keeper = null;
    this.#intents = [];
  }

  /** Whether the open engine may send now: the lease is valid and has not lapsed since it was loaded. */
  #holding(): boolean {
    const keeper = this.#keeper;
    return !keeper || (keeper.valid() && keeper.epoch === this.#leaseEpoch);
  }

  #leaseChanged(): void {
    const keeper = this.#keeper;
    if (!keeper) return;
    // Gained (first time, or again after it lapsed): what this device knows may be old. Reload first.
    if (keeper.valid() && keeper.epoch !== this.#leaseEpoch && this.#engine && !this.#takingOver)
      void this.#takeOver();
    this.#wakeWaiters();
    if (this.#engine) this.#set(this.#sendingState());
  }

  /** Keeps the lease while the engine may send (or the recruiter asked it to); gives it back after. */
  #syncLease(): void {
    const keeper = this.#keeper;
    const engine = this.#engine;
    if (!keeper || !engine) return;
    if (wantsToSend(engine.status) || this.#intents.length > 0) keeper.keep();
    else if (this.#passed.size === 0 && !this.#takingOver && keeper.wanted) void keeper.release();
  }

  /** Runs `action` on the open engine now if this device may send, else after taking over. */
  #withLease(action: (engine: SendEngine) => void): void {
    const engine = this.#engine;
    if (!engine) return;
    if (this.#holding() && !this.#takingOver) {
      action(engine);
      this.#syncLease();
      return;
    }
    this.#intents.push(action);
    this.#syncLease();
    this.#set(this.#sendingState());
  }

  /**
   * The lease was gained: reload the campaign from Candor's service (another device may have sent
   * part of it), then continue it there. Waits (and retries) while the service cannot be reached.
   */
  async #takeOver(): Promise<void> {
    const keeper = this.#keeper;
    if (!keeper) return;
    const epoch = keeper.epoch;
    this.#takingOver = true;
    try {
      // Nothing of the old engine may be sent or saved from here on (it stays on screen meanwhile).
      this.#dropEngine();
      let saved: PersistedCampaign | undefined;
      for (;;) {
        try {
          saved = await this.runtime.store.openFromService(keeper.campaignId);
          this.#setServiceFailing(false);
          break;
        } catch {
          if (keeper !== this.#keeper || !keeper.wanted) return;
          this.#setServiceFailing(true);
          await this.runtime.clock.sleep(SERVICE_RETRY_MS);
        }
      }
      if (keeper !== this.#keeper || keeper.epoch !== epoch || !keeper.valid()) return;
      if (!saved?.snapshot) return;
      const snapshot = parseCampaignSnapshot(saved.snapshot);
      this.#backendSends = { ...saved.backendSends };
      const engine = this.#restore(snapshot);
      this.#leaseEpoch = epoch;
      // Shown first (its changes are saved from now on), while the lease is still kept for the intents.
      this.#show(snapshot, engine);
      for (const action of this.#intents.splice(0)) {
        try {
          action(engine);
        } catch {
          // The other device already settled it (e.g. decided that recipient): nothing to do.
        }
      }
      this.#takingOver = false;
      engine.start();
      this.#syncLease();
      this.#set(this.#sendingState());
    } finally {
      this.#takingOver = false;
      // The lease may have lapsed and come back meanwhile: then take over again.
      if (this.#keeper === keeper) this.#leaseChanged();
    }
  }

  /**
   * The write-ahead with the lease: the request leaves only while this device holds it and after
   * Candor's service has the "sending" state, so the other device, taking over after a crash,
   * looks for this message in Sent Items instead of sending it again.
   */
  async #leasedWriteAhead(engine: SendEngine, recipientId: string | null): Promise<void> {
    const signal = this.#engineAbort.signal;
    const campaign = this.#snapshotCampaign as Campaign;
    const keeper = this.#keeper as LeaseKeeper;
    for (;;) {
      signal.throwIfAborted();
      // Stopped or cancelled meanwhile: this one goes back to the queue (or is cancelled) unsent.
      if (engine.status === 'stopped' || engine.status === 'cancelled')
        throw new Error('Sending stopped before this message left.');
      if (!this.#holding() || engine.status !== 'running') {
        await this.#changed(signal);
        continue;
      }
      try {
        await this.runtime.store.saveToService(campaign.id, this.#persisted(campaign, engine));
      } catch (error) {
        signal.throwIfAborted();
        if (!isTransient(error)) throw error;
        this.#setServiceFailing(true);
        await this.runtime.clock.sleep(SERVICE_RETRY_MS, signal);
        continue;
      }
      this.#setServiceFailing(false);
      signal.throwIfAborted();
      if (keeper.valid() && keeper.epoch === this.#leaseEpoch && engine.status === 'running') {
        if (recipientId) this.#passed.add(recipientId);
        return;
      }
    }
  }

  /** Resolves at the next change of the lease or the engine; rejects when `signal` aborts. */
  #changed(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.#waiters.delete(done);
        signal.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        this.#waiters.delete(done);
        reject(signal.reason as Error);
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', aborted, { once: true });
    });
  }

  #wakeWaiters(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  #setServiceFailing(failing: boolean): void {
    if (this.#serviceFailing === failing) return;
    this.#serviceFailing = failing;
    if (this.#engine) this.#set(this.#sendingState());
  }

  #notice(): string | null {
    const keeper = this.#keeper;
    if (!keeper?.wanted) return null;
    if (keeper.status === 'elsewhere') return LEASE_MESSAGES.elsewhere;
    if (keeper.status === 'unreachable' || this.#serviceFailing) return LEASE_MESSAGES.unreachable;
    return null;
  }

  #sendingState(): ControllerState {
    const engine = this.#engine as SendEngine;
    const campaign = this.#snapshotCampaign as Campaign;
    const now = this.runtime.clock.now();
    return {
      phase: 'sending',
      campaign,
      progress: engine.progress(),
      sequence: this.#sequenceProgress(engine, campaign, now),
      dueOnOpen: this.#dueOnOpen,
      waitingOn: engine.waitingOn(),
      tick: ++this.#tick,
      notice: this.#notice(),
    };
  }

  /**
   * Per-step progress walks every record (about 90 ms for 1,000 prospects with follow-ups waiting):
   * for a large campaign it is refreshed at most once a second, not on every engine change.
   */
  #sequenceProgress(engine: SendEngine, campaign: Campaign, now: number): SequenceProgress {
    const cached = this.#sequenceCache;
    const wall = Date.now();
    if (cached && cached.engine === engine && cached.size > 200 && wall - cached.at < 1_000)
      return cached.value;
    const records = engine.recipients();
    const value = sequenceProgress(campaign, records, engine.snapshot().stopped ?? {}, now);
    this.#sequenceCache = { engine, at: wall, size: records.length, value };
    return value;
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

interface EngineSlot {
  engine: SendEngine | null;
}

/** Worth waiting for: Candor's service is unreachable (or kept conflicting), not refusing for good. */
function isTransient(error: unknown): boolean {
  return error instanceof ServiceNotConfirmed || (error as { retryable?: unknown })?.retryable === true;
}

class SendingElsewhere extends Error {
  constructor() {
    super(
      'This campaign is being sent from another Candor window. Close that window (or let it finish), then try again.',
    );
  }
}
