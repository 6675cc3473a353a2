/**
 * npm run bench:pixel — the open pixel against a reference measured in the same run.
 *
 * 1. Sealing cost per event, with and without amortising the ECDH (in-process).
 * 2. nginx `empty_gif`, one worker: the ceiling for "serve a 43-byte GIF" on this machine.
 * 3. Candor's pixel, full path (token check, lookup, verdict, HPKE sealing, group commit, 200
 *    only after COMMIT) on SQLite synchronous=FULL, SQLite NORMAL and PostgreSQL.
 *
 * 4. The naive peer (bench/pixel-peer.ts): plain node:http, one durable plaintext INSERT per open,
 *    on SQLite (WAL, synchronous=FULL) and on PostgreSQL.
 *
 * wrk drives every target with the same settings and the same Lua script over 2,000 different
 * valid tokens of 50 users, or (targets ending in -10k) 20,000 tokens of 10,000 users in an order
 * where a user comes back only every 10,000 requests (longer than the lookup cache trusts a user's
 * state), and with every open starting its own sealing group (SEAL_EPOCH_MS=0): what opens spread
 * over days cost in production. The table shows groups started and lookups made per open.
 * Printed: req/s, p50/p99, ratio to nginx, the headline "server CPU µs per acknowledged open"
 * (CPU of the server process, all its threads, per 200 whose event is committed; for PostgreSQL
 * targets the database's processes are shown beside it) and the same split by thread (event loop,
 * busiest other thread — SQLite's event writer — and the rest), events per batch handed to the
 * store, 200s seen by wrk vs rows stored, Candor ÷
 * peer, and — with BUSY=both — every target again beside a CPU hog pinned to one core, with
 * busy÷quiet ratios. No pass/fail on absolute numbers; everything listens on 127.0.0.1 and is
 * stopped at the end. PROF=<dir> writes a V8 CPU profile of each Candor/peer server's main thread
 * there, covering the measured run only (bench/cpu-profile-summary.ts summarises one).
 *
 * Env: DUR (default 10s), CONNS (50), THREADS (2), WARMUP (2s), SEAL_N (2000), TARGETS (comma list
 * of fastify-bare, stage-token, stage-lookup, stage-seal, sqlite-full, sqlite-full-inline,
 * sqlite-normal, sqlite-full-no-secure-delete, postgres, sqlite-full-10k, postgres-10k, peer-sqlite,
 * peer-postgres), BUSY (quiet|busy|both, default both). `fastify-bare` serves the same GIF from a Fastify route without any
 * intake: the floor. The `stage-*` targets run the intake cut short after each step
 * (bench/pixel-stages.ts), so the report can say what each step costs. `sqlite-full-inline`
 * commits on the event loop instead of the writer thread.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { systemClock } from '../src/shared/clock';
import { createStore } from '../src/server/store/create-store';
import type { Store, UserKey } from '../src/server/store/store';
import { EventSealer } from '../src/server/pixel/seal';
import { newSendId, PixelKeyRing } from '../src/server/pixel/token';
import { parsePixelKeys } from '../src/server/pixel/key-file';
import { createDatabase, startCluster, type TestCluster } from '../test/support/postgres-cluster';

const env = process.env;
const DUR = env.DUR ?? '10s';
const CONNS = Number(env.CONNS ?? 50);
const THREADS = Number(env.THREADS ?? 2);
const WARMUP = env.WARMUP ?? '2s';
const TARGETS = (
  env.TARGETS ??
  'fastify-bare,stage-token,stage-lookup,stage-seal,sqlite-full,sqlite-full-10k,postgres,postgres-10k,peer-sqlite,peer-postgres'
)
  .split(',')
  .filter(Boolean);
const MODES: Mode[] = env.BUSY === 'busy' ? ['busy'] : env.BUSY === 'quiet' ? ['quiet'] : ['quiet', 'busy'];
const SEAL_N = Number(env.SEAL_N ?? 2000);
const PROF = env.PROF ?? '';
const FEW = { users: 50, sendsPerUser: 40 };
const SPREAD = { users: 10_000, sendsPerUser: 2 };
const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0';

type Mode = 'quiet' | 'busy';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children = new Set<ChildProcess>();
let cluster: TestCluster | null = null;
const work = mkdtempSync(join(tmpdir(), 'candor-bench-'));
chmodSync(work, 0o755); // nginx workers drop privileges and must reach their temp paths

function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

interface WrkResult {
  rps: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  p50: number;
  p99: number;
}

function toMs(s: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(s ?? '');
  if (!m) return NaN;
  return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2] as string]!;
}

function wrk(url: string, duration: string, script: string): WrkResult {
  const args = [
    `-t${THREADS}`,
    `-c${CONNS}`,
    `-d${duration}`,
    '--timeout',
    '5s',
    '--latency',
    '-H',
    `User-Agent: ${UA}`,
    '-s',
    script,
  ];
  const r = spawnSync('wrk', [...args, url], { encoding: 'utf8', timeout: 120_000 });
  const out = r.stdout ?? '';
  const g = (re: RegExp) => re.exec(out)?.[1];
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(g(/Requests\/sec:\s+([\d.]+)/) ?? 0),
    requests: Number(g(/(\d+) requests in/) ?? 0),
    non2xx: Number(g(/Non-2xx or 3xx responses: (\d+)/) ?? 0),
    socketErrors: se ? se.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    p50: toMs(g(/\s50%\s+(\S+)/)),
    p99: toMs(g(/\s99%\s+(\S+)/)),
  };
}

function procTable(): Map<number, { ppid: number; ticks: number }> {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  return procs;
}

/** CPU seconds (user + system, every thread) used so far by a process and its children. */
function treeCpuSeconds(rootPid: number): number {
  const procs = procTable();
  const tree = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of procs) {
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of tree) ticks += procs.get(pid)?.ticks ?? 0;
  return ticks / 100; // USER_HZ
}

