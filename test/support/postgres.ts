/**
 * A real PostgreSQL for backend tests.
 *
 * - DATABASE_URL_TEST set → that server is used (it must allow CREATE DATABASE).
 * - Otherwise a private cluster from the Debian `postgresql` binaries (see postgres-cluster.ts).
 * - CI=true → failing to get a server is a test failure, never a skip.
 *
 * Usage per test file: `const pg = usePostgres()` (registers beforeAll/afterAll), then
 * `await pg.newDatabase()` for an empty database URL. The default export is a vitest globalSetup
 * that starts one cluster for the whole run and shares it through DATABASE_URL_TEST.
 */
import { afterAll, beforeAll } from 'vitest';
import {
  createDatabase,
  postgresAvailable,
  postgresRequired,
  startCluster,
  type TestCluster,
} from './postgres-cluster';

export { postgresAvailable, postgresRequired, postgresSkipReason } from './postgres-cluster';

/** Registers beforeAll/afterAll for one test file; reuses DATABASE_URL_TEST when set. */
export function usePostgres(): { serverUrl: () => string; newDatabase: () => Promise<string> } {
  let cluster: TestCluster | null = null;
  let serverUrl = process.env.DATABASE_URL_TEST ?? '';
  beforeAll(async () => {
    if (serverUrl) return;
    if (!postgresAvailable && !postgresRequired) return;
    cluster = await startCluster();
    serverUrl = cluster.url;
  }, 120_000);
  afterAll(() => cluster?.stop());
  return {
    serverUrl: () => serverUrl,
    newDatabase: () => createDatabase(serverUrl),
  };
}

/** vitest globalSetup: one cluster for the whole run, shared through DATABASE_URL_TEST. */
export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.DATABASE_URL_TEST) return undefined;
  if (!postgresAvailable && !postgresRequired) return undefined;
  const cluster = await startCluster();
  process.env.DATABASE_URL_TEST = cluster.url;
  return () => cluster.stop();
}
