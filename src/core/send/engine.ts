import type { Clock } from '../../shared/clock';
import { assumeOnline, type Connectivity } from '../../shared/connectivity';
import {
  isConnectionLost,
  type MailHeaderRecord,
  type MailSender,
  type OutgoingMail,
  type SendOutcome,
} from '../mail';
import type { EngineView, GateDecision, StoppedProspect, WaitReason } from './gate';
import { MailboxLimits } from './mailbox-limits';
import { Pacer } from './pacer';
import { computeProgress, PACE_WINDOW_MS, type SendProgress } from './progress';
import { findCopies, SEND_ID_HEADER } from './reconcile';
import { applyRecipientNote, type RecipientNote } from './recipient-note';
import {
  newRecipient,
  prospectOf,
  recipientInput,
  type RecipientInput,
  type RecipientRecord,
  type RecipientState,
} from './recipient';
import { restoreRecipients, type EngineStatus, type SendSnapshot, type StopReason } from './snapshot';
import { UnitQueue } from './unit-queue';

export interface ReconcileOptions {
  /** First look in Sent Items this long after an uncertain outcome (the copy lands asynchronously). */
  firstCheckAfterMs: number;
  /** Then look again this often... */
  recheckEveryMs: number;
  /** ...until this long has passed; if still not found, the recruiter decides. */
  decideAfterMs: number;
  /** How far Exchange's clock may lag ours when comparing sentDateTime with the attempt start. */
  clockSkewMs: number;
}

export interface SendEngineOptions {
  clock: Clock;
  sender: MailSender;
  /** The mail for one recipient, rendered exactly as previewed (pixel URL included when tracked). */
  render: (recipient: RecipientInput, sendId: string) => OutgoingMail | Promise<OutgoingMail>;
  /** Messages per minute per mailbox; at most 30 (Exchange's limit), lower is allowed. */
  ratePerMinute?: number;
  /** Graph requests in flight at once; at most 4 (Outlook's per-mailbox concurrency limit). */
  maxInFlight?: number;
  reconcile?: Partial<ReconcileOptions>;
  /** Added to the 60 s pacing window so arrival jitter cannot put 31 messages in Exchange's minute. Default 1 s. */
  pacingMarginMs?: number;
  /** Backoff after a 429 that carries no readable Retry-After. */
  throttleBackoff?: { initialMs: number; maxMs: number };
  /** Whether the device is online, and when it comes back (the browser's `online` event). Default: cannot tell. */
  connectivity?: Connectivity;
  /** While offline, how often a Sent Items read tests the connection: doubling from `initialMs`. Default 5 s → 2 min. */
  reconnectBackoff?: { initialMs: number; maxMs: number };
  newSendId?: () => string;
  /**
   * Stop (with a reason) after this many 429s in a row without one accepted message: Graph reports a
   * spent daily quota as 429 too, and waiting forever would look like progress. Default 10 (≈25 min).
   */
  maxThrottleStreak?: number;
  /**
   * Messages the mailbox may send in any 24 hours; Exchange allows 10,000 recipients per mailbox.
   * Applies to the engine's private MailboxLimits only (a shared one carries its own).
   */
  dailyRecipientLimit?: number;
  /**
   * Exchange's per-mailbox limits (30/min, 10,000/24 h, 4 in flight, 429 pauses), shared by every
   * engine of this mailbox in the pane. Default: a private one built from the options above.
   */
  mailbox?: MailboxLimits;
  /**
   * Called when a record becomes `sent` (accepted, or found in Sent Items), and on start for every
   * sent record whose follow-up does not exist yet: the next unit to queue, or null.
   */
  next?: (sent: RecipientRecord, view: EngineView) => RecipientInput | null;
  /** Checked right before a queued unit is dispatched, and again after render just before the write-ahead. */
  gate?: (unit: RecipientRecord, view: EngineView) => GateDecision;
  /**
   * Called after every change. For the change to `sending`, the engine waits for the returned
   * promise before the request leaves (write-ahead): persist the snapshot there, so a reload can
   * never forget a request that may have reached Exchange. If it rejects, nothing is sent.
   */
  onChange?: (change: EngineChange) => void | Promise<void>;
}

export interface EngineChange {
  /** The recipient that changed, or null for an engine-wide change (status, pause). */
  recipientId: string | null;
  /** The recipient's new state; null with a recipientId: the unit was dropped unsent (removed). */
  state: RecipientState | null;
}

/** Why nothing is being sent right now, and until when (null: until something happens). */
export interface WaitingOn {
  reason: WaitReason;
  until: number | null;
}

export type UncertainDecision = 'resend' | 'not-sent';

/** One dispatched message: whether a request left, and whether it may have reached Exchange. */
interface SendTicket {
  sendId?: string;
  dispatchedAt: number;
  startedAt: number;
  result: 'abandoned' | 'not-reached' | 'reached';
}

/** Why a follow-up went as a new message, in the words the prospect's timeline shows. */
const STOPPED_MESSAGE: Record<StoppedProspect['code'], string> = {
  removed: 'Not sent: the prospect was removed from the campaign.',
  'do-not-contact': 'Not sent: the prospect is on the do-not-contact list.',
};

