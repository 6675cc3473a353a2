/**
 * When reply sync runs: once when started (the pane opened), then every few minutes on the injected
 * clock while the pane is open, and whenever asked (the recruiter's Refresh). Runs never overlap: a
 * request during a run joins it. A background run that fails waits for the next turn; a requested
 * one reports the failure to its caller.
 */
import type { Clock } from '../../shared/clock';

export const REPLY_SYNC_EVERY_MS = 5 * 60_000;

export class ReplySyncLoop {
  readonly #run: (signal: AbortSignal) => Promise<void>;
  readonly #clock: Clock;
  readonly #everyMs: number;
  readonly #stop = new AbortController();
  #current: Promise<void> | null = null;
  #started = false;

  constructor(run: (signal: AbortSignal) => Promise<void>, clock: Clock, everyMs = REPLY_SYNC_EVERY_MS) {
    this.#run = run;
    this.#clock = clock;
    this.#everyMs = everyMs;
  }

  start(): void {
    if (this.#started || this.#stop.signal.aborted) return;
    this.#started = true;
    void this.#loop();
  }

  /** Runs now, or joins the run in progress. */
  syncNow(signal?: AbortSignal): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.reject(new Error('Reply sync has stopped.'));
    this.#current ??= this.#run(
      signal ? AbortSignal.any([signal, this.#stop.signal]) : this.#stop.signal,
    ).finally(() => {
      this.#current = null;
    });
    return this.#current;
  }

  stop(): void {
    this.#stop.abort(new Error('Reply sync has stopped.'));
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      await this.syncNow().catch(() => {});
      try {
        await this.#clock.sleep(this.#everyMs, signal);
      } catch {
        return;
      }
    }
  }
}