/** The private cluster's postmaster (its command line names the cluster's port). */
function postmasterPid(url: string): number | null {
  const port = new URL(url).port;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('/postgres') && cmd.includes(`-p`) && cmd[cmd.indexOf('-p') + 1] === port)
        return Number(d);
      if (cmd[0]?.endsWith('/postgres') && cmd.join(' ').includes(`-p ${port} `)) return Number(d);
    } catch {
      // gone
    }
  }
  return null;
}

/** CPU ticks (user + system) of each thread of one process, by thread id. */
function threadTicks(pid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks.set(Number(t), Number(f[11]) + Number(f[12]));
      } catch {
        // the thread ended while we looked
      }
    }
  } catch {
    // the process ended
  }
  return ticks;
}

interface Measured extends WrkResult {
  /** Server process CPU µs per 200 (all of its threads). */
  cpuUs: number;
  /**
   * The same split by thread: the main thread (event loop), the busiest other thread (for Candor
   * on SQLite, the event writer) and every other thread together (V8's GC and compiler helpers,
   * libuv's pool).
   */
  threads: { mainUs: number; busiestOtherUs: number; restUs: number };
  /** The database's own processes (PostgreSQL), µs per 200; 0 for in-process SQLite. */
  dbCpuUs: number;
}

function measured(pid: number, dbPid: number | null, run: () => WrkResult): Measured {
  const c0 = treeCpuSeconds(pid);
  const d0 = dbPid ? treeCpuSeconds(dbPid) : 0;
  const t0 = threadTicks(pid);
  const r = run();
  const t1 = threadTicks(pid);
  const ok = Math.max(1, r.requests - r.non2xx);
  const perOpen = (ticks: number) => (ticks * 1e4) / ok; // ticks are 10 ms
  const used = [...t1].map(([tid, t]) => [tid, t - (t0.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== pid).map(([, t]) => t);
  const busiest = Math.max(0, ...others);
  const rest = others.reduce((a, b) => a + b, 0) - busiest;
  return {
    ...r,
    threads: { mainUs: perOpen(main), busiestOtherUs: perOpen(busiest), restUs: perOpen(rest) },
    cpuUs: ((treeCpuSeconds(pid) - c0) * 1e6) / ok,
    dbCpuUs: dbPid ? ((treeCpuSeconds(dbPid) - d0) * 1e6) / ok : 0,
  };
}

function waitHttp(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const tryOnce = () => {
      const req = get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', () =>
        Date.now() > deadline ? reject(new Error(`nothing on ${port}`)) : setTimeout(tryOnce, 100),
      );
    };
    tryOnce();
  });
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A CPU hog pinned to core 0 (busy runs): the "shared, busy machine" of issue #11. */
function startHog(): ChildProcess {
  const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset']).status === 0;
  const argv = [process.execPath, '-e', 'for(;;){}'];
  const child = hasTaskset
    ? spawn('taskset', ['-c', '0', ...argv], { stdio: 'ignore' })
    : spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
  children.add(child);
  return child;
}

