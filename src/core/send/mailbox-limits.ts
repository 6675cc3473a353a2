import type { Clock } from '../../shared/clock';

/**
 * Exchange's limits belong to the mailbox, not to a campaign: 30 messages in any minute, 10,000
 * recipients in 24 hours, 4 concurrent requests, and a 429 pauses every request. One instance per
 * mailbox per pane is shared by every running campaign's engine; each engine still keeps its own
 * (lower or equal) campaign rate on top.
 */
export interface MailboxLimitsOptions {
  /** Messages per sliding minute; Exchange's ceiling is 30. */
  perMinute?: number;
  /** Added to the 60 s window so arrival jitter cannot put 31 messages in Exchange's minute. Default 1 s. */
  marginMs?: number;
  /** Messages in any 24 hours; Exchange allows 10,000 recipients per mailbox. */
  perDay?: number;
  /** Requests in flight at once (sends and Sent Items reads); Outlook allows 4 per mailbox. */
  maxInFlight?: number;
  /** Backoff after a 429 that carries no readable Retry-After. */
  throttleBackoff?: { initialMs: number; maxMs: number };
}

export const MAILBOX_PER_MINUTE = 30;
export const MAILBOX_PER_DAY = 10_000;
export const MAILBOX_IN_FLIGHT = 4;
export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 3_600_000;

/** Inserts `t` into an ascending array (start times arrive almost in order: the search is short). */
function insertSorted(list: number[], t: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] ?? 0) > t) i--;
  list.splice(i, 0, t);
}

/** Drops entries at or before `cutoff` from the front of an ascending array. */
function dropUpTo(list: number[], cutoff: number): void {
  let drop = 0;
  while (drop < list.length && (list[drop] ?? 0) <= cutoff) drop++;
  if (drop) list.splice(0, drop);
}

export class MailboxLimits {
  readonly perMinute: number;
  readonly windowMs: number;
  readonly perDay: number;
  readonly maxInFlight: number;
  readonly #backoff: { initialMs: number; maxMs: number };
  readonly #clock: Clock;
  /** Start times of sends in the current (minute + margin) window, ascending. */
  #recent: number[] = [];
  /** Start times of sends that may have reached Exchange in the last 24 hours, ascending. */
  #day: number[] = [];
  /** Send ids already in `#day` (and when they started): an engine restored in the same pane seeds no send twice. */
  #known = new Map<string, number>();
  /** Sends in flight: they count against the day until they settle. */
  #sendsInFlight = 0;
  #inFlight = 0;
  #pausedUntil = 0;
  #throttleStreak = 0;
  #listeners = new Set<() => void>();

  constructor(clock: Clock, options: MailboxLimitsOptions = {}) {
    this.#clock = clock;
    this.perMinute = options.perMinute ?? MAILBOX_PER_MINUTE;
    this.windowMs = MINUTE_MS + (options.marginMs ?? 1_000);
    this.perDay = options.perDay ?? MAILBOX_PER_DAY;
    this.maxInFlight = options.maxInFlight ?? MAILBOX_IN_FLIGHT;
    this.#backoff = options.throttleBackoff ?? { initialMs: 5_000, maxMs: 5 * 60_000 };
    if (!(this.perMinute >= 1 && this.perMinute <= MAILBOX_PER_MINUTE))
      throw new RangeError(`perMinute must be 1–${MAILBOX_PER_MINUTE}`);
    if (!(this.maxInFlight >= 1 && this.maxInFlight <= MAILBOX_IN_FLIGHT))
      throw new RangeError(`maxInFlight must be 1–${MAILBOX_IN_FLIGHT}`);
  }

