import type { Clock } from '../../shared/clock';
import { assumeOnline, type Connectivity } from '../../shared/connectivity';
import { isConnectionLost, type MailSender, type OutgoingMail, type SendOutcome } from '../mail';
import { Pacer } from './pacer';
import { computeProgress, PACE_WINDOW_MS, type SendProgress } from './progress';
import { findCopies, SEND_ID_HEADER } from './reconcile';
import { applyRecipientNote, type RecipientNote } from './recipient-note';
import { newRecipient, type RecipientInput, type RecipientRecord, type RecipientState } from './recipient';
import { restoreRecipients, type EngineStatus, type SendSnapshot, type StopReason } from './snapshot';

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
  /** Messages this engine may send in any 24 hours; Exchange allows 10,000 recipients per mailbox. */
  dailyRecipientLimit?: number;
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
  state: RecipientState | null;
}

export type UncertainDecision = 'resend' | 'not-sent';

const DEFAULT_RECONCILE: ReconcileOptions = {
  firstCheckAfterMs: 60_000,
  recheckEveryMs: 4.5 * 60_000,
  decideAfterMs: 10 * 60_000,
  clockSkewMs: 2 * 60_000,
};

export const MAX_RATE_PER_MINUTE = 30;
export const DAILY_RECIPIENT_LIMIT = 10_000;
const DAY_MS = 24 * 3_600_000;
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
  readonly #dailyLimit: number;
  /** Start times of sends that may have reached Exchange in the last 24 hours, oldest first. */
  #dayLog: number[] = [];

  #records = new Map<string, RecipientRecord>();
  #queue: string[] = [];
  #status: EngineStatus = 'ready';
  #stopReason: StopReason | null = null;
  #inFlight = 0;
  #reconciling = false;
  #checkNow = false;
  #dispatchTimes: number[] = [];
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #disposed = false;
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
    this.#dailyLimit = Math.min(options.dailyRecipientLimit ?? DAILY_RECIPIENT_LIMIT, DAILY_RECIPIENT_LIMIT);
    this.#connectivity = options.connectivity ?? assumeOnline;
    this.#reconnect = options.reconnectBackoff ?? { initialMs: 5_000, maxMs: 2 * 60_000 };
    this.#pacer = new Pacer(
      rate,
      options.throttleBackoff ?? { initialMs: 5_000, maxMs: 5 * 60_000 },
      snapshot?.pacer,
      options.pacingMarginMs ?? 1_000,
    );
    if (snapshot) {
      this.#status = snapshot.status;
      this.#stopReason = snapshot.stopReason;
      for (const r of restoreRecipients(snapshot, this.#clock.now(), this.#reconcile.firstCheckAfterMs)) {
        this.#records.set(r.id, r);
        if (r.state === 'queued') this.#queue.push(r.id);
        if ((r.state === 'sent' || r.state === 'uncertain') && r.attempt)
          this.#dayLog.push(r.attempt.startedAt);
      }
      this.#dayLog.sort((a, b) => a - b);
    }
  }

  /** A new campaign send; nothing happens until start(). Duplicate ids are a programming error. */
  static create(options: SendEngineOptions, recipients: RecipientInput[]): SendEngine {
    const engine = new SendEngine(options, null);
    for (const input of recipients) {
      if (engine.#records.has(input.id)) throw new Error(`Duplicate recipient id ${input.id}`);
      engine.#records.set(input.id, newRecipient(input));
      engine.#queue.push(input.id);
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
      pacer: this.#pacer.state(now),
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
    );
  }

  /** Starts a new campaign, or continues a restored one that was running. */
  start(): void {
    if (this.#status === 'ready') this.#setStatus('running');
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
    this.#pacer.recordAccepted();
    this.#setStatus('running');
    this.#kick();
  }

  /**
   * Nobody else gets a message: every queued recipient becomes `failed` (cancelled). Requests in
   * flight finish; uncertain recipients are still reconciled.
   */
  cancel(): void {
    if (this.#status === 'cancelled') return;
    this.#status = 'cancelled';
    for (const id of this.#queue) this.#fail(this.#get(id), 'cancelled', 'Cancelled before it was sent.');
    this.#queue = [];
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
    this.#queue.push(r.id);
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
    if (!applyRecipientNote(r, note, this.#clock.now())) return;
    this.#emit(r.id, r.state);
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
    this.#stopListening?.();
    this.#stopListening = null;
    this.#wake?.();
  }

  // --- the loop ---

  #kick(): void {
    if (this.#disposed) return;
    if (this.#loop) {
      this.#wake?.();
      return;
    }
    this.#loop = this.#run().finally(() => {
      this.#loop = null;
    });
  }

  async #run(): Promise<void> {
    while (!this.#disposed) {
      const now = this.#clock.now();
      const mailboxFreeAt = this.#pacer.pausedUntil();
      // While stopped (auth revoked, quota) reads fail too: reconciliation waits for resume().
      const canCheck = this.#status !== 'stopped';
      // The host knows it is offline: sending now could only add uncertain recipients.
      if (this.#status === 'running' && this.#queue.length > 0 && !this.#connectivity.isOnline())
        this.#goOffline(now);
      const offline = this.#offline;
      const slotFree = this.#inFlight < this.#maxInFlight && !this.#reconciling;
      if (offline) {
        // A Sent Items read tests the connection (and reconciles meanwhile); sending waits for it.
        if (canCheck && slotFree && now >= offline.nextTryAt && this.#needsNetwork())
          void this.#reconcileBatch();
      } else if (canCheck && slotFree && now >= mailboxFreeAt && this.#reconcileDue(now)) {
        void this.#reconcileBatch();
      }
      let nextSendAt = this.#pacer.nextSendAt(now);
      const sending = () => !this.#offline && this.#status === 'running' && this.#queue.length > 0;
      if (sending()) this.#checkDailyLimit(now);
      while (sending() && this.#inFlight < this.#maxInFlight && nextSendAt <= now) {
        this.#dispatch(this.#get(this.#queue.shift() as string), now);
        nextSendAt = this.#pacer.nextSendAt(now);
      }
      const timers: number[] = [];
      if (sending() && this.#inFlight < this.#maxInFlight) timers.push(nextSendAt);
      if (this.#offline) {
        const tryAt = this.#offline.nextTryAt;
        if (canCheck && tryAt > now && !this.#reconciling && this.#needsNetwork()) timers.push(tryAt);
      } else {
        const nextCheck = canCheck ? this.#nextCheckAt() : null;
        // A check already due but blocked by requests in flight waits for one of them to finish.
        const checkAt = nextCheck === null ? null : Math.max(nextCheck, mailboxFreeAt);
        if (checkAt !== null && checkAt > now && !this.#reconciling) timers.push(checkAt);
      }
      if (timers.length === 0 && this.#inFlight === 0) break;
      await this.#wait(timers.length ? Math.min(...timers) : null);
    }
    // Nothing left that needs the network: being offline no longer holds anything up.
    if (!this.#disposed && this.#offline) this.#leaveOffline();
    if (!this.#disposed && this.#status === 'running' && this.#queue.length === 0 && this.#inFlight === 0) {
      this.#setStatus('finished');
    }
  }

  /** Work that waits for the connection: messages to send, or uncertain ones to look for. */
  #needsNetwork(): boolean {
    return (this.#status === 'running' && this.#queue.length > 0) || this.#nextCheckAt() !== null;
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
    this.#dispatchTimes.push(now);
    void this.#send(r).finally(() => {
      this.#inFlight--;
      this.#wake?.();
    });
  }

  async #send(r: RecipientRecord): Promise<void> {
    const sendId = this.#newSendId();
    let mail: OutgoingMail;
    try {
      mail = await this.#render({ id: r.id, address: r.address }, sendId);
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
    r.state = 'sending';
    r.attempt = { sendId, startedAt: this.#clock.now(), subject: mail.subject };
    r.attempts++;
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
    let outcome: SendOutcome;
    try {
      outcome = await this.#sender.sendMail({
        ...mail,
        headers: { ...mail.headers, [SEND_ID_HEADER]: sendId },
      });
    } catch (error) {
      // The boundary should return `unknown` itself; a throw is no better known than that.
      outcome = { kind: 'unknown', reason: errorMessage(error) };
    }
    if (this.#disposed) return;
    this.#settle(r, outcome);
  }

  #settle(r: RecipientRecord, outcome: SendOutcome): void {
    const now = this.#clock.now();
    if (outcome.kind === 'accepted' || outcome.kind === 'unknown')
      this.#dayLog.push(r.attempt?.startedAt ?? now);
    switch (outcome.kind) {
      case 'accepted':
        this.#pacer.recordAccepted();
        this.#markSent(r, now, 'accepted', null);
        return;
      case 'throttled': {
        // Exchange took nothing: the same attempt may go again after the pause.
        const streak = this.#pacer.recordThrottle(now, outcome.retryAfterMs);
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
          this.#markSent(r, sentAt, 'sent-items', copy.id);
          applyRecipientNote(r, { copy }, now);
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

  #markSent(r: RecipientRecord, at: number, by: 'accepted' | 'sent-items', sentItemId: string | null): void {
    r.state = 'sent';
    r.sentAt = at;
    r.confirmedBy = by;
    r.sentItemId = sentItemId;
    r.uncertain = null;
    r.failure = null;
    this.#emit(r.id, 'sent');
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
    this.#queue.unshift(r.id);
    this.#emit(r.id, 'queued');
  }

  /** Stops before the engine's own sends reach the 24-hour limit (other mail from the mailbox counts too). */
  #checkDailyLimit(now: number): void {
    let drop = 0;
    while (drop < this.#dayLog.length && (this.#dayLog[drop] ?? 0) <= now - DAY_MS) drop++;
    if (drop) this.#dayLog.splice(0, drop);
    if (this.#dayLog.length + this.#inFlight < this.#dailyLimit) return;
    // A slot frees when the oldest send that still counts leaves the window.
    const oldest = Math.max(0, this.#dayLog.length + this.#inFlight - this.#dailyLimit);
    const retryAt = (this.#dayLog[oldest] ?? now) + DAY_MS;
    this.#stop(
      'daily-recipient-limit',
      `This mailbox has sent ${this.#dailyLimit.toLocaleString('en')} messages in 24 hours, Microsoft 365's limit. Resume when the window frees up.`,
      retryAt,
    );
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
