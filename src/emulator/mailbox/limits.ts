import type { EmulatorStats, Limits } from './types';

/**
 * Outlook's limits per app and mailbox (throttling-limits.md) and Exchange Online's sending limits
 * (Exchange Online limits service description), as graph-mail.md §4 lists them.
 */
export const DEFAULT_LIMITS: Limits = {
  concurrentRequests: 4,
  requestsPerWindow: 10_000,
  requestWindowMs: 10 * 60_000,
  messagesPerMinute: 30,
  recipientsPerDay: 10_000,
  batchSize: 20,
};

const DAY = 24 * 3_600_000;
const MINUTE = 60_000;

export type Admission =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'concurrency' | 'requests'; retryAfterSeconds: number };

/** Counts per app+mailbox; every decision is taken against the injected clock's `now`. */
export class LimitTracker {
  readonly limits: Limits;
  readonly stats: EmulatorStats = {
    rateViolations: 0,
    concurrencyRejections: 0,
    requestRateRejections: 0,
    recipientQuotaRejections: 0,
    maxConcurrent: 0,
    accepted: 0,
  };
  #inFlight = new Map<string, number>();
  #requests = new Map<string, number[]>();
  #transport = new Map<string, number[]>();
  #recipients = new Map<string, { entries: { at: number; count: number }[]; sum: number }>();

  constructor(limits: Limits) {
    this.limits = limits;
  }

  /**
   * Admits one request or says why not. Throttled requests still count toward the window: Graph
   * "keeps logging usage while you're throttled" (throttling.md).
   */
  admit(key: string, now: number): Admission {
    const times = this.#requests.get(key) ?? [];
    while (times.length && times[0]! <= now - this.limits.requestWindowMs) times.shift();
    times.push(now);
    this.#requests.set(key, times);
    if (times.length > this.limits.requestsPerWindow) {
      this.stats.requestRateRejections++;
      const oldest = times[times.length - 1 - this.limits.requestsPerWindow] ?? now;
      return {
        ok: false,
        reason: 'requests',
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.limits.requestWindowMs - now) / 1000)),
      };
    }
    const inFlight = this.#inFlight.get(key) ?? 0;
    if (inFlight >= this.limits.concurrentRequests) {
      this.stats.concurrencyRejections++;
      return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    }
    this.#inFlight.set(key, inFlight + 1);
    this.stats.maxConcurrent = Math.max(this.stats.maxConcurrent, inFlight + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight.set(key, (this.#inFlight.get(key) ?? 1) - 1);
      },
    };
  }

  /** True when `count` more recipients would exceed the rolling 24-hour recipient limit. */
  overRecipientQuota(key: string, count: number, now: number): boolean {
    return this.#recipientLog(key, now).sum + count > this.limits.recipientsPerDay;
  }

  #recipientLog(key: string, now: number): { entries: { at: number; count: number }[]; sum: number } {
    const log = this.#recipients.get(key) ?? { entries: [], sum: 0 };
    while (log.entries.length && log.entries[0]!.at <= now - DAY) log.sum -= log.entries.shift()!.count;
    this.#recipients.set(key, log);
    return log;
  }

  /**
   * Books a transport slot for one accepted message: at most `messagesPerMinute` in any minute.
   * Excess is not refused — Exchange queues it "and delivered over subsequent minutes… no NDR" — so
   * the slot moves later and the violation is counted.
   */
  bookTransport(key: string, recipients: number, now: number): number {
    this.stats.accepted++;
    const log = this.#recipientLog(key, now);
    log.entries.push({ at: now, count: recipients });
    log.sum += recipients;
    // Exchange's submission queue is first in, first out: a message never overtakes queued ones.
    const slots = this.#transport.get(key) ?? [];
    const n = this.limits.messagesPerMinute;
    while (slots.length > n && slots[0]! <= now - MINUTE) slots.shift();
    let at = Math.max(now, slots[slots.length - 1] ?? now);
    const nth = slots[slots.length - n];
    if (nth !== undefined && nth > at - MINUTE) at = nth + MINUTE;
    if (at > now) this.stats.rateViolations++;
    slots.push(at);
    this.#transport.set(key, slots);
    return at;
  }
}
