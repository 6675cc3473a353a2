/**
 * GET/HEAD /o/<token>.gif. Every answer carries the same GIF and headers. GET with a valid token
 * for a tracked send records one sealed open and answers 200 only after its transaction
 * committed. HEAD never records.
 *
 * Commit failure → 503 (same GIF and headers, Retry-After). A 200 means "committed"; answering
 * 200 for an open we failed to store would break that promise, and image proxies retry 5xx. Only
 * holders of a valid token can ever see the 503, so it is no validity oracle for forgers.
 *
 * The handler works on Node's own request and response objects (the route hijacks the reply), so
 * it is plain code with no framework in it. Answering pixels ahead of Fastify's router was tried
 * and measured: no faster (docs/backend-storage.md), so Fastify routes them like everything else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/clock';
import type { Store } from '../store/store';
import { PIXEL_GIF, PIXEL_HEADERS } from './gif';
import { GroupCommitWriter, type GroupCommitOptions } from './group-commit';
import { clientIp, recordOpen, type IntakeOutcome } from './intake';
import { EventSealer } from './seal';
import { SendBudget } from './send-budget';
import { PixelSendCache, type SendCacheOptions } from './send-cache';
import type { PixelKeyRing } from './token';

export interface PixelRouteOptions {
  store: Store;
  keyRing: PixelKeyRing;
  clock: Clock;
  /** Defaults to a sealer with the default epoch (src/server/pixel/seal.ts) on `clock`. */
  sealer?: EventSealer;
  /** Number of trusted reverse proxies in front (0 = ignore X-Forwarded-For). */
  trustProxy?: number;
  groupCommit?: GroupCommitOptions;
  /** Recorded opens per send per hour (default 20); more are served but not recorded. */
  maxOpensPerSendPerHour?: number;
  /** The lookup cache (src/server/pixel/send-cache.ts); `{ ttlMs: 0 }` turns it off. */
  sendCache?: SendCacheOptions;
}

export interface PixelCounters {
  recorded: number;
  ignored: number;
  failed: number;
  head: number;
}

/** Node's request/response, as far as the pixel uses them (inject()'s stand-ins fit too). */
type PixelRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'socket'>;
type PixelResponse = Pick<ServerResponse, 'writeHead' | 'end'>;
export type PixelHandler = (req: PixelRequest, res: PixelResponse) => void;

const RETRY_AFTER_S = '60';
const FAILED_HEADERS = { ...PIXEL_HEADERS, 'retry-after': RETRY_AFTER_S };
const PREFIX = '/o/';

/** The file part of a pixel URL (query string dropped): `<token>.gif`. */
function fileOf(url: string): string {
  const end = url.indexOf('?');
  return url.slice(PREFIX.length, end === -1 ? undefined : end);
}

export function createPixelHandler(
  options: PixelRouteOptions,
  log: Pick<FastifyBaseLogger, 'warn'>,
): { handle: PixelHandler; counters: PixelCounters; writer: GroupCommitWriter; lookup: PixelSendCache } {
  const writer = new GroupCommitWriter(options.store, options.groupCommit);
  const lookup = new PixelSendCache(options.store, options.clock, options.sendCache);
  const deps = {
    store: lookup,
    keyRing: options.keyRing,
    clock: options.clock,
    sealer: options.sealer ?? new EventSealer({ clock: options.clock }),
    writer,
    budget: new SendBudget(options.clock, options.maxOpensPerSendPerHour ?? 20),
  };
  const hops = options.trustProxy ?? 0;
  const counters: PixelCounters = { recorded: 0, ignored: 0, failed: 0, head: 0 };

  const answer = (res: PixelResponse, outcome: IntakeOutcome) => {
    counters[outcome]++;
    if (outcome === 'failed') {
      // Counts only: no token, address or error text (which could quote row values).
      log.warn({ pixelFailed: counters.failed }, 'pixel open not stored');
      res.writeHead(503, FAILED_HEADERS);
    } else {
      res.writeHead(200, PIXEL_HEADERS);
    }
    res.end(PIXEL_GIF);
  };

  const handle: PixelHandler = (req, res) => {
    if (req.method !== 'GET') {
      counters.head++;
      res.writeHead(200, PIXEL_HEADERS);
      res.end();
      return;
    }
    const file = fileOf(req.url ?? '');
    if (!file.endsWith('.gif')) return answer(res, 'ignored');
    recordOpen(deps, {
      token: file.slice(0, -4),
      ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], hops),
      userAgent: req.headers['user-agent'],
    }).then(
      (outcome) => answer(res, outcome),
      () => answer(res, 'failed'),
    );
  };
  return { handle, counters, writer, lookup };
}

/** Mounts the pixel on a Fastify app. */
export async function registerPixelRoutes(
  app: FastifyInstance,
  options: PixelRouteOptions,
): Promise<{ counters: PixelCounters; writer: GroupCommitWriter; lookup: PixelSendCache }> {
  const { handle, counters, writer, lookup } = createPixelHandler(options, app.log);
  app.route<{ Params: { file: string } }>({
    method: ['GET', 'HEAD'],
    url: '/o/:file',
    // Request logs would carry the token and the client address: keep only warnings.
    logLevel: 'warn',
    handler: (request, reply) => {
      reply.hijack();
      handle(request.raw, reply.raw);
    },
  });
  app.addHook('onClose', async () => {
    await writer.close();
    lookup.close();
  });
  return { counters, writer, lookup };
}
