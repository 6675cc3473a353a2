/**
 * Campaigns that keep sending while the recruiter works on another one: a sequence waits days for
 * its next step, and must not hold the Campaign screen hostage. On open (and every few minutes) this
 * finds the user's other campaigns that are still running and gives each a controller of its own,
 * pinned to it; all of them share the pane's mailbox limits. Nothing here is React.
 */
import { parseCampaignSnapshot } from '../../core/campaign';
import { systemClock, type Clock } from '../../shared/clock';
import { CampaignController } from './controller';
import type { CampaignRuntime } from './runtime';

export const BACKGROUND_REFRESH_MS = 5 * 60_000;

export class BackgroundCampaigns {
  readonly #runtime: CampaignRuntime;
  readonly #current: () => string | null;
  readonly #controllers = new Map<string, CampaignController>();
  readonly #listeners = new Set<() => void>();
  readonly #stop = new AbortController();
  #refreshing: Promise<void> | null = null;
  #version = 0;

  constructor(runtime: CampaignRuntime, current: () => string | null) {
    this.#runtime = runtime;
    this.#current = current;
  }

  /** Controllers of the campaigns running here besides the current one. */
  controllers(): CampaignController[] {
    return [...this.#controllers.values()];
  }

  /** Changes whenever the set of campaigns running here changes (a snapshot for React). */
  version(): number {
    return this.#version;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Looks for running campaigns now, then every few minutes (real time) until disposed. */
  start(timer: Clock = systemClock): void {
    void (async () => {
      const signal = this.#stop.signal;
      while (!signal.aborted) {
        await this.refresh().catch(() => undefined);
        await timer.sleep(BACKGROUND_REFRESH_MS, signal).catch(() => undefined);
      }
    })();
  }

  /** Opens every other running campaign that is not open yet; drops the ones that ended. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  /** Stops running `campaignId` here (it becomes the current campaign, or the pane goes away). */
  release(campaignId: string): void {
    const controller = this.#controllers.get(campaignId);
    if (!controller) return;
    controller.dispose();
    this.#controllers.delete(campaignId);
    this.#notify();
  }

  dispose(): void {
    this.#stop.abort();
    for (const c of this.#controllers.values()) c.dispose();
    this.#controllers.clear();
  }

  async #refresh(): Promise<void> {
    const { listCampaignIds } = this.#runtime;
    if (!listCampaignIds || this.#stop.signal.aborted) return;
    const current = this.#current();
    for (const id of await listCampaignIds()) {
      if (this.#stop.signal.aborted) return;
      const open = this.#controllers.get(id);
      if (id === current) {
        if (open) this.release(id);
        continue;
      }
      if (open) {
        const state = open.getState();
        const ended =
          state.phase === 'failed' ||
          (state.phase === 'sending' && !['running', 'ready'].includes(state.progress.status));
        if (ended) this.release(id);
        continue;
      }
      if (!(await this.#running(id))) continue;
      const controller = new CampaignController(this.#runtime, id);
      this.#controllers.set(id, controller);
      await controller.load();
      // Another window of this device sends it, or it cannot be opened here: leave it alone.
      if (controller.getState().phase === 'failed') {
        controller.dispose();
        this.#controllers.delete(id);
      }
      this.#notify();
    }
  }

  async #running(campaignId: string): Promise<boolean> {
    try {
      const saved = await this.#runtime.store.open(campaignId);
      if (!saved?.snapshot) return false;
      const status = parseCampaignSnapshot(saved.snapshot).send?.status;
      return status === 'running';
    } catch {
      return false;
    }
  }

  #notify(): void {
    this.#version++;
    for (const l of [...this.#listeners]) l();
  }
}
