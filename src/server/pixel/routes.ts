/**
 * GET/HEAD /o/<token>.gif. Every answer carries the same GIF and headers. GET with a valid token
 * for a tracked send records one sealed open and answers 200 only after its transaction
 * committed. HEAD never records (Fastify would otherwise run the GET handler for it).
 *
 * Commit failure → 503 (same GIF and headers, Retry-After). A 200 means "committed"; answering
 * 200 for an open we failed to store would break that promise, and image proxies retry 5xx. Only
 * holders of a valid token can ever see the 503, so it is no validity oracle for forgers.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/clock';
import type { Store } from '../store/store';
import { PIXEL_GIF, PIXEL_HEADERS } from './gif';
import { GroupCommitWriter, type GroupCommitOptions } from './group-commit';
import { clientIp, recordOpen, type IntakeOutcome } from './intake';
import { EventSealer } from './seal';
import { SendBudget } from './send-budget';
import type { PixelKeyRing } from './token';

export interface PixelRouteOptions {
  store: Store;
  keyRing: PixelKeyRing;
  clock: Clock;
  /** Defaults to a sealer with 1 s epochs on `clock`. */
  sealer?: EventSealer;
  /** Number of trusted reverse proxies in front (0 = ignore X-Forwarded-For). */
  trustProxy?: number;
  groupCommit?: GroupCommitOptions;
  /** Recorded opens per send per hour (default 20); more are served but not recorded. */
  maxOpensPerSendPerHour?: number;
}

export interface PixelCounters {
  recorded: number;
  ignored: number;
  failed: number;
  head: number;
}

const RETRY_AFTER_S = '60';

export async function registerPixelRoutes(
  app: FastifyInstance,
  options: PixelRouteOptions,
): Promise<{ counters: PixelCounters; writer: GroupCommitWriter }> {
  const writer = new GroupCommitWriter(options.store, options.groupCommit);
  const deps = {
    store: options.store,
    keyRing: options.keyRing,
    clock: options.clock,
    sealer: options.sealer ?? new EventSealer({ clock: options.clock }),
    writer,
    budget: new SendBudget(options.clock, options.maxOpensPerSendPerHour ?? 20),
  };
  const hops = options.trustProxy ?? 0;
  const counters: PixelCounters = { recorded: 0, ignored: 0, failed: 0, head: 0 };

  app.route<{ Params: { file: string } }>({
    method: ['GET', 'HEAD'],
    url: '/o/:file',
    // Request logs would carry the token and the client address: keep only warnings.
    logLevel: 'warn',
    handler: async (request, reply) => {
      reply.headers(PIXEL_HEADERS);
      const file = request.params.file;
      if (request.method !== 'GET') {
        counters.head++;
        return reply.send(PIXEL_GIF);
      }
      let outcome: IntakeOutcome = 'ignored';
      if (file.endsWith('.gif')) {
        outcome = await recordOpen(deps, {
          token: file.slice(0, -4),
          ip: clientIp(request.raw.socket.remoteAddress, request.headers['x-forwarded-for'], hops),
          userAgent: request.headers['user-agent'],
        });
      }
      counters[outcome]++;
      if (outcome === 'failed') {
        // Counts only: no token, address or error text (which could quote row values).
        request.log.warn({ pixelFailed: counters.failed }, 'pixel open not stored');
        return reply.code(503).header('retry-after', RETRY_AFTER_S).send(PIXEL_GIF);
      }
      return reply.send(PIXEL_GIF);
    },
  });

  app.addHook('onClose', async () => {
    await writer.close();
  });
  return { counters, writer };
}