async function stopHog(hog: ChildProcess | null): Promise<void> {
  if (!hog || hog.exitCode !== null || hog.signalCode !== null) return;
  hog.kill('SIGKILL');
  await new Promise((r) => hog.once('exit', r));
}

async function sealingCost(): Promise<{ amortisedUs: number; perEventEcdhUs: number }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const key: UserKey = {
    keyId: 'b',
    key: { format: 'raw', raw: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) },
    updatedAt: 1,
  };
  // Ids are made before timing: only sealing is measured.
  const ids = Array.from({ length: SEAL_N }, () => ({
    tid: 't',
    oid: 'o',
    sendId: newSendId(),
    eventId: newSendId(),
  }));
  const plain = { ip: '203.0.113.1', at: 1, verdict: 'human' as const };
  const run = async (epochMs: number) => {
    const sealer = new EventSealer({ clock: systemClock, epochMs });
    for (let i = 0; i < 200; i++) await sealer.seal(key, ids[i] as (typeof ids)[number], plain);
    const t0 = performance.now();
    for (const id of ids) await sealer.seal(key, id, plain);
    return ((performance.now() - t0) * 1000) / SEAL_N;
  };
  return { amortisedUs: await run(60_000), perEventEcdhUs: await run(0) };
}

/**
 * Users with keys and sends. Paths are ordered send-major (every user's first send, then every
 * user's second…), so a user's next open comes `users` requests later.
 */
async function seed(
  store: Store,
  ring: PixelKeyRing,
  shape: { users: number; sendsPerUser: number },
): Promise<{ tid: string; paths: string[] }> {
  await store.migrate();
  const tid = randomUUID();
  const now = Date.now() - 3_600_000;
  await store.upsertTenant({ tid, contractEndsAt: null }, now);
  const perUser: string[][] = [];
  const one = async () => {
    const oid = randomUUID();
    const ecdh = createECDH('prime256v1');
    const raw = new Uint8Array(ecdh.generateKeys());
    await store.setUserKey(tid, oid, { keyId: 'k', key: { format: 'raw', raw } }, now);
    const sends = Array.from({ length: shape.sendsPerUser }, () => ({
      sendId: newSendId(),
      trackOpens: true,
    }));
    await store.registerSends(tid, oid, 'bench', sends, now);
    perUser.push(sends.map((s) => `/o/${ring.mint(s.sendId)}.gif`));
  };
  for (let u = 0; u < shape.users; u += 16) {
    await Promise.all(Array.from({ length: Math.min(16, shape.users - u) }, one));
  }
  const paths: string[] = [];
  for (let j = 0; j < shape.sendsPerUser; j++) for (const sends of perUser) paths.push(sends[j] as string);
  return { tid, paths };
}

function wrkScript(name: string, paths: string[]): string {
  const file = join(work, `${name}.lua`);
  const list = paths.map((p) => `"${p}"`).join(',\n');
  writeFileSync(
    file,
    `local paths = {\n${list}\n}\nlocal i = math.random(#paths)\n` +
      `request = function()\n  i = (i % #paths) + 1\n  return wrk.format("GET", paths[i])\nend\n`,
  );
  return file;
}

