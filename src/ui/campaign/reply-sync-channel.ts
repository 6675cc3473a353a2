/**
 * Between the send engines and reply sync: a follow-up goes out only after a reply sync that ran
 * once it fell due (so a prospect who answered meanwhile gets nothing more). The engines ask for a
 * sync through this channel; reply sync (src/ui/results, loaded on connect) attaches to it and
 * tells it each time a run completed. Nothing here is React.
 */
import type { Clock } from '../../shared/clock';

/** The part of the results source the channel drives. */
export interface AttachableReplySync {
  sync(): Promise<void>;
  /** Called after each run (successful or not). */
  subscribe(listener: () => void): () => void;
  /** When the last successful run completed, on the send engine's clock; null before the first. */
  syncedAt(): number | null;
}

export interface ReplySyncChannel {
  /** When the last successful reply sync completed (send engine's clock), or null. */
  syncedAt(): number | null;
  /** Asks for a reply sync soon (at most one every `minGapMs`; a run in progress is joined). */
  request(): void;
  /** Called after every reply sync that completed. */
  subscribe(listener: () => void): () => void;
  attach(source: AttachableReplySync): () => void;
}

/** Follow-ups falling due one after another share one sync a minute, not one each. */
export const REPLY_SYNC_MIN_GAP_MS = 60_000;

export function replySyncChannel(clock: Clock, minGapMs = REPLY_SYNC_MIN_GAP_MS): ReplySyncChannel {
  const listeners = new Set<() => void>();
  let source: AttachableReplySync | null = null;
  let detach: (() => void) | null = null;
  let wanted = false;
  let running = false;
  let lastStart = -Infinity;
  let scheduled = false;

  function run(): void {
    if (!source || running || !wanted) return;
    const wait = lastStart + minGapMs - clock.now();
    if (wait > 0) {
      // The gap is on the engine's clock: wait for it on that clock, once.
      if (scheduled) return;
      scheduled = true;
      const again = () => {
        scheduled = false;
        run();
      };
      void clock.sleep(wait).then(again, again);
      return;
    }
    wanted = false;
    running = true;
    lastStart = clock.now();
    source
      .sync()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        run();
      });
  }

  return {
    syncedAt: () => source?.syncedAt() ?? null,
    request() {
      wanted = true;
      run();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    attach(next) {
      detach?.();
      source = next;
      const unsubscribe = next.subscribe(() => {
        for (const l of [...listeners]) l();
      });
      detach = () => {
        unsubscribe();
        if (source === next) source = null;
      };
      run();
      return detach;
    },
  };
}
