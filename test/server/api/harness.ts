/**
 * Test harness for the backend: the real app (buildApp) on a real store — SQLite in a temp file or
 * PostgreSQL from test/support/postgres — with a ManualClock and a throwaway LocalIssuer as Entra.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { importJWK, type JWK } from 'jose';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { describe } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { LocalIssuer, type ApiTokenRequest } from '../../../src/emulator/identity/issuer';
import { buildApp, type AppDeps } from '../../../src/server/app';
import { localKeySource, type KeySource } from '../../../src/server/auth/key-source';
import { DEMO_API_CLIENT_ID, loadConfig, type Config } from '../../../src/server/config';
import { createLogger } from '../../../src/server/logging';
import { createStore } from '../../../src/server/store/create-store';
import type { Store } from '../../../src/server/store/store';
import { newSendId } from '../../../src/server/pixel/token';
import { postgresAvailable, postgresRequired, postgresSkipReason, usePostgres } from '../../support/postgres';

export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
export const PUBLIC_URL = 'http://127.0.0.1:3999';

export type StoreKind = 'sqlite' | 'postgres';

export interface Harness {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  issuer: LocalIssuer;
  config: Config;
  /** The SQLite file or PostgreSQL URL the store uses (for dump tests). */
  databaseTarget: string;
  /** A good API token for (tid, oid), with optional overrides for bad-token tests. */
  token(tid: string, oid: string, over?: Partial<ApiTokenRequest>): Promise<string>;
  /** The issuer's private key, to forge well-signed but wrong tokens. */
  signingKey(): Promise<CryptoKey>;
  /** Onboards a tenant whose contract runs until `contractEnd` (YYYY-MM-DD), default open-ended. */
  onboard(tid?: string, contractEndsAt?: number | null): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  logStream?: Writable;
  keys?: (issuer: LocalIssuer) => KeySource;
  deps?: Partial<AppDeps>;
}

/** Runs `fn` once per store: SQLite always, PostgreSQL when available (required in CI). */
export function describeStores(
  name: string,
  fn: (open: (options?: HarnessOptions) => Promise<Harness>, kind: StoreKind) => void,
) {
  describe(`${name} [sqlite]`, () => {
    fn((options) => openHarness('sqlite', '', options), 'sqlite');
  });
  const pgEnabled = postgresAvailable || postgresRequired;
  describe.skipIf(!pgEnabled)(`${name} [postgres]${pgEnabled ? '' : ` (${postgresSkipReason})`}`, () => {
    const pg = usePostgres();
    fn(async (options) => openHarness('postgres', await pg.newDatabase(), options), 'postgres');
  });
}

export async function openHarness(
  kind: StoreKind,
  pgUrl: string,
  options: HarnessOptions = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'candor-api-'));
  const databaseTarget = kind === 'postgres' ? pgUrl : join(dir, 'candor.sqlite');
  const store = await createStore(databaseTarget);
  await store.migrate();
  const clock = new ManualClock(T0);
  const config = loadConfig({
    CANDOR_MODE: 'demo',
    PUBLIC_URL,
    DATA_DIR: dir,
    LOG_LEVEL: options.logStream ? 'info' : 'silent',
    ...options.env,
  });
  const issuerKeyFile = join(dir, 'issuer-key.json');
  const issuer = await LocalIssuer.create({
    baseUrl: `${PUBLIC_URL}/emulator/identity`,
    clock,
    keyFile: issuerKeyFile,
  });
  const app = await buildApp(config, {
    store,
    clock,
    logger: createLogger(config.logLevel, options.logStream),
    keys: options.keys ? options.keys(issuer) : localKeySource(() => issuer.jwks()),
    pixel: { newSendId, pixelUrl: (id) => `${PUBLIC_URL}/o/test.${id}.gif` },
    ...options.deps,
  });
  await app.ready();
  return {
    app,
    store,
    clock,
    issuer,
    config,
    databaseTarget,
    async signingKey() {
      const stored = JSON.parse(readFileSync(issuerKeyFile, 'utf8')) as { privateJwk: JWK };
      return (await importJWK(stored.privateJwk, 'RS256')) as CryptoKey;
    },
    token: (tid, oid, over = {}) =>
      issuer.mintApiToken({ tid, oid, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID, ...over }),
    async onboard(tid = randomUUID(), contractEndsAt = null) {
      await store.upsertTenant({ tid, contractEndsAt }, clock.now());
      return tid;
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A syntactically valid uncompressed P-256 public key (a real one, so import succeeds). */
export async function publicKeyB64(): Promise<string> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  return Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
}

export const id128 = () => randomBytes(16).toString('base64url');

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}
