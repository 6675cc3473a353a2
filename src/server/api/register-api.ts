import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { requireUser } from '../auth/require-user';
import type { TokenVerifier } from '../auth/verify-token';
import type { ApiDeps } from './deps';
import { rateLimited } from './http-error';
import { requestLimitStore } from './request-limit-store';
import { mountRoute, type ApiRoute } from './route';
import { campaignRoutes } from './routes/campaigns';
import { eventRoutes } from './routes/events';
import { meRoutes } from './routes/me';
import { sendRoutes } from './routes/sends';
import { keyBackupRoutes } from './routes/key-backups';
import { approvalRoutes } from './routes/approvals';
import { leaseRoutes } from './routes/leases';

export const API_PREFIX = '/api/v1';
/** Every API body is small JSON except campaign state, which sets its own limit. */
export const API_BODY_LIMIT = 64 * 1024;

export interface ApiOptions extends ApiDeps {
  verify: TokenVerifier;
  /** Exact origins allowed to call the API cross-origin (the add-in's, when not same-origin). */
  corsOrigins: string[];
}

/**
 * The address the per-IP limit counts. A client that hung up before its request reached the hooks
 * leaves `req.ip` undefined (Node forgets a destroyed socket's peer unless it was read while
 * connected — see rememberPeerAddresses); such requests share one fixed bucket rather than fail.
 */
function clientAddress(req: FastifyRequest): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'address-unknown';
}

/** Reads each connection's peer address once on connect; Node keeps it after the socket closes. */
function rememberPeerAddresses(app: FastifyInstance): void {
  app.server.on('connection', (socket: Socket) => void socket.remoteAddress);
}

export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    ...meRoutes(deps),
    ...sendRoutes(deps),
    ...eventRoutes(deps),
    ...campaignRoutes(deps),
    ...keyBackupRoutes(deps),
    ...approvalRoutes(deps),
    ...leaseRoutes(deps),
  ];
}

/**
 * The task-pane API under /api/v1, in its own encapsulated scope: security headers for JSON,
 * CORS for the add-in's origin only, JSON bodies only, per-IP then per-user rate limits, and a
 * bearer token checked before any body is read.
 */
export async function registerApi(app: FastifyInstance, options: ApiOptions): Promise<void> {
  await app.register(
    async (api) => {
      api.removeContentTypeParser('text/plain'); // JSON only: no CORS-"simple" bodies (ASVS 3.5.2)
      await api.register(helmet, {
        contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
        crossOriginResourcePolicy: { policy: 'same-origin' },
      });
      // No `credentials`: bearer tokens only, never cookies. Never reflects an unlisted origin.
      await api.register(cors, {
        origin: options.corsOrigins.length ? options.corsOrigins : false,
        methods: ['GET', 'PUT', 'POST', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type'],
        // A cross-origin pane can read how long to wait after a 429.
        exposedHeaders: ['retry-after'],
        maxAge: 600,
      });
      // Counted by the store: shared by every instance on PostgreSQL, and kept there only as
      // keyed hashes until the window ends (src/server/store/request-counts.ts).
      await api.register(rateLimit, {
        global: false,
        store: requestLimitStore(options.store, options.clock),
      });
      rememberPeerAddresses(api);

      const perIp = api.createRateLimit({
        max: options.limits.ipPerMinute,
        timeWindow: 60_000,
        keyGenerator: (req) => `ip:${clientAddress(req)}`,
      });
      const perUser = api.createRateLimit({
        max: options.limits.userPerMinute,
        timeWindow: 60_000,
        keyGenerator: (req) => `user:${req.principal?.tid}:${req.principal?.oid}`,
      });
      const enforce = async (limiter: typeof perIp, req: FastifyRequest) => {
        const result = await limiter(req);
        if (!result.isAllowed && result.isExceeded) {
          throw rateLimited(result.ttlInSeconds);
        }
      };

      const authenticate = requireUser(options.verify);
      api.addHook('onRequest', async (req) => {
        if (req.method === 'OPTIONS') return; // CORS preflight carries no token
        await enforce(perIp, req);
        await authenticate(req);
      });
      api.addHook('preHandler', async (req) => {
        if (req.principal) await enforce(perUser, req);
      });
      api.addHook('onSend', async (_req, reply) => {
        reply.header('cache-control', 'no-store');
      });

      for (const route of apiRoutes(options)) mountRoute(api, route);
    },
    { prefix: API_PREFIX },
  );
}
