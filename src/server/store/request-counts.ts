/**
 * API request counting for the rate limits, shared by both stores.
 *
 * Windows are fixed and aligned to the clock (a 60 s window starts on the minute), so every
 * instance puts a request in the same window without talking to the others. A subject ("ip:…",
 * "user:…") is never kept as given: it is replaced by HMAC-SHA256 under a secret key, so the
 * counts hold no address or user id, and rows are dropped once their window is over.
 *
 * PostgreSQL counts in the database (every instance sees the same count); SQLite, which serves one
 * instance, counts here in memory with `MemoryRequestCounts`.
 */
import { createHmac } from 'node:crypto';

export interface RequestCount {
  /** Requests counted for the subject in the current window, this one included. */
  count: number;
  /** When the current window ends (epoch ms). */
  resetAt: number;
}

/** The fixed window of `windowMs` that holds `now`: its start and its end. */
export function fixedWindow(now: number, windowMs: number): { start: number; end: number } {
  if (!Number.isInteger(windowMs) || windowMs <= 0)
    throw new RangeError('window must be a positive whole number of ms');
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/** The subject as stored: 16 bytes of HMAC-SHA256 under `secret`, window length included. */
export function subjectKey(secret: Uint8Array, subject: string, windowMs: number): Buffer {
  return createHmac('sha256', secret).update(`${windowMs}|${subject}`).digest().subarray(0, 16);
}

/** Expired windows are dropped at most this often (and whenever the map grows past MAX_SUBJECTS). */
const SWEEP_EVERY_MS = 60_000;
const MAX_SUBJECTS = 100_000;

/** Request counts in this process's memory (one SQLite instance). */
export class MemoryRequestCounts {
  readonly #secret: Uint8Array;
  readonly #windows = new Map<string, { start: number; end: number; count: number }>();
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(secret: Uint8Array) {
    this.#secret = secret;
  }

  count(subject: string, windowMs: number, now: number): RequestCount {
    if (now - this.#lastSweep >= SWEEP_EVERY_MS || this.#windows.size >= MAX_SUBJECTS) this.#sweep(now);
    const window = fixedWindow(now, windowMs);
    const key = subjectKey(this.#secret, subject, windowMs).toString('base64url');
    const held = this.#windows.get(key);
    if (held && held.start >= window.start) {
      held.count++;
      return { count: held.count, resetAt: held.end };
    }
    this.#windows.set(key, { ...window, count: 1 });
    return { count: 1, resetAt: window.end };
  }

  /** Subjects with a window still open (for tests). */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [k, w] of this.#windows) if (w.end <= now) this.#windows.delete(k);
    // Still full within one window (a flood of distinct addresses): start over rather than grow.
    if (this.#windows.size >= MAX_SUBJECTS) this.#windows.clear();
  }
}
