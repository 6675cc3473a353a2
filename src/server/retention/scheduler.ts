import type { Clock } from '../../shared/clock';
import { runPurge, type PurgeOptions, type PurgedTenant } from './purge';

/**
 * Runs the purge job now and then every `intervalMs` of the clock until stopped. Failures are
 * reported and retried on the next tick; the job itself is resumable, so nothing is lost.
 */
export function startPurgeSchedule(
  options: PurgeOptions & { intervalMs: number; clock: Clock },
  report: { purged(p: PurgedTenant): void; failed(err: unknown): void },
): { stop(): Promise<void> } {
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        for (const p of await runPurge(options)) report.purged(p);
      } catch (err) {
        report.failed(err);
      }
      try {
        await options.clock.sleep(options.intervalMs, abort.signal);
      } catch {
        return;
      }
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