const TARGET_NAMES: Record<string, string> = {
  postgres: 'PostgreSQL',
  'postgres-10k': 'PostgreSQL, 10,000 users',
  'sqlite-full': 'SQLite FULL',
  'sqlite-full-10k': 'SQLite FULL, 10,000 users',
  'sqlite-normal': 'SQLite NORMAL',
  'sqlite-full-inline': 'SQLite FULL, commit on the event loop (no writer thread)',
  'sqlite-full-no-secure-delete': 'SQLite FULL without secure_delete (its cost)',
};

/** The intake cut short after each step (bench/pixel-stages.ts), then the full path. */
const STAGE_NAMES: Record<string, string> = {
  'stage-token': 'step 1: + token check (HMAC) — nothing stored',
  'stage-lookup': 'step 2: + send lookup — nothing stored',
  'stage-seal': 'step 3: + verdict and sealing — nothing stored',
};
const STEP_ORDER = ['fastify-bare', 'stage-token', 'stage-lookup', 'stage-seal', 'sqlite-full'];

interface Row {
  key: string;
  mode: Mode;
  target: string;
  wrk: Measured;
  rowsDuringRun?: number;
  recorded?: number;
  /** Sealing groups started and database lookups made, per recorded open (whole server life). */
  groupsPerOpen?: number;
  lookupsPerOpen?: number;
  /** Events per batch the group-commit writer handed to the store (whole server life). */
  rowsPerFlush?: number;
  totalRows?: number;
  wrkOkTotal?: number;
}

async function runNginx(script: string, mode: Mode): Promise<Row> {
  const dir = join(work, `nginx-${mode}`);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;\nmaster_process on;\nworker_processes 1;\npid ${dir}/logs/nginx.pid;\nerror_log ${dir}/logs/error.log warn;\n` +
      `events { worker_connections 4096; }\nhttp {\n  access_log off;\n  keepalive_requests 100000000;\n` +
      ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
        .map((t) => `  ${t}_temp_path ${dir}/tmp_${t};\n`)
        .join('') +
      `  server {\n    listen 127.0.0.1:${port};\n    location /o/ {\n      empty_gif;\n` +
      `      add_header Cache-Control "no-store, no-cache, must-revalidate, max-age=0";\n    }\n  }\n}\n`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', conf], { stdio: 'ignore' });
  children.add(child);
  const hog = mode === 'busy' ? startHog() : null;
  try {
    await waitHttp(port, '/o/x.gif');
    // The same wrk script as Candor's runs: the load generator spends the same per request.
    const base = `http://127.0.0.1:${port}/`;
    wrk(base, WARMUP, script);
    return {
      key: 'nginx',
      mode,
      target: 'nginx empty_gif, 1 worker',
      wrk: measured(child.pid as number, null, () => wrk(base, DUR, script)),
    };
  } finally {
    await stopHog(hog);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function newDb(name: string, postgres: boolean): Promise<string> {
  if (!postgres) return join(work, `${name}.sqlite`);
  cluster ??= await startCluster();
  return createDatabase(cluster.url);
}

/** Rows the peer stored (its own table, counted with a connection of the bench's). */
async function peerRows(db: string): Promise<number> {
  if (db.startsWith('postgres')) {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      const r = await c.query('SELECT count(*)::int AS n FROM peer_opens');
      return Number(r.rows[0]?.n ?? 0);
    } finally {
      await c.end();
    }
  }
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT count(*) AS n FROM peer_opens').get() as { n: number }).n;
  } finally {
    d.close();
  }
}