const NOT_THREADED = {
  noReply: 'This connection to Microsoft 365 cannot reply in a thread, so it went as a new message.',
  noCopy:
    'The previous message was never found in Sent Items, so this one could not join its thread and went as a new message.',
  copyGone:
    'The previous message is no longer in the mailbox (moved or deleted), so this one went as a new message.',
} as const;

const DEFAULT_RECONCILE: ReconcileOptions = {
  firstCheckAfterMs: 60_000,
  recheckEveryMs: 4.5 * 60_000,
  decideAfterMs: 10 * 60_000,
  clockSkewMs: 2 * 60_000,
};

export const MAX_RATE_PER_MINUTE = 30;
export const DAILY_RECIPIENT_LIMIT = 10_000;
const MAX_READ_FAILURES = 3;
export const MAX_IN_FLIGHT = 4;

/**
 * The exactly-once send engine for one campaign in one mailbox. Each recipient moves
 * queued → sending → sent | failed | uncertain; an uncertain send is looked for in Sent Items and
 * never re-sent without the recruiter's explicit decision. Pacing, 429 pauses and concurrency all
 * run on the injected clock, so the engine is deterministic under test.
 */
export class SendEngine {
  readonly #clock: Clock;
  readonly #sender: MailSender;
  readonly #render: SendEngineOptions['render'];
  readonly #maxInFlight: number;
  readonly #reconcile: ReconcileOptions;
  readonly #newSendId: () => string;
  readonly #onChange: SendEngineOptions['onChange'];
  readonly #pacer: Pacer;
  readonly #maxThrottleStreak: number;
  readonly #mailbox: MailboxLimits;
  readonly #unsubscribe: () => void;
  readonly #next: SendEngineOptions['next'];
  readonly #gate: SendEngineOptions['gate'];
  readonly #view: EngineView;
  #stopped = new Map<string, StoppedProspect>();
  /** Follow-ups of already-sent records were asked for (once per engine, on start). */
  #caughtUp = false;
  /** The daily limit holds sending until this time (for waitingOn), or null. */
  #dailyUntil: number | null = null;

  #records = new Map<string, RecipientRecord>();
  #queue = new UnitQueue();
  #status: EngineStatus = 'ready';
  #stopReason: StopReason | null = null;
  #inFlight = 0;
  #reconciling = false;
  #checkNow = false;
  #dispatchTimes: number[] = [];
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #disposed = false;
  /** A kick since the loop's current turn began (see #kick). */
  #kickPending = false;
  #readFailures = 0;
  readonly #connectivity: Connectivity;
  readonly #reconnect: { initialMs: number; maxMs: number };
  /** The connection is down: nothing is sent; a Sent Items read at `nextTryAt` (or on `online`) tests it. */
  #offline: { since: number; nextTryAt: number; tries: number } | null = null;
  #stopListening: (() => void) | null = null;

