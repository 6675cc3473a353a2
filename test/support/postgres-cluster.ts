/**
 * A private PostgreSQL cluster for tests and benchmarks: initdb into a temp directory, listening on
 * 127.0.0.1 on a free port with its unix socket inside that directory; `stop()` shuts it down and
 * deletes the directory. As root, initdb/postgres run as the `postgres` OS user (PostgreSQL
 * refuses to run as root). No vitest imports, so bench scripts can use it too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const PG_ROOT = '/usr/lib/postgresql';

export interface TestCluster {
  url: string;
  stop(): void;
}

function findBinDir(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(PG_ROOT, versions[0], 'bin') : null;
}

/** True when tests can get a PostgreSQL (external URL or local binaries). */
export const postgresAvailable = Boolean(process.env.DATABASE_URL_TEST) || findBinDir() !== null;
/** In CI PostgreSQL tests must run; locally they skip (visibly) only when nothing is installed. */
export const postgresRequired = process.env.CI === 'true' || process.env.CI === '1';
export const postgresSkipReason =
  'PostgreSQL tests skipped: no DATABASE_URL_TEST and no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function runAsPostgres(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

/** Starts a private cluster; `stop()` shuts it down and deletes its directory. */
export async function startCluster(): Promise<TestCluster> {
  const bin = findBinDir();
  if (!bin) throw new Error(postgresSkipReason);
  const dir = mkdtempSync(join(tmpdir(), 'candor-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'pg.log');
  writeFileSync(log, '');
  if (process.getuid?.() === 0) {
    const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const pgGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, pgUid, pgGid);
    chownSync(log, pgUid, pgGid);
  }
  const port = await freePort();
  runAsPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-locale',
    '-E',
    'UTF8',
  ]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  runAsPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', opts, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    const asRoot = process.getuid?.() === 0;
    const ctl = join(bin, 'pg_ctl');
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    spawnSync(asRoot ? 'runuser' : ctl, asRoot ? ['-u', 'postgres', '--', ctl, ...args] : args, {
      stdio: 'ignore',
      timeout: 30_000,
    });
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies without afterAll must not leave a postgres behind.
  process.once('exit', stop);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

/** Creates an empty database on the server at `serverUrl` and returns its URL. */
export async function createDatabase(serverUrl: string): Promise<string> {
  const name = `candor_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
