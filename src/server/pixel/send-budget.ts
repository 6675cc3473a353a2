/**
 * A per-send write budget: at most `limit` recorded opens per send per window. A forwarded mail or
 * a script replaying one valid token can then not flood the database or inflate counts; the pixel
 * is still served. Per-IP limits would not work here: Apple's and Google's proxies put many real
 * readers behind few addresses (security.md §2.4). In-memory and per instance, so with N instances
 * the effective budget is at most N × limit — still bounded.
 */
import type { Clock } from '../../shared/clock';

const MAX_TRACKED_SENDS = 200_000;

export class SendBudget {
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #windowMs: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #counts = new Map<string, number>();

  constructor(clock: Clock, limit = 20, windowMs = 3_600_000) {
    this.#clock = clock;
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Counts one open of the send; false once its budget for the current window is spent. */
  take(sendId: string): boolean {
    const now = this.#clock.now();
    // Memory stays bounded; a flood of distinct valid tokens resets budgets early, never blocks.
    if (now - this.#windowStart >= this.#windowMs || this.#counts.size >= MAX_TRACKED_SENDS) {
      this.#windowStart = now;
      this.#counts.clear();
    }
    const used = this.#counts.get(sendId) ?? 0;
    if (used >= this.#limit) return false;
    this.#counts.set(sendId, used + 1);
    return true;
  }
}
