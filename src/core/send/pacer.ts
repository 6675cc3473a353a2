/**
 * Mailbox pacing on the injected clock: a sliding window of `ratePerMinute` sends per 60 s
 * (Exchange's 30 messages/minute is the ceiling), plus a mailbox-wide pause after a 429.
 */
export interface PacerState {
  /** Start times of sends in the current window, oldest first. */
  recent: number[];
  /** No request before this time (429 Retry-After or backoff). */
  pausedUntil: number;
  /** Consecutive 429s, for backoff when Retry-After is missing or unreadable. */
  throttleStreak: number;
}

export const WINDOW_MS = 60_000;

export class Pacer {
  #state: PacerState;
  /** The minute plus a margin: Exchange counts arrivals, and network jitter must not make 31. */
  readonly windowMs: number;

  constructor(
    readonly ratePerMinute: number,
    readonly backoff: { initialMs: number; maxMs: number },
    state?: PacerState,
    marginMs = 0,
  ) {
    this.windowMs = WINDOW_MS + marginMs;
    this.#state = state
      ? { recent: [...state.recent], pausedUntil: state.pausedUntil, throttleStreak: state.throttleStreak }
      : { recent: [], pausedUntil: 0, throttleStreak: 0 };
  }

  state(now: number): PacerState {
    this.#trim(now);
    return {
      recent: [...this.#state.recent],
      pausedUntil: this.#state.pausedUntil,
      throttleStreak: this.#state.throttleStreak,
    };
  }

  /** The earliest time a new send may start (≤ now means "now"). */
  nextSendAt(now: number): number {
    this.#trim(now);
    const { recent, pausedUntil } = this.#state;
    const windowFreeAt =
      recent.length < this.ratePerMinute
        ? now
        : (recent[recent.length - this.ratePerMinute] ?? now) + this.windowMs;
    return Math.max(now, windowFreeAt, pausedUntil);
  }

  /** Any request (sends and Sent Items reads) waits for a 429 pause to end. */
  pausedUntil(): number {
    return this.#state.pausedUntil;
  }

  recordSend(now: number): void {
    this.#state.recent.push(now);
  }

  /** A send counted at dispatch that never left. */
  unrecordSend(at: number): void {
    const i = this.#state.recent.lastIndexOf(at);
    if (i >= 0) this.#state.recent.splice(i, 1);
  }

  recordAccepted(): void {
    this.#state.throttleStreak = 0;
  }

  /** A 429: pause the whole mailbox for Retry-After, or exponential backoff when it is missing. */
  recordThrottle(now: number, retryAfterMs: number | null): number {
    const backoff = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.#state.throttleStreak);
    this.#state.throttleStreak++;
    const wait = retryAfterMs !== null && retryAfterMs >= 0 ? retryAfterMs : backoff;
    this.#state.pausedUntil = Math.max(this.#state.pausedUntil, now + wait);
    return this.#state.throttleStreak;
  }

  /**
   * When the last of `remaining` sends can start if nothing else slows us down: the window frees one
   * slot per expiring entry, cycle after cycle.
   */
  lastSendAt(now: number, remaining: number): number {
    if (remaining <= 0) return now;
    this.#trim(now);
    const start = Math.max(now, this.#state.pausedUntil);
    const rate = this.ratePerMinute;
    // Slots in use at `start`, oldest first; a send may start when the slot `rate` places back expires.
    const window = this.#state.recent.filter((t) => t > start - this.windowMs);
    const free = rate - window.length;
    if (remaining <= free) return start;
    const n = remaining - free; // sends that must wait for a slot to expire
    const cycle = Math.floor((n - 1) / rate);
    const position = (n - 1) % rate;
    // Slots freed now (at `start`) count as occupied from `start` in the next cycle.
    const slots = [...window, ...Array<number>(free).fill(start)].sort((a, b) => a - b);
    return (slots[position] ?? start) + this.windowMs * (cycle + 1);
  }

  #trim(now: number): void {
    const cutoff = now - this.windowMs;
    const recent = this.#state.recent;
    let drop = 0;
    while (drop < recent.length && (recent[drop] ?? 0) <= cutoff) drop++;
    if (drop) recent.splice(0, drop);
  }
}
