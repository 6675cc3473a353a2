import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../shared/clock';
import { buildOpenApi } from './api/openapi';
import { errorHandler } from './api/http-error';
import { API_BODY_LIMIT, apiRoutes, registerApi } from './api/register-api';
import type { ApiDeps } from './api/deps';
import type { KeySource } from './auth/key-source';
import { remoteKeySource } from './auth/key-source';
import { createTokenVerifier } from './auth/verify-token';
import type { Config } from './config';
import { createLogger } from './logging';
import { disconnectUser } from './retention/disconnect';
import type { Store } from './store/store';
import { registerPixelRoutes, type PixelRouteOptions } from './pixel/routes';
import { newSendId, type PixelKeyRing } from './pixel/token';

export interface AppDeps {
  store: Store;
  clock?: Clock;
  logger?: Logger;
  /** Token-signing keys; default: the configured JWKS URL (Entra in production). */
  keys?: KeySource;
  /**
   * Pixel HMAC keys: mounts the open pixel at /o/<token>.gif and mints the sends route's pixel URLs.
   * Tests of the API alone may pass `pixel` instead (no pixel route then).
   */
  pixelKeyRing?: PixelKeyRing;
  pixel?: ApiDeps['pixel'];
  /** Pixel intake tuning (group commit); defaults are the pixel module's. */
  pixelOptions?: Pick<PixelRouteOptions, 'groupCommit' | 'sealer'>;
  /** Demo only: the mailbox emulator and local identity issuer under /emulator. */
  registerEmulator?: (app: FastifyInstance) => Promise<void>;
  /** The built task pane (webpack output); not served when absent. */
  staticRoot?: string | null;
  /** The add-in manifest for this server's own origin, served at /manifest.xml (src/server/manifest-origin.ts). */
  manifestXml?: string | null;
  /** PEM certificate and key: serve HTTPS (config.tls, read by main). */
  https?: { cert: Buffer; key: Buffer } | null;
  /** office.js for the offline demo, served at /vendor/office.js when present. */
  officeJsFile?: string | null;
  version?: string;
}

/** Outlook hosts that frame the task pane (security.md §5.3; no canonical list exists). */
export const OUTLOOK_FRAME_ANCESTORS = [
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook.cloud.microsoft',
  'https://outlook.live.com',
  'https://*.officeapps.live.com',
  'https://*.outlook.com',
];

/**
 * Composes one complete deployment: health, OpenAPI, the API, the pixel, the task pane's static
 * files and, in demo mode, the emulator. Every outside system arrives through `deps`.
 */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    ...(deps.https ? { https: deps.https } : {}),
    loggerInstance: (deps.logger ?? createLogger(config.logLevel)) as FastifyBaseLogger,
    // Trust exactly N proxy hops for the client address; X-Forwarded-For beyond them is ignored.
    trustProxy: (_addr: string, hop: number) => hop < config.trustProxyHops,
    bodyLimit: API_BODY_LIMIT,
    return503OnClosing: true,
  });
  app.setErrorHandler(errorHandler);
  // Fastify's default 404 logs the requested URL, which can be a token or an address.
  app.setNotFoundHandler(async (_req, reply) => reply.code(404).send({ error: 'not-found' }));

  const store = deps.store;
  const verify = createTokenVerifier({
    auth: config.auth,
    keys: deps.keys ?? remoteKeySource(config.auth.jwksUrl),
    clock,
    access: (tid, oid) => store.getAccess(tid, oid),
  });
  const ring = deps.pixelKeyRing;
  const pixel = ring
    ? { newSendId, pixelUrl: (sendId: string) => `${config.pixelBaseUrl}/o/${ring.mint(sendId)}.gif` }
    : deps.pixel;
  if (!pixel) throw new Error('buildApp needs pixelKeyRing (or a pixel minting stand-in)');
  const apiDeps: ApiDeps = {
    store,
    clock,
    limits: config.limits,
    pixel,
    disconnect: (tid, oid) => disconnectUser(store, clock, tid, oid),
  };

  app.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  const openapi = buildOpenApi(apiRoutes(apiDeps), {
    version: deps.version ?? '0.0.0',
    serverUrl: config.publicUrl,
  });
  app.get('/openapi.json', async () => openapi);

  await registerApi(app, { ...apiDeps, verify, corsOrigins: config.corsOrigins });
  if (ring) {
    await registerPixelRoutes(app, {
      store,
      keyRing: ring,
      clock,
      trustProxy: config.trustProxyHops,
      ...deps.pixelOptions,
    });
  }
  if (deps.registerEmulator) await deps.registerEmulator(app);
  await registerPages(app, config, deps);
  return app;
}

/** The task pane, dialog and manifest, with the page CSP; and office.js for the offline demo. */
async function registerPages(app: FastifyInstance, config: Config, deps: AppDeps): Promise<void> {
  const root = deps.staticRoot && existsSync(deps.staticRoot) ? deps.staticRoot : null;
  const officeJs = deps.officeJsFile && existsSync(deps.officeJsFile) ? deps.officeJsFile : null;
  if (!root && !officeJs) return;
  const graph =
    config.mode === 'demo' ? [] : ['https://graph.microsoft.com', 'https://login.microsoftonline.com'];
  await app.register(async (pages) => {
    await pages.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        reportOnly: config.pageCspReportOnly,
        directives: {
          defaultSrc: ["'none'"],
          // Office.js must come from Microsoft's CDN in production; the demo serves a local copy.
          // 'wasm-unsafe-eval' lets the pane compile WebAssembly (Argon2id for key backups, #9); it
          // allows no JavaScript eval and no inline script.
          scriptSrc: ["'self'", "'wasm-unsafe-eval'", 'https://appsforoffice.microsoft.com'],
          // Fluent UI (Griffel) inserts style rules at runtime.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", ...graph],
          frameSrc: ["'self'", ...graph.filter((h) => h.includes('login'))],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'self'", ...OUTLOOK_FRAME_ANCESTORS],
        },
      },
      // Framing by Outlook is governed by frame-ancestors; X-Frame-Options would forbid it.
      frameguard: false,
      // same-origin COOP breaks MSAL's popup fallback (security.md §5.3).
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
      crossOriginEmbedderPolicy: false,
      permittedCrossDomainPolicies: false,
    });
    pages.addHook('onSend', async (_req, reply) => {
      reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    });
    if (deps.manifestXml) {
      const xml = deps.manifestXml;
      pages.get('/manifest.xml', async (_req, reply) =>
        reply.type('application/xml; charset=utf-8').send(xml),
      );
    }
    // Source maps are never served (the production build keeps them outside dist/ anyway).
    if (root)
      await pages.register(fastifyStatic, {
        root,
        index: ['taskpane.html'],
        allowedPath: (pathName) => !pathName.toLowerCase().endsWith('.map'),
      });
    if (officeJs) {
      // office.js loads its host-specific scripts from beside itself, so the folder is served.
      await pages.register(fastifyStatic, {
        root: dirname(officeJs),
        prefix: '/vendor/',
        decorateReply: false,
      });
    }
  });
}
