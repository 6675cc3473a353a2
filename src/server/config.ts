import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The backend's whole configuration, read once from the environment and validated. Every variable
 * is documented in docs/backend.md; an invalid value stops the process at start rather than at the
 * first request that needs it.
 */

/** Demo-mode identities: fixed so the demo task pane, the local issuer and the API agree. */
export const DEMO_API_CLIENT_ID = 'c0ffee00-0000-4000-8000-00000000c4d0';
export const DEMO_TENANT_ID = 'd3e0d3e0-0000-4000-8000-000000000001';
export const DEMO_CONTRACT_END = '2099-12-31';
/** The demo user `npm run token` mints for by default. */
export const DEMO_USER_OID = 'd3e0d3e0-0000-4000-8000-0000000000a1';

export const ENTRA_ISSUER_TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
export const ENTRA_JWKS_URL = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';

/** The promise is "all tenant data deleted within 60 days of contract end": grace can never exceed it. */
export const MAX_PURGE_GRACE_DAYS = 60;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000, 0, 65535),
  PUBLIC_URL: z.url().optional(),
  /** PEM certificate and key: the server itself speaks HTTPS (npm run start:https sets them). */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  PIXEL_BASE_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL (omit it for embedded SQLite)')
    .optional(),
  CANDOR_MODE: z.enum(['demo', 'entra']).optional(),
  ENTRA_API_CLIENT_ID: z
    .string()
    .regex(GUID, 'must be the API app registration client id (a GUID)')
    .optional(),
  ENTRA_ADDIN_CLIENT_IDS: csv.pipe(z.array(z.string().regex(GUID, 'each add-in client id must be a GUID'))),
  ENTRA_ISSUER_TEMPLATE: z.string().includes('{tenantid}').default(ENTRA_ISSUER_TEMPLATE),
  ENTRA_JWKS_URL: z.url().default(ENTRA_JWKS_URL),
  CORS_ORIGINS: csv.pipe(z.array(z.url())),
  TRUST_PROXY_HOPS: int(0, 0, 10),
  PURGE_GRACE_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(
      MAX_PURGE_GRACE_DAYS,
      `PURGE_GRACE_DAYS above ${MAX_PURGE_GRACE_DAYS} would break the deletion promise`,
    )
    .default(30),
  PURGE_INTERVAL_MINUTES: int(60, 1, 24 * 60),
  PURGE_BATCH_SIZE: int(500, 1, 100_000),
  RATE_LIMIT_USER_PER_MINUTE: int(600, 1, 1_000_000),
  RATE_LIMIT_IP_PER_MINUTE: int(1200, 1, 1_000_000),
  MAX_SENDS_PER_BATCH: int(500, 1, 10_000),
  /** Exchange Online's recipient rate limit: 10,000 recipients per user in any 24 hours. */
  MAX_SENDS_PER_DAY: int(10_000, 1, 1_000_000),
  MAX_STATE_BYTES: int(1024 * 1024, 1024, 16 * 1024 * 1024),
  PIXEL_KEYS: z.string().optional(),
  PIXEL_KEY_CURRENT: z.string().optional(),
  PAGE_CSP_REPORT_ONLY: z.enum(['0', '1', 'true', 'false']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Demo only: the emulator's clock (and the demo pane's send clock) runs this many times faster. Up to
   * 100,000 so a sequence with business-day delays plays out in seconds (20,000×: a day in about 4 s);
   * tokens and the send lease stay on real time.
   */
  CANDOR_DEMO_CLOCK_FACTOR: int(1, 1, 100_000),
  /**
   * Demo only: the send lease's length the demo pane asks for (15–600 s; unset: the pane's 60 s),
   * so a device takes over a crashed one's send sooner in end-to-end tests.
   */
  CANDOR_DEMO_LEASE_SECONDS: z.coerce.number().int().min(15).max(600).optional(),
});

export interface AuthConfig {
  /** `aud` of accepted tokens: the API registration's client id (Entra v2 tokens always carry the GUID). */
  apiClientId: string;
  /** Accepted `azp` values: the add-in's client id(s). */
  addinClientIds: string[];
  /** Expected `iss`, with `{tenantid}` standing for the token's `tid`. */
  issuerTemplate: string;
  jwksUrl: string;
}