  /** Start times of sends from saved campaigns (a reload): they still count against the 24 hours. */
  seed(startTimes: number[]): void {
    const now = this.#clock.now();
    for (const t of startTimes) if (t > now - DAY_MS) insertSorted(this.#day, t);
  }

  /**
   * A restored engine's saved sends (by send id): those this instance already counts (the engine ran
   * in this pane before) are not counted again.
   */
  seedSends(sends: { sendId: string; startedAt: number }[]): void {
    const now = this.#clock.now();
    for (const { sendId, startedAt } of sends) {
      if (startedAt <= now - DAY_MS || this.#known.has(sendId)) continue;
      this.#known.set(sendId, startedAt);
      insertSorted(this.#day, startedAt);
    }
  }

  /** Start times of a saved campaign's sends in the last minute: they still count in the window. */
  seedRecent(startTimes: number[]): void {
    const now = this.#clock.now();
    for (const t of startTimes) if (t > now - this.windowMs) insertSorted(this.#recent, t);
  }

  /** A saved 429 pause (a reload during one): nothing is asked of the mailbox before it ends. */
  seedPause(pausedUntil: number, throttleStreak: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, pausedUntil);
    this.#throttleStreak = Math.max(this.#throttleStreak, throttleStreak);
  }

  /** Called whenever a limit may have eased (a slot freed, a pause set): engines look again. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get throttleStreak(): number {
    return this.#throttleStreak;
  }

  /** No request of any kind before this time (a 429 pause). */
  pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** The earliest time a new message may start by the minute window and any pause (≤ now: now). */
  nextSendAt(now: number): number {
    dropUpTo(this.#recent, now - this.windowMs);
    const recent = this.#recent;
    const windowFreeAt =
      recent.length < this.perMinute ? now : (recent[recent.length - this.perMinute] ?? now) + this.windowMs;
    return Math.max(now, windowFreeAt, this.#pausedUntil);
  }

  /** Null while under the 24-hour limit; otherwise when a slot frees (the oldest counted send leaves). */
  dailyFreeAt(now: number): number | null {
    dropUpTo(this.#day, now - DAY_MS);
    if (this.#known.size > 2 * this.#day.length + 1_000)
      for (const [id, t] of this.#known) if (t <= now - DAY_MS) this.#known.delete(id);
    const used = this.#day.length + this.#sendsInFlight;
    if (used < this.perDay) return null;
    const oldest = Math.max(0, used - this.perDay);
    return (this.#day[oldest] ?? now) + DAY_MS;
  }

  get slotFree(): boolean {
    return this.#inFlight < this.maxInFlight;
  }

  /** Takes a request slot for a Sent Items read or a lookup; release it when the answer is in. */
  acquireRead(): () => void {
    this.#inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#notify();
    };
  }

  /**
   * Takes a request slot for one message starting now: it counts in the minute window at once and
   * against the day until it settles. Settle it with `settleSend` (which also frees the slot).
   */
  startSend(now: number): void {
    this.#inFlight++;
    this.#sendsInFlight++;
    this.#recent.push(now);
  }

  /**
   * The message's request is over. `reachedExchange`: it was accepted or may have been (unknown):
   * it counts against the 24 hours from `startedAt`; a 429 or a refusal does not.
   */
  settleSend(startedAt: number, reachedExchange: boolean, sendId?: string): void {
    this.#inFlight--;
    this.#sendsInFlight--;
    if (reachedExchange && !(sendId !== undefined && this.#known.has(sendId))) {
      insertSorted(this.#day, startedAt);
      if (sendId !== undefined) this.#known.set(sendId, startedAt);
    }
    this.#notify();
  }

  /** A message that was counted at `startSend` but never left (e.g. dropped after render). */
  abandonSend(startedAt: number): void {
    this.#inFlight--;
    this.#sendsInFlight--;
    const i = this.#recent.lastIndexOf(startedAt);
    if (i >= 0) this.#recent.splice(i, 1);
    this.#notify();
  }

  recordAccepted(): void {
    this.#throttleStreak = 0;
  }

  /** A 429: pause the whole mailbox for Retry-After, or exponential backoff when it is missing. */
  recordThrottle(now: number, retryAfterMs: number | null): number {
    const backoff = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** this.#throttleStreak);
    this.#throttleStreak++;
    const wait = retryAfterMs !== null && retryAfterMs >= 0 ? retryAfterMs : backoff;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + wait);
    this.#notify();
    return this.#throttleStreak;
  }

  /** The recruiter resumed after a stop: the next 429 starts the backoff afresh. */
  resetThrottleStreak(): void {
    this.#throttleStreak = 0;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
