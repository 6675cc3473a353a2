/**
 * The API rate limits' counter for @fastify/rate-limit: every request is counted by the store
 * (Store.countRequest), so on PostgreSQL all instances share one count per client address and per
 * user, and a client gets the configured limit in total, not once per instance.
 *
 * The plugin keeps deciding (limit, 429, Retry-After); only where it counts changes. Windows are
 * fixed and aligned to the clock (src/server/store/request-counts.ts), so `ttl` is the time left in
 * the current one.
 */
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../../shared/clock';
import type { Store } from '../store/store';

type Counted = { current: number; ttl: number };

export function requestLimitStore(
  store: Pick<Store, 'countRequest'>,
  clock: Clock,
): FastifyRateLimitStoreCtor {
  return class SharedRequestCounts {
    incr(key: string, done: (error: Error | null, result?: Counted) => void, timeWindow: number): void {
      const now = clock.now();
      store.countRequest(key, timeWindow, now).then(
        ({ count, resetAt }) => done(null, { current: count, ttl: Math.max(0, resetAt - now) }),
        (error: unknown) => done(error instanceof Error ? error : new Error('request count failed')),
      );
    }

    child(): SharedRequestCounts {
      return this;
    }
  };
}
