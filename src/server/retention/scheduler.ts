import type { Clock } from '../../shared/clock';
import { overdueTenants, runPurge, type PurgeOptions, type PurgedTenant } from './purge';

/** Past this many days after contract end a tenant that still has data is an alarm (promise: 60). */
export const OVERDUE_AFTER_DAYS = 45;

/**
 * Runs the purge job now and then every `intervalMs` of the clock until stopped. Failures are
 * reported and retried on the next tick; the job itself is resumable, so nothing is lost.
 */
export function startPurgeSchedule(
  options: PurgeOptions & { intervalMs: number; clock: Clock },
  report: { purged(p: PurgedTenant): void; failed(err: unknown): void; overdue(tids: string[]): void },
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
        const late = await overdueTenants(options.store, options.clock.now(), OVERDUE_AFTER_DAYS);
        if (late.length) report.overdue(late);
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