  private constructor(options: SendEngineOptions, snapshot: SendSnapshot | null) {
    const rate = options.ratePerMinute ?? MAX_RATE_PER_MINUTE;
    const inFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
    if (!(rate >= 1 && rate <= MAX_RATE_PER_MINUTE))
      throw new RangeError(`ratePerMinute must be 1–${MAX_RATE_PER_MINUTE}`);
    if (!(inFlight >= 1 && inFlight <= MAX_IN_FLIGHT))
      throw new RangeError(`maxInFlight must be 1–${MAX_IN_FLIGHT}`);
    this.#clock = options.clock;
    this.#sender = options.sender;
    this.#render = options.render;
    this.#maxInFlight = inFlight;
    this.#reconcile = { ...DEFAULT_RECONCILE, ...options.reconcile };
    this.#newSendId = options.newSendId ?? (() => globalThis.crypto.randomUUID());
    this.#onChange = options.onChange;
    this.#maxThrottleStreak = options.maxThrottleStreak ?? 10;
    this.#connectivity = options.connectivity ?? assumeOnline;
    this.#reconnect = options.reconnectBackoff ?? { initialMs: 5_000, maxMs: 2 * 60_000 };
    const backoff = options.throttleBackoff ?? { initialMs: 5_000, maxMs: 5 * 60_000 };
    const marginMs = options.pacingMarginMs ?? 1_000;
    this.#mailbox =
      options.mailbox ??
      new MailboxLimits(this.#clock, {
        perDay: Math.min(options.dailyRecipientLimit ?? DAILY_RECIPIENT_LIMIT, DAILY_RECIPIENT_LIMIT),
        maxInFlight: inFlight,
        marginMs,
        throttleBackoff: backoff,
      });
    this.#next = options.next;
    this.#gate = options.gate;
    this.#view = {
      now: 0,
      recipient: (id) => {
        const r = this.#records.get(id);
        return r ? structuredClone(r) : undefined;
      },
      stopped: (prospectId) => {
        const s = this.#stopped.get(prospectId);
        return s ? { ...s } : undefined;
      },
    };
    // The campaign's own rate; the mailbox-wide window, pause and day live in MailboxLimits.
    this.#pacer = new Pacer(
      rate,
      backoff,
      snapshot ? { recent: snapshot.pacer.recent, pausedUntil: 0, throttleStreak: 0 } : undefined,
      marginMs,
    );
    if (snapshot) {
      this.#status = snapshot.status;
      this.#stopReason = snapshot.stopReason;
      for (const [id, s] of Object.entries(snapshot.stopped ?? {})) this.#stopped.set(id, { ...s });
      const now = this.#clock.now();
      const dayLog: { sendId: string; startedAt: number }[] = [];
      for (const r of restoreRecipients(snapshot, now, this.#reconcile.firstCheckAfterMs)) {
        this.#records.set(r.id, r);
        if (r.state === 'queued') this.#queue.add(r.id, r.notBefore ?? 0, now, 'back');
        if ((r.state === 'sent' || r.state === 'uncertain') && r.attempt) dayLog.push(r.attempt);
      }
      this.#mailbox.seedSends(dayLog);
      this.#mailbox.seedRecent(snapshot.pacer.recent);
      this.#mailbox.seedPause(snapshot.pacer.pausedUntil, snapshot.pacer.throttleStreak);
    }
    this.#unsubscribe = this.#mailbox.subscribe(() => {
      if (this.#loop) this.#wake?.();
    });
  }

  /** A new campaign send; nothing happens until start(). Duplicate ids are a programming error. */
  static create(options: SendEngineOptions, recipients: RecipientInput[]): SendEngine {
    const engine = new SendEngine(options, null);
    const now = engine.#clock.now();
    for (const input of recipients) {
      if (engine.#records.has(input.id)) throw new Error(`Duplicate recipient id ${input.id}`);
      const r = newRecipient(input);
      engine.#records.set(input.id, r);
      engine.#queue.add(r.id, r.notBefore ?? 0, now, 'back');
    }
    return engine;
  }

  /**
   * An engine continuing from a saved snapshot. It keeps the saved status: a running campaign
   * continues on start(), a paused one stays paused until resume().
   */
  static restore(options: SendEngineOptions, snapshot: SendSnapshot): SendEngine {
    return new SendEngine(options, snapshot);
  }

  get status(): EngineStatus {
    return this.#status;
  }

  get stopReason(): StopReason | null {
    return this.#stopReason;
  }

  recipient(id: string): RecipientRecord | undefined {
    const r = this.#records.get(id);
    return r ? structuredClone(r) : undefined;
  }

  recipients(): RecipientRecord[] {
    return [...this.#records.values()].map((r) => structuredClone(r));
  }

  snapshot(): SendSnapshot {
    const now = this.#clock.now();
    return {
      version: 1,
      savedAt: now,
      status: this.#status,
      stopReason: this.#stopReason,
      recipients: this.recipients(),
      pacer: {
        recent: this.#pacer.state(now).recent,
        pausedUntil: this.#mailbox.pausedUntil(),
        throttleStreak: this.#mailbox.throttleStreak,
      },
      ...(this.#stopped.size ? { stopped: Object.fromEntries(this.#stopped) } : {}),
    };
  }

  progress(): SendProgress {
    const now = this.#clock.now();
    this.#dispatchTimes = this.#dispatchTimes.filter((t) => t > now - PACE_WINDOW_MS);
    return computeProgress(
      this.#records.values(),
      this.#status,
      this.#stopReason,
      this.#pacer,
      this.#dispatchTimes,
      now,
      this.#offline && { since: this.#offline.since, nextTryAt: this.#offline.nextTryAt },
      this.#mailbox.pausedUntil(),
    );
  }

  /**
   * Why nothing is being sent right now, for the screen: the daily limit, a gate's wait (window,
   * out of office, reply sync, thread copy), the grace period or a step's delay. Null while
   * sending (or paced), and when the engine is not running.
   */
  waitingOn(): WaitingOn | null {
    if (this.#status !== 'running' || this.#offline) return null;
    const now = this.#clock.now();
    if (this.#queue.hasDue(now)) {
      const freeAt = this.#mailbox.dailyFreeAt(now);
      return freeAt === null ? null : { reason: 'daily-limit', until: freeAt };
    }
    const parked = this.#queue.firstParked();
    if (parked?.reason) return { reason: parked.reason, until: null };
    const later = this.#queue.nextLater();
    if (!later) return null;
    const step = this.#records.get(later.id)?.step ?? 1;
    return { reason: later.reason ?? (step === 1 ? 'grace' : 'delay'), until: later.at };
  }

  /** Starts a new campaign, or continues a restored one that was running. */
  start(): void {
    if (this.#status === 'ready') this.#setStatus('running');
    this.#catchUpFollowUps();
    this.#kick();
  }

  /** Wake: look again at every unit a gate parked until a recheck (called after a reply sync). */
  recheck(): void {
    this.#queue.unparkAll();
    this.#kick();
  }

  /** Ends the grace period: queued first messages may go now. */
  sendNow(): void {
    const now = this.#clock.now();
    let changed = false;
    for (const id of this.#queue.ids()) {
      const r = this.#get(id);
      if ((r.step ?? 1) !== 1 || r.notBefore === undefined) continue;
      const entry = this.#queue.entry(id);
      delete r.notBefore;
      if (entry && entry.at !== Infinity) this.#queue.add(id, 0, now, entry.seq);
      changed = true;
    }
    if (!changed) return;
    this.#emit(null, null);
    this.#kick();
  }

  /**
   * The recruiter stopped a prospect (removed by hand, or do-not-contact): no further step. A queued
   * follow-up is dropped; a queued first message fails as removed. Requests in flight finish.
   */
  stopProspect(prospectId: string, code: StoppedProspect['code']): void {
    this.#stopped.set(prospectId, { code, at: this.#clock.now() });
    for (const id of this.#queue.ids()) {
      const r = this.#get(id);
      if (prospectOf(r) !== prospectId) continue;
      this.#queue.remove(id);
      if ((r.step ?? 1) === 1) this.#fail(r, 'removed', STOPPED_MESSAGE[code]);
      else this.#drop(r);
    }
    this.#emit(null, null);
    this.#kick();
  }

  /** Stops starting new sends at once; requests already in flight finish and are recorded. */
  pause(): void {
    if (this.#status !== 'running') return;
    this.#setStatus('paused');
  }

  /** Continues after pause(), or after a stop once its cause is fixed (e.g. the recruiter signed in again). */
  resume(): void {
    if (this.#status !== 'paused' && this.#status !== 'stopped' && this.#status !== 'ready') return;
    this.#stopReason = null;
    this.#readFailures = 0;
    this.#mailbox.resetThrottleStreak();
    this.#setStatus('running');
    this.#catchUpFollowUps();
    this.#kick();
  }

  /**
   * Nobody else gets a message: every queued recipient becomes `failed` (cancelled). Requests in
   * flight finish; uncertain recipients are still reconciled.
   */
  cancel(): void {
    if (this.#status === 'cancelled') return;
    this.#status = 'cancelled';
    for (const id of this.#queue.ids())
      this.#fail(this.#get(id), 'cancelled', 'Cancelled before it was sent.');
    this.#queue = new UnitQueue();
    this.#emit(null, null);
    this.#kick();
  }

  /**
   * The recruiter's decision about an uncertain recipient. `resend` is allowed only once the full
   * wait found no copy in Sent Items; `not-sent` at any time.
   */
  decide(recipientId: string, decision: UncertainDecision): void {
    const r = this.#get(recipientId);
    if (r.state !== 'uncertain') throw new Error('Only an uncertain recipient needs a decision.');
    if (decision === 'not-sent') {
      this.#fail(r, 'marked-not-sent', 'Marked as not sent by the recruiter.');
      this.#kick();
      return;
    }
    if (!r.uncertain?.awaitingDecision) throw new Error('Still looking for this message in Sent Items.');
    if (this.#status === 'cancelled') throw new Error('The campaign was cancelled.');
    r.state = 'queued';
    r.uncertain = null;
    this.#queue.add(r.id, 0, this.#clock.now(), 'back');
    this.#emit(r.id, 'queued');
    if (this.#status === 'finished') this.#setStatus('running');
    this.#kick();
  }

  /** While offline: test the connection now instead of at the next backoff step (the recruiter's "try now"). */
  retryConnectionNow(): void {
    if (!this.#offline) return;
    this.#offline.nextTryAt = this.#clock.now();
    this.#kick();
  }

  /** What reply tracking learned about a recipient (its Sent Items copy, the prospect's response). */
  annotate(recipientId: string, note: RecipientNote): void {
    const r = this.#get(recipientId);
    const was = r.state;
    if (!applyRecipientNote(r, note, this.#clock.now())) return;
    this.#emit(r.id, r.state);
    if (was !== 'sent' && r.state === 'sent') this.#spawnNext(r);
    this.#kick();
  }

  /** Stops sending with a reason found outside the engine (e.g. a bounce saying the sender is blocked). */
  stopFor(code: string, message: string): void {
    if (this.#status !== 'running' && this.#status !== 'paused' && this.#status !== 'ready') return;
    this.#stop(code, message);
  }

  /** Look in Sent Items now for every uncertain recipient (the recruiter's "check again"). */
  checkSentItemsNow(): void {
    this.#checkNow = true;
    this.#kick();
  }

  /** Resolves when the engine has nothing left to do without the recruiter (or more time). */
  async whenIdle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  get idle(): boolean {
    return this.#loop === null;
  }

  /** Drops the engine (the page is going away): it starts nothing more and ignores late results. */
  dispose(): void {
    this.#disposed = true;
    this.#unsubscribe();
    this.#stopListening?.();
    this.#stopListening = null;
    this.#wake?.();
  }

  // --- the loop ---

  #kick(): void {
    if (this.#disposed) return;
    // Seen by the loop at its next turn, or by its end: a kick that arrives after the loop decided
    // to stop, but before it was marked stopped, starts it again instead of being lost.
    this.#kickPending = true;
    if (this.#loop) {
      this.#wake?.();
      return;
    }
    this.#loop = this.#run().finally(() => {
      this.#loop = null;
      if (this.#kickPending) this.#kick();
    });
  }

  async #run(): Promise<void> {
    while (!this.#disposed) {
      // This turn looks at everything afresh: kicks so far are taken care of.
      this.#kickPending = false;
      const now = this.#clock.now();
      const mailbox = this.#mailbox;
      const mailboxFreeAt = mailbox.pausedUntil();
      // While stopped (auth revoked, quota) reads fail too: reconciliation waits for resume().
      const canCheck = this.#status !== 'stopped';
      const hasDue = this.#status === 'running' && this.#queue.hasDue(now);
      // The host knows it is offline: sending now could only add uncertain recipients.
      if (hasDue && !this.#connectivity.isOnline()) this.#goOffline(now);
      const offline = this.#offline;
      const ownSlot = () => this.#inFlight < this.#maxInFlight;
      const slotFree = ownSlot() && !this.#reconciling && mailbox.slotFree;
      /** Something waits only for another engine of this mailbox to free a request slot. */
      let blocked = false;
      if (offline) {
        // A Sent Items read tests the connection (and reconciles meanwhile); sending waits for it.
        if (canCheck && slotFree && now >= offline.nextTryAt && this.#needsNetwork())
          void this.#reconcileBatch();
      } else if (canCheck && now >= mailboxFreeAt && this.#reconcileDue(now)) {
        if (slotFree) void this.#reconcileBatch();
        else if (ownSlot() && !this.#reconciling) blocked = true;
      }
      const sending = () => !this.#offline && this.#status === 'running' && this.#queue.hasDue(now);
      const nextSendAt = () => Math.max(this.#pacer.nextSendAt(now), mailbox.nextSendAt(now));
      this.#dailyUntil = null;
      const dailyOk = () => (this.#dailyUntil = mailbox.dailyFreeAt(now)) === null;
      while (sending() && ownSlot() && mailbox.slotFree && nextSendAt() <= now && dailyOk()) {
        const entry = this.#queue.takeDue(now) as NonNullable<ReturnType<UnitQueue['takeDue']>>;
        const r = this.#get(entry.id);
        if (this.#applyGate(r, entry.seq, now) === 'send') this.#dispatch(r, now);
      }
      const timers: number[] = [];
      if (sending()) {
        if (!dailyOk() && this.#dailyUntil !== null) timers.push(this.#dailyUntil);
        else if (!ownSlot()) {
          // One of our own requests finishing wakes us.
        } else if (!mailbox.slotFree) blocked = true;
        else timers.push(nextSendAt());
      }
      if (!this.#offline && this.#status === 'running') {
        const later = this.#queue.nextLater();
        if (later) timers.push(later.at);
      }
      if (this.#offline) {
        const tryAt = this.#offline.nextTryAt;
        if (canCheck && tryAt > now && !this.#reconciling && this.#needsNetwork()) timers.push(tryAt);
      } else {
        const nextCheck = canCheck ? this.#nextCheckAt() : null;
        // A check already due but blocked by requests in flight waits for one of them to finish.
        const checkAt = nextCheck === null ? null : Math.max(nextCheck, mailboxFreeAt);
        if (checkAt !== null && checkAt > now && !this.#reconciling) timers.push(checkAt);
      }
      if (timers.length === 0 && this.#inFlight === 0 && !blocked) break;
      await this.#wait(timers.length ? Math.min(...timers) : null);
    }
    // Nothing left that needs the network: being offline no longer holds anything up.
    if (!this.#disposed && this.#offline) this.#leaveOffline();
    if (!this.#disposed && this.#status === 'running' && this.#queue.size === 0 && this.#inFlight === 0) {
      this.#setStatus('finished');
    }
  }

  /**
   * Asks the gate about a unit taken from the queue. `send`: go on. `drop`: the unit leaves the
   * campaign unsent. `wait`: back in the queue (keeping its place) until `until`, or parked until
   * recheck().
   */
  #applyGate(r: RecipientRecord, place: number | 'front', now: number): 'send' | 'not-now' {
    const stopped = this.#stopped.get(prospectOf(r));
    if (stopped) {
      // The recruiter's stop holds whatever the gate says.
      if ((r.step ?? 1) === 1) this.#fail(r, 'removed', STOPPED_MESSAGE[stopped.code]);
      else this.#drop(r);
      return 'not-now';
    }
    if (!this.#gate) return 'send';
    const decision = this.#askGate(r, now);
    switch (decision.kind) {
      case 'send':
        return 'send';
      case 'drop':
        this.#drop(r);
        return 'not-now';
      case 'wait': {
        const seq = place === 'front' ? this.#queue.frontSeq() : place;
        if (decision.until === null) {
          this.#queue.park(r.id, seq, decision.reason);
          this.#emit(r.id, 'queued');
        } else {
          // A gate that says "wait until now" must not spin the loop.
          const until = Math.max(decision.until, now + 1_000);
          r.notBefore = until;
          this.#queue.add(r.id, until, now, seq, decision.reason);
          this.#emit(r.id, 'queued');
        }
        return 'not-now';
      }
    }
  }

  #askGate(r: RecipientRecord, now: number): GateDecision {
    if (!this.#gate) return { kind: 'send' };
    this.#view.now = now;
    try {
      return this.#gate(structuredClone(r), this.#view);
    } catch {
      // A failing gate must not send blindly: look again later.
      return { kind: 'wait', until: now + 60_000, reason: 'reply-sync' };
    }
  }

  /** Work that waits for the connection: messages to send, or uncertain ones to look for. */
  #needsNetwork(): boolean {
    return (
      (this.#status === 'running' && this.#queue.hasDue(this.#clock.now())) || this.#nextCheckAt() !== null
    );
  }

  #goOffline(now: number): void {
    if (this.#offline || this.#disposed) return;
    this.#offline = { since: now, nextTryAt: now + this.#reconnect.initialMs, tries: 0 };
    this.#stopListening = this.#connectivity.onOnline(() => this.retryConnectionNow());
    this.#emit(null, null);
  }

  #leaveOffline(): void {
    if (!this.#offline) return;
    this.#offline = null;
    this.#stopListening?.();
    this.#stopListening = null;
    this.#emit(null, null);
  }

  /** Sleeps until `at` on the clock, or until something changes (a result, a command). */
  async #wait(at: number | null): Promise<void> {
    // Kicked during this turn (before anyone could wake a wait): look again at once.
    if (this.#kickPending) return;
    const abort = new AbortController();
    const woken = new Promise<void>((resolve) => (this.#wake = resolve));
    const waits: Promise<void>[] = [woken];
    if (at !== null)
      waits.push(this.#clock.sleep(Math.max(0, at - this.#clock.now()), abort.signal).catch(() => {}));
    await Promise.race(waits);
    this.#wake = null;
    abort.abort();
  }

  #dispatch(r: RecipientRecord, now: number): void {
    this.#inFlight++;
    this.#pacer.recordSend(now);
    this.#mailbox.startSend(now);
    this.#dispatchTimes.push(now);
    const ticket: SendTicket = { dispatchedAt: now, startedAt: now, result: 'not-reached' };
    void this.#send(r, ticket).finally(() => {
      this.#inFlight--;
      if (ticket.result === 'abandoned') {
        // Nothing left (the gate said no after render): the slot in the minute is given back.
        this.#mailbox.abandonSend(ticket.dispatchedAt);
        this.#pacer.unrecordSend(ticket.dispatchedAt);
      } else this.#mailbox.settleSend(ticket.startedAt, ticket.result === 'reached', ticket.sendId);
      this.#wake?.();
    });
  }

  async #send(r: RecipientRecord, ticket: SendTicket): Promise<void> {
    const sendId = this.#newSendId();
    let mail: OutgoingMail;
    try {
      mail = await this.#render(recipientInput(r), sendId);
    } catch (error) {
      if (this.#disposed) return;
      this.#requeue(r);
      this.#stop('render-failed', `Could not prepare the message: ${errorMessage(error)}`);
      return;
    }
    if (this.#disposed) return;
    // A command may have arrived while rendering (pause or cancel): honour it before anything leaves.
    if (this.#status !== 'running') {
      this.#requeue(r);
      return;
    }
    // So may a reply, a bounce or the recruiter's stop: ask again right before the write-ahead.
    if (this.#applyGate(r, 'front', this.#clock.now()) !== 'send') {
      ticket.result = 'abandoned';
      return;
    }
    r.state = 'sending';
    r.attempt = { sendId, startedAt: this.#clock.now(), subject: mail.subject };
    r.attempts++;
    ticket.startedAt = r.attempt.startedAt;
    ticket.sendId = sendId;
    try {
      await this.#onChange?.({ recipientId: r.id, state: 'sending' });
    } catch (error) {
      if (this.#disposed) return;
      r.state = 'queued';
      r.attempt = null;
      r.attempts--;
      this.#requeue(r);
      this.#stop(
        'progress-not-saved',
        `Progress could not be saved, so nothing more is sent: ${errorMessage(error)}`,
      );
      return;
    }
    if (this.#disposed) return;
    const outgoing = { ...mail, headers: { ...mail.headers, [SEND_ID_HEADER]: sendId } };
    let outcome: SendOutcome;
    try {
      outcome =
        r.threadOf === undefined
          ? await this.#sender.sendMail(outgoing)
          : await this.#sendFollowUp(r, outgoing);
    } catch (error) {
      // The boundary should return `unknown` itself; a throw is no better known than that.
      outcome = { kind: 'unknown', reason: errorMessage(error) };
    }
    ticket.result = outcome.kind === 'accepted' || outcome.kind === 'unknown' ? 'reached' : 'not-reached';
    if (this.#disposed) return;
    this.#settle(r, outcome);
  }

  /**
   * A follow-up goes as a reply in the thread of the previous step's Sent Items copy. When that copy
   * is gone (404), it is looked up once by its internet message id (it may have been moved); when
   * that fails too, or threading is impossible, it goes as a new "RE:" message and says why. A 404
   * took nothing, so at most one request of this attempt can reach Exchange.
   */
  async #sendFollowUp(r: RecipientRecord, mail: OutgoingMail): Promise<SendOutcome> {
    const prev = r.threadOf === undefined ? undefined : this.#records.get(r.threadOf);
    const sender = this.#sender;
    const asNewMessage = (reason: string): Promise<SendOutcome> => {
      r.threading = { how: 'new-message', reason };
      return sender.sendMail(mail);
    };
    const threaded = (outcome: SendOutcome): SendOutcome => {
      r.threading = { how: 'reply' };
      return outcome;
    };
    if (!sender.reply) return asNewMessage(NOT_THREADED.noReply);
    if (!prev?.sentItemId) return asNewMessage(NOT_THREADED.noCopy);
    const first = await sender.reply(prev.sentItemId, mail);
    if (first.kind !== 'thread-not-found') return threaded(first);
    if (!prev.internetMessageId || !sender.findMessage) return asNewMessage(NOT_THREADED.copyGone);
    let found: MailHeaderRecord | null;
    try {
      found = await sender.findMessage(prev.internetMessageId);
    } catch {
      found = null;
    }
    if (!found) return asNewMessage(NOT_THREADED.copyGone);
    const second = await sender.reply(found.id, mail);
    if (second.kind !== 'thread-not-found') return threaded(second);
    return asNewMessage(NOT_THREADED.copyGone);
  }

  #settle(r: RecipientRecord, outcome: SendOutcome): void {
    const now = this.#clock.now();
    switch (outcome.kind) {
      case 'accepted':
        this.#mailbox.recordAccepted();
        this.#markSent(r, now, 'accepted', null);
        return;
      case 'throttled': {
        // Exchange took nothing: the same attempt may go again after the pause.
        const streak = this.#mailbox.recordThrottle(now, outcome.retryAfterMs);
        r.attempts--;
        r.attempt = null;
        r.state = 'queued';
        this.#requeue(r);
        if (streak >= this.#maxThrottleStreak) {
          this.#stop(
            'persistent-throttling',
            'Microsoft 365 has refused every message for a while. The mailbox has probably reached its daily sending limit; try again later.',
          );
        }
        return;
      }
      case 'rejected':
        if (outcome.fatal) {
          // Not sent: keep the recipient queued for when the cause is fixed, and stop everything.
          r.attempts--;
          r.attempt = null;
          r.state = 'queued';
          this.#requeue(r);
          this.#stop(outcome.code, outcome.message);
        } else {
          this.#fail(r, outcome.code, outcome.message);
        }
        return;
      case 'unknown':
        if (outcome.connectionLost || !this.#connectivity.isOnline()) this.#goOffline(now);
        r.state = 'uncertain';
        r.uncertain = {
          reason: outcome.reason,
          since: now,
          nextCheckAt: now + this.#reconcile.firstCheckAfterMs,
          awaitingDecision: false,
        };
        this.#emit(r.id, 'uncertain');
        return;
    }
  }

  // --- reconciliation ---

  #reconcileDue(now: number): boolean {
    if (this.#checkNow) {
      this.#checkNow = [...this.#records.values()].some((r) => r.state === 'uncertain');
      if (this.#checkNow) return true;
    }
    const next = this.#nextCheckAt();
    return next !== null && next <= now;
  }

  #nextCheckAt(): number | null {
    let next: number | null = null;
    for (const r of this.#records.values()) {
      if (r.state === 'uncertain' && r.uncertain && !r.uncertain.awaitingDecision) {
        next = next === null ? r.uncertain.nextCheckAt : Math.min(next, r.uncertain.nextCheckAt);
      }
    }
    return next;
  }

  /**
   * One Sent Items query for every uncertain recipient still being looked for: reconciliation stays
   * cheap. Those already awaiting a decision join only on "check again", since their older attempts
   * would stretch the query (and its pages) far back.
   */
  async #reconcileBatch(): Promise<void> {
    const all = this.#checkNow;
    this.#checkNow = false;
    const batch = [...this.#records.values()].filter(
      (r) => r.state === 'uncertain' && r.attempt && (all || !r.uncertain?.awaitingDecision),
    );
    // Offline, the read also tests the connection: it runs even with nobody to look for.
    const testingConnection = this.#offline !== null;
    if (batch.length === 0 && !testingConnection) return;
    this.#reconciling = true;
    this.#inFlight++;
    const release = this.#mailbox.acquireRead();
    const since =
      Math.min(this.#clock.now(), ...batch.map((r) => (r.attempt as { startedAt: number }).startedAt)) -
      this.#reconcile.clockSkewMs;
    try {
      const items = await this.#sender.listSentSince(new Date(since).toISOString());
      if (this.#disposed) return;
      this.#readFailures = 0;
      this.#leaveOffline();
      const now = this.#clock.now();
      const still = batch.filter((r) => r.state === 'uncertain');
      const copies = findCopies(items, still, this.#reconcile.clockSkewMs);
      for (const r of still) {
        const copy = copies.get(r.id);
        if (copy) {
          const sentAt = copy.sentDateTime ? Date.parse(copy.sentDateTime) : now;
          this.#markSent(r, sentAt, 'sent-items', copy.id, copy);
        } else {
          this.#scheduleNextCheck(r, now);
        }
      }
    } catch (error) {
      // Reading Sent Items failed (network, throttling): nothing learned; look again later — but
      // after several failures in a row say so, rather than look busy forever.
      if (this.#disposed) return;
      const offline = this.#offline;
      if (isConnectionLost(error) || !this.#connectivity.isOnline()) {
        // No network: not a reason to stop. Test it again later, waiting longer each time.
        if (!offline) this.#goOffline(this.#clock.now());
        else {
          offline.tries++;
          offline.nextTryAt =
            this.#clock.now() +
            Math.min(this.#reconnect.maxMs, this.#reconnect.initialMs * 2 ** offline.tries);
          this.#emit(null, null);
        }
        return;
      }
      // An answer came back, so the network works: this failure counts like any other.
      this.#leaveOffline();
      if (++this.#readFailures >= MAX_READ_FAILURES) {
        this.#stop(
          'sent-items-unreadable',
          `Sent Items cannot be read to check uncertain sends: ${errorMessage(error)}`,
        );
      }
      const now = this.#clock.now();
      for (const r of batch)
        if (r.state === 'uncertain' && r.uncertain && !r.uncertain.awaitingDecision)
          r.uncertain.nextCheckAt = now + this.#reconcile.recheckEveryMs;
    } finally {
      this.#reconciling = false;
      this.#inFlight--;
      release();
      this.#wake?.();
    }
  }

  #scheduleNextCheck(r: RecipientRecord, now: number): void {
    const u = r.uncertain;
    if (!u || u.awaitingDecision) return;
    const decideAt = u.since + this.#reconcile.decideAfterMs;
    if (now >= decideAt) {
      u.awaitingDecision = true;
      this.#emit(r.id, 'uncertain');
    } else {
      // The last look happens exactly when the wait is over, so the decision rests on it.
      u.nextCheckAt = Math.min(now + this.#reconcile.recheckEveryMs, decideAt);
    }
  }

  // --- state changes ---

  #markSent(
    r: RecipientRecord,
    at: number,
    by: 'accepted' | 'sent-items',
    sentItemId: string | null,
    copy?: MailHeaderRecord,
  ): void {
    r.state = 'sent';
    r.sentAt = at;
    r.confirmedBy = by;
    r.sentItemId = sentItemId;
    r.uncertain = null;
    r.failure = null;
    if (copy) applyRecipientNote(r, { copy }, this.#clock.now());
    this.#emit(r.id, 'sent');
    this.#spawnNext(r);
  }

  /** Queues the unit that follows a sent one (the next step), if the sequence has one. */
  #spawnNext(sent: RecipientRecord): void {
    if (!this.#next || this.#disposed || this.#status === 'cancelled') return;
    if (this.#stopped.has(prospectOf(sent))) return;
    const now = this.#clock.now();
    this.#view.now = now;
    let input: RecipientInput | null;
    try {
      input = this.#next(structuredClone(sent), this.#view);
    } catch {
      input = null;
    }
    if (!input || this.#records.has(input.id)) return;
    const unit = newRecipient(input);
    this.#records.set(unit.id, unit);
    this.#queue.add(unit.id, unit.notBefore ?? 0, now, 'back');
    this.#emit(unit.id, 'queued');
    if (this.#status === 'finished') this.#setStatus('running');
  }

  /** On start: every sent record whose next unit was never queued (a reload right after the send) gets it. */
  #catchUpFollowUps(): void {
    if (this.#caughtUp || !this.#next) return;
    this.#caughtUp = true;
    for (const r of [...this.#records.values()]) if (r.state === 'sent') this.#spawnNext(r);
  }

  /** A unit that never had an attempt leaves the campaign (dropped by the gate, or its prospect stopped). */
  #drop(r: RecipientRecord): void {
    this.#records.delete(r.id);
    this.#queue.remove(r.id);
    this.#emit(r.id, null);
  }

  #fail(r: RecipientRecord, code: string, message: string): void {
    r.state = 'failed';
    r.failure = { code, message };
    r.uncertain = null;
    this.#emit(r.id, 'failed');
  }

  /** Back to the front of the queue (it keeps its place); after a cancel, it is cancelled instead. */
  #requeue(r: RecipientRecord): void {
    if (this.#status === 'cancelled') {
      this.#fail(r, 'cancelled', 'Cancelled before it was sent.');
      return;
    }
    r.state = 'queued';
    delete r.threading;
    this.#queue.add(r.id, 0, this.#clock.now(), 'front');
    this.#emit(r.id, 'queued');
  }

  #stop(code: string, message: string, retryAt?: number): void {
    if (this.#status === 'cancelled' || this.#status === 'stopped') return;
    this.#stopReason = {
      code,
      message,
      at: this.#clock.now(),
      ...(retryAt !== undefined ? { retryAt } : {}),
    };
    this.#setStatus('stopped');
  }

  #setStatus(status: EngineStatus): void {
    this.#status = status;
    this.#emit(null, null);
  }

  #emit(recipientId: string | null, state: RecipientState | null): void {
    if (this.#disposed || !this.#onChange) return;
    try {
      // Only the change to `sending` is awaited (in #send); the rest are best effort.
      void Promise.resolve(this.#onChange({ recipientId, state })).catch(() => {});
    } catch {
      // A failing observer must not break the engine.
    }
  }

  #get(id: string): RecipientRecord {
    const r = this.#records.get(id);
    if (!r) throw new Error(`Unknown recipient ${id}`);
    return r;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