async function runServer(
  target: string,
  mode: Mode,
  pixelKeys: string,
  ring: PixelKeyRing,
  seeds: Map<string, { paths: string[]; script: string }>,
): Promise<Row> {
  const peer = target.startsWith('peer-');
  const spread = target.endsWith('-10k');
  const base = target.replace(/-10k$/, '');
  const postgres = base === 'postgres' || target === 'peer-postgres';
  const db = await newDb(`${target}-${mode}`, postgres);
  const seedStore = peer ? null : await createStore(db, { sqliteSynchronous: 'NORMAL' });
  let paths: string[];
  let tid = '';
  let script: string;
  if (seedStore) {
    const seeded = await seed(seedStore, ring, spread ? SPREAD : FEW);
    paths = seeded.paths;
    tid = seeded.tid;
    script = wrkScript(`${target}-${mode}`, paths);
  } else {
    // The peer gets the very tokens (and wrk script) of the 50-user Candor target.
    const few = seeds.get('few');
    if (!few) throw new Error('peer targets need a Candor target run first');
    ({ paths, script } = few);
  }
  if (!spread && seedStore && !seeds.has('few')) seeds.set('few', { paths, script });
  const count = async () => (seedStore ? (await seedStore.countTenantRows(tid)).events : peerRows(db));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', peer ? 'bench/pixel-peer.ts' : 'bench/pixel-server.ts'],
    {
      env: {
        ...env,
        PORT: String(port),
        DB: db,
        SQLITE_SYNC: target === 'sqlite-normal' ? 'NORMAL' : 'FULL',
        SQLITE_WRITER: target === 'sqlite-full-inline' ? 'inline' : 'thread',
        SQLITE_SECURE_DELETE: target === 'sqlite-full-no-secure-delete' ? 'OFF' : 'ON',
        BARE: target === 'fastify-bare' ? '1' : '',
        STAGE: target.startsWith('stage-') ? target.slice('stage-'.length) : '',
        PIXEL_KEYS: pixelKeys,
        // 10,000 users: every open starts its own sealing group, as opens spread over days do.
        SEAL_EPOCH_MS: spread ? '0' : '',
        PROF_FILE: PROF ? join(PROF, `${target}-${mode}.cpuprofile`) : '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  let stdout = '';
  child.stdout?.on('data', (d) => (stdout += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const hog = mode === 'busy' ? startHog() : null;
  try {
    await waitHttp(port, '/o/x.gif');
    const url = `http://127.0.0.1:${port}/`;
    const warm = wrk(url, WARMUP, script);
    const before = await count();
    const dbPid = postgres && cluster ? postmasterPid(cluster.url) : null;
    if (PROF) child.kill('SIGUSR2'); // profile the measured run only (bench/profile-on-signal.ts)
    const res = measured(child.pid as number, dbPid, () => wrk(url, DUR, script));
    await stopHog(hog);
    await sleep(500);
    const during = (await count()) - before;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    const final = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      counters?: { recorded: number };
      groupsStarted?: number;
      lookups?: number;
      writer?: { committed: number; flushes: number };
    };
    const row = { key: target, mode, wrk: res };
    if (target === 'fastify-bare') return { ...row, target: 'Fastify 5 route, same GIF, no intake (floor)' };
    if (target.startsWith('stage-')) return { ...row, target: STAGE_NAMES[target] ?? target };
    return {
      ...row,
      target: peer
        ? `naive peer: node:http, one plaintext INSERT per open, ${postgres ? 'PostgreSQL' : 'SQLite FULL'}`
        : `Candor pixel, ${TARGET_NAMES[target] ?? target}`,
      rowsDuringRun: during,
      recorded: final.counters?.recorded,
      groupsPerOpen:
        final.groupsStarted === undefined
          ? undefined
          : final.groupsStarted / Math.max(1, final.counters?.recorded ?? 0),
      lookupsPerOpen:
        final.lookups === undefined ? undefined : final.lookups / Math.max(1, final.counters?.recorded ?? 0),
      rowsPerFlush: final.writer ? final.writer.committed / Math.max(1, final.writer.flushes) : undefined,
      totalRows: await count(),
      wrkOkTotal: warm.requests - warm.non2xx + res.requests - res.non2xx,
    };
  } finally {
    await stopHog(hog);
    if (child.exitCode === null) child.kill('SIGKILL');
    await seedStore?.close();
  }
}

function loadNote(): string {
  const [one] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `load average ${one} on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs`;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const totalCpu = (r: Row) => r.wrk.cpuUs + r.wrk.dbCpuUs;

function printMode(rows: Row[], mode: Mode): void {
  const nginx = rows.find((r) => r.key === 'nginx' && r.mode === mode);
  const mine = rows.filter((r) => r.mode === mode);
  if (!nginx || mine.length === 0) return;
  console.log(`\n### ${mode === 'quiet' ? 'Without' : 'With'} the CPU hog (${mode})\n`);
  console.log(
    '| target | req/s | ÷ nginx | p50 ms | p99 ms | **CPU µs per acknowledged open** (server) | + database processes | server CPU ÷ nginx CPU | groups / open | lookups / open | non-2xx | socket errors | 200s (run) | rows added (run) | rows total = server 200s | lost |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of mine) {
    const ok = r.wrk.requests - r.wrk.non2xx;
    const lost =
      r.totalRows === undefined || r.wrkOkTotal === undefined
        ? '–'
        : String(Math.max(0, r.wrkOkTotal - r.totalRows));
    console.log(
      `| ${r.target} | ${Math.round(r.wrk.rps)} | ${f2(r.wrk.rps / nginx.wrk.rps)} | ${f2(r.wrk.p50)} | ${f2(r.wrk.p99)} | ${f1(r.wrk.cpuUs)} | ${r.wrk.dbCpuUs ? f1(r.wrk.dbCpuUs) : '–'} | ${f2(r.wrk.cpuUs / nginx.wrk.cpuUs)} | ${r.groupsPerOpen === undefined ? '–' : f2(r.groupsPerOpen)} | ${r.lookupsPerOpen === undefined ? '–' : f2(r.lookupsPerOpen)} | ${r.wrk.non2xx} | ${r.wrk.socketErrors} | ${ok} | ${r.rowsDuringRun ?? '–'} | ${r.totalRows === undefined ? '–' : `${r.totalRows} = ${r.recorded}`} | ${lost} |`,
    );
  }
  const by = (k: string) => mine.find((r) => r.key === k);
  const pairs: [string, string][] = [
    ['sqlite-full', 'peer-sqlite'],
    ['sqlite-full-10k', 'peer-sqlite'],
    ['postgres', 'peer-postgres'],
    ['postgres-10k', 'peer-postgres'],
  ];
  const lines = pairs
    .map(([c, p]) => [by(c), by(p)] as const)
    .filter((x): x is readonly [Row, Row] => x[0] !== undefined && x[1] !== undefined)
    .map(
      ([c, p]) =>
        `  ${c.key} ÷ ${p.key}: ${f2(c.wrk.rps / p.wrk.rps)}× req/s; CPU per open ${f2(totalCpu(c) / totalCpu(p))}× (server + database)`,
    );
  if (lines.length) console.log(`\nCandor ÷ naive peer (${mode}):\n${lines.join('\n')}`);
  const sq = by('sqlite-full');
  const pgr = by('postgres');
  if (sq && pgr) console.log(`  PostgreSQL ÷ SQLite full path: ${f2(pgr.wrk.rps / sq.wrk.rps)}× req/s`);

  const steps = STEP_ORDER.map((k) => by(k)).filter((r): r is Row => r !== undefined);
  if (steps.length > 1) {
    console.log(`\nWhere the server CPU goes (µs per 200; nginx: ${f1(nginx.wrk.cpuUs)}):`);
    steps.forEach((r, i) => {
      const prev = steps[i - 1];
      const added = prev ? ` (+${f1(r.wrk.cpuUs - prev.wrk.cpuUs)})` : '';
      console.log(`  ${r.target}: ${f1(r.wrk.cpuUs)}${added}`);
    });
  }
  console.log('\nBy thread (µs per 200: main thread / busiest other thread / all other threads):');
  for (const r of mine.filter((x) => x.key !== 'nginx')) {
    const t = r.wrk.threads;
    const batches =
      r.rowsPerFlush === undefined ? '' : `; ${f1(r.rowsPerFlush)} events per batch handed to the store`;
    console.log(`  ${r.target}: ${f1(t.mainUs)} / ${f1(t.busiestOtherUs)} / ${f1(t.restUs)}${batches}`);
  }
}

function printBusyRatios(rows: Row[]): void {
  const quiet = rows.filter((r) => r.mode === 'quiet');
  const busy = rows.filter((r) => r.mode === 'busy');
  if (!quiet.length || !busy.length) return;
  const nq = quiet.find((r) => r.key === 'nginx');
  const nb = busy.find((r) => r.key === 'nginx');
  if (!nq || !nb) return;
  console.log('\n### Busy ÷ quiet\n');
  console.log('| target | req/s busy÷quiet | CPU µs per open busy÷quiet | (CPU ÷ nginx CPU) busy÷quiet |');
  console.log('|---|---|---|---|');
  for (const q of quiet) {
    const b = busy.find((r) => r.key === q.key);
    if (!b) continue;
    const ratioQ = q.wrk.cpuUs / nq.wrk.cpuUs;
    const ratioB = b.wrk.cpuUs / nb.wrk.cpuUs;
    console.log(
      `| ${q.target} | ${f2(b.wrk.rps / q.wrk.rps)} | ${f2(b.wrk.cpuUs / q.wrk.cpuUs)} | ${q.key === 'nginx' ? '1.00' : f2(ratioB / ratioQ)} |`,
    );
  }
}

async function main() {
  for (const bin of ['wrk', 'nginx']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
      console.error(`bench:pixel needs ${bin} (apt-get install -y wrk nginx-light)`);
      process.exit(1);
    }
  }
  if (PROF) mkdirSync(PROF, { recursive: true });
  const pixelKeys = `b1:${randomBytes(32).toString('base64url')}`;
  const ring = new PixelKeyRing(parsePixelKeys(pixelKeys), 'b1');
  const loadAtStart = loadNote();

  const seal = await sealingCost();
  console.log(
    `sealing, per event: ${seal.amortisedUs.toFixed(1)} µs amortised (one group per user per epoch), ` +
      `${seal.perEventEcdhUs.toFixed(1)} µs with a new group (one ECDH) per event (${(seal.perEventEcdhUs / seal.amortisedUs).toFixed(0)}×)`,
  );

  // nginx answers any /o/ path: it gets as many distinct (unregistered) token URLs as Candor does.
  const nginxPaths = Array.from(
    { length: FEW.users * FEW.sendsPerUser },
    () => `/o/${ring.mint(newSendId())}.gif`,
  );
  const nginxScript = wrkScript('nginx', nginxPaths);
  const rows: Row[] = [];
  const seeds = new Map<string, { paths: string[]; script: string }>();
  // Candor targets before the peers: the peers replay the 50-user target's tokens.
  const ordered = [
    ...TARGETS.filter((t) => !t.startsWith('peer-')),
    ...TARGETS.filter((t) => t.startsWith('peer-')),
  ];
  if (
    ordered.some((t) => t.startsWith('peer-')) &&
    !ordered.some((t) => !t.startsWith('peer-') && !t.endsWith('-10k'))
  )
    ordered.unshift('stage-token');
  for (const mode of MODES) {
    rows.push(await runNginx(nginxScript, mode));
    for (const t of ordered) rows.push(await runServer(t, mode, pixelKeys, ring, seeds));
  }

  console.log(
    `\nwrk -t${THREADS} -c${CONNS} -d${DUR} (after ${WARMUP} warm-up), 127.0.0.1, the same Lua script shape for every target; ` +
      `${loadAtStart} at the start, ${loadNote()} at the end`,
  );
  for (const mode of MODES) printMode(rows, mode);
  printBusyRatios(rows);
}

try {
  await main();
} finally {
  cleanup();
}