export interface Config {
  mode: 'demo' | 'entra';
  host: string;
  port: number;
  /** Origin the task pane and API are served from, e.g. `https://app.example.com`. */
  publicUrl: string;
  /** PEM files when the server terminates TLS itself; null behind a TLS proxy or for plain HTTP. */
  tls: { certFile: string; keyFile: string } | null;
  /** Origin pixel URLs point to (ideally a separate host, security.md §2.3). */
  pixelBaseUrl: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  auth: AuthConfig;
  corsOrigins: string[];
  /** Send the task pane's CSP as Report-Only (for checking a new Outlook host before enforcing). */
  pageCspReportOnly: boolean;
  trustProxyHops: number;
  retention: { graceDays: number; intervalMinutes: number; batchSize: number };
  limits: {
    userPerMinute: number;
    ipPerMinute: number;
    maxSendsPerBatch: number;
    /** Sends one user may register in any rolling 24 hours (enforced by the store). */
    maxSendsPerDay: number;
    maxStateBytes: number;
  };
  /** Pixel HMAC keys (`kid:base64url,…`); unset = a dev key generated into dataDir. Never logged. */
  pixelKeys: { keys?: string; currentKid?: string };
  logLevel: string;
  /** Demo only: simulated-time factor for the mailbox emulator and the demo pane's sending (1 = real time). */
  demoClockFactor: number;
  /** CANDOR_DEMO_LEASE_SECONDS (demo only), null when unset. */
  demoLeaseSeconds: number | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses and validates the environment. Throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const mode = e.CANDOR_MODE ?? (e.ENTRA_API_CLIENT_ID ? 'entra' : 'demo');
  if (!!e.TLS_CERT_FILE !== !!e.TLS_KEY_FILE)
    throw new ConfigError('Set both TLS_CERT_FILE and TLS_KEY_FILE (PEM files), or neither');
  const tls =
    e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : null;
  // Over HTTPS on loopback the origin is https://localhost:<port>: the name localhost certificates
  // (office-addin-dev-certs, mkcert) are issued for, and the one Outlook trusts for sideloading.
  const defaultUrl = tls
    ? `https://${LOOPBACK.has(e.HOST) ? 'localhost' : urlHost(e.HOST)}:${e.PORT}`
    : `http://${urlHost(e.HOST)}:${e.PORT}`;
  const publicUrl = stripSlash(e.PUBLIC_URL ?? defaultUrl);

  let auth: AuthConfig;
  if (mode === 'entra') {
    if (!e.ENTRA_API_CLIENT_ID) throw new ConfigError('CANDOR_MODE=entra needs ENTRA_API_CLIENT_ID');
    if (e.CANDOR_DEMO_CLOCK_FACTOR !== 1)
      throw new ConfigError('CANDOR_DEMO_CLOCK_FACTOR is a demo-mode setting; unset it with Entra');
    if (e.CANDOR_DEMO_LEASE_SECONDS !== undefined)
      throw new ConfigError('CANDOR_DEMO_LEASE_SECONDS is a demo-mode setting; unset it with Entra');
    if (new URL(e.ENTRA_JWKS_URL).protocol !== 'https:')
      throw new ConfigError('ENTRA_JWKS_URL must be https');
    auth = {
      apiClientId: e.ENTRA_API_CLIENT_ID.toLowerCase(),
      addinClientIds: e.ENTRA_ADDIN_CLIENT_IDS.length
        ? e.ENTRA_ADDIN_CLIENT_IDS.map((x) => x.toLowerCase())
        : [e.ENTRA_API_CLIENT_ID.toLowerCase()],
      issuerTemplate: e.ENTRA_ISSUER_TEMPLATE,
      jwksUrl: e.ENTRA_JWKS_URL,
    };
  } else {
    // Demo mode hands out tokens to anyone who asks: never on a reachable interface.
    if (!LOOPBACK.has(e.HOST)) {
      throw new ConfigError(
        `demo mode only listens on loopback (HOST=${e.HOST}); configure Entra to serve others`,
      );
    }
    // Demo: the in-process local issuer signs tokens; its issuer and JWKS live under our own origin.
    const base = `${publicUrl}/emulator/identity`;
    auth = {
      apiClientId: DEMO_API_CLIENT_ID,
      addinClientIds: [DEMO_API_CLIENT_ID],
      issuerTemplate: `${base}/{tenantid}/v2.0`,
      jwksUrl: `${base}/discovery/v2.0/keys`,
    };
  }

  const dataDir = resolve(e.DATA_DIR);
  return {
    mode,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    tls: tls && { certFile: resolve(tls.certFile), keyFile: resolve(tls.keyFile) },
    pixelBaseUrl: stripSlash(e.PIXEL_BASE_URL ?? publicUrl),
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: resolve(dataDir, 'candor.sqlite') },
    auth,
    corsOrigins: e.CORS_ORIGINS.map((o) => new URL(o).origin),
    pageCspReportOnly: e.PAGE_CSP_REPORT_ONLY === '1' || e.PAGE_CSP_REPORT_ONLY === 'true',
    trustProxyHops: e.TRUST_PROXY_HOPS,
    retention: {
      graceDays: e.PURGE_GRACE_DAYS,
      intervalMinutes: e.PURGE_INTERVAL_MINUTES,
      batchSize: e.PURGE_BATCH_SIZE,
    },
    limits: {
      userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
      ipPerMinute: e.RATE_LIMIT_IP_PER_MINUTE,
      maxSendsPerBatch: e.MAX_SENDS_PER_BATCH,
      maxSendsPerDay: e.MAX_SENDS_PER_DAY,
      maxStateBytes: e.MAX_STATE_BYTES,
    },
    pixelKeys: { keys: e.PIXEL_KEYS, currentKid: e.PIXEL_KEY_CURRENT },
    logLevel: e.LOG_LEVEL,
    demoClockFactor: e.CANDOR_DEMO_CLOCK_FACTOR,
    demoLeaseSeconds: e.CANDOR_DEMO_LEASE_SECONDS ?? null,
  };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
