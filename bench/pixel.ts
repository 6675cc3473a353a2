/**
 * npm run bench:pixel — the open pixel against a reference measured in the same run.
 *
 * 1. Sealing cost per event, with and without amortising the ECDH (in-process).
 * 2. nginx `empty_gif`, one worker: the ceiling for "serve a 43-byte GIF" on this machine.
 * 3. Candor's pixel, full path (token check, lookup, verdict, HPKE sealing, group commit, 200
 *    only after COMMIT) on SQLite synchronous=FULL, SQLite NORMAL and PostgreSQL.
 *
 * wrk drives every target with the same settings over 2,000 different valid tokens (50 users).
 * Printed: req/s, p50/p99, ratio to nginx, and 200s seen by wrk vs rows stored. No pass/fail on
 * absolute numbers; everything listens on 127.0.0.1 and is stopped at the end.
 *
 * Env: DUR (default 10s), CONNS (50), THREADS (2), WARMUP (2s), SEAL_N (2000), TARGETS (comma list
 * of fastify-bare, stage-token, stage-lookup, stage-seal, sqlite-full, sqlite-full-inline,
 * sqlite-normal, sqlite-full-no-secure-delete, postgres). `fastify-bare` serves the same GIF from a Fastify route without any
 * intake: the floor. The `stage-*` targets run the intake cut short after each step
 * (bench/pixel-stages.ts), so the report can say what each step costs. `sqlite-full-inline`
 * commits on the event loop instead of the writer thread.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
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
  'fastify-bare,stage-token,stage-lookup,stage-seal,sqlite-full,sqlite-full-inline,sqlite-normal,postgres'
)
  .split(',')
  .filter(Boolean);
const SEAL_N = Number(env.SEAL_N ?? 2000);
const USERS = 50;
const SENDS_PER_USER = 40;
const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0';

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

function wrk(url: string, duration: string, script?: string): WrkResult {
  const args = [
    `-t${THREADS}`,
    `-c${CONNS}`,
    `-d${duration}`,
    '--timeout',
    '5s',
    '--latency',
    '-H',
    `User-Agent: ${UA}`,
  ];
  if (script) args.push('-s', script);
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

/** CPU seconds (user + system) used so far by a process and its children. */
function treeCpuSeconds(rootPid: number): number {
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

function measured(pid: number, run: () => WrkResult): WrkResult & { cpuUsPerReq: number } {
  const c0 = treeCpuSeconds(pid);
  const r = run();
  return { ...r, cpuUsPerReq: ((treeCpuSeconds(pid) - c0) * 1e6) / Math.max(1, r.requests) };
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

async function seed(store: Store, ring: PixelKeyRing): Promise<{ tid: string; paths: string[] }> {
  await store.migrate();
  const tid = randomUUID();
  const now = Date.now() - 3_600_000;
  await store.upsertTenant({ tid, contractEndsAt: null }, now);
  const paths: string[] = [];
  for (let u = 0; u < USERS; u++) {
    const oid = randomUUID();
    const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    await store.setUserKey(tid, oid, { keyId: 'k', key: { format: 'raw', raw } }, now);
    const sends = Array.from({ length: SENDS_PER_USER }, () => ({ sendId: newSendId(), trackOpens: true }));
    await store.registerSends(tid, oid, 'bench', sends, now);
    for (const s of sends) paths.push(`/o/${ring.mint(s.sendId)}.gif`);
  }
  return { tid, paths };
}

function wrkScript(paths: string[]): string {
  const file = join(work, 'tokens.lua');
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
  'sqlite-full': 'SQLite FULL',
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
  key?: string;
  target: string;
  wrk: WrkResult & { cpuUsPerReq: number };
  rowsDuringRun?: number;
  recorded?: number;
  totalRows?: number;
  wrkOkTotal?: number;
}

async function runNginx(script: string): Promise<Row> {
  const dir = join(work, 'nginx');
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
  try {
    await waitHttp(port, '/o/x.gif');
    // The same wrk script as Candor's runs: the load generator spends the same per request.
    const base = `http://127.0.0.1:${port}/`;
    wrk(base, WARMUP, script);
    return {
      target: 'nginx empty_gif, 1 worker',
      wrk: measured(child.pid as number, () => wrk(base, DUR, script)),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function runCandor(target: string, pixelKeys: string, ring: PixelKeyRing): Promise<Row> {
  let db: string;
  if (target === 'postgres') {
    cluster ??= await startCluster();
    db = await createDatabase(cluster.url);
  } else {
    db = join(work, `${target}.sqlite`);
  }
  const seedStore = await createStore(db);
  const { tid, paths } = await seed(seedStore, ring);
  const count = async () => (await seedStore.countTenantRows(tid)).events;
  const script = wrkScript(paths);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pixel-server.ts'], {
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
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  let stdout = '';
  child.stdout?.on('data', (d) => (stdout += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await waitHttp(port, paths[0] as string);
    const base = `http://127.0.0.1:${port}`;
    const warm = wrk(`${base}/`, WARMUP, script);
    const before = await count();
    const res = measured(child.pid as number, () => wrk(`${base}/`, DUR, script));
    await sleep(500);
    const during = (await count()) - before;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    const final = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { counters?: { recorded: number } };
    if (target === 'fastify-bare')
      return { target: 'Fastify 5 route, same GIF, no intake (floor)', wrk: res };
    if (target.startsWith('stage-')) return { target: STAGE_NAMES[target] ?? target, wrk: res };
    return {
      target: `Candor pixel, ${TARGET_NAMES[target] ?? target}`,
      wrk: res,
      rowsDuringRun: during,
      recorded: final.counters?.recorded,
      totalRows: await count(),
      wrkOkTotal: warm.requests - warm.non2xx + res.requests - res.non2xx,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await seedStore.close();
  }
}

function loadNote(): string {
  const [one] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `load average ${one} on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs`;
}

async function main() {
  for (const bin of ['wrk', 'nginx']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
      console.error(`bench:pixel needs ${bin} (apt-get install -y wrk nginx-light)`);
      process.exit(1);
    }
  }
  const pixelKeys = `b1:${randomBytes(32).toString('base64url')}`;
  const ring = new PixelKeyRing(parsePixelKeys(pixelKeys), 'b1');

  const seal = await sealingCost();
  console.log(
    `sealing, per event: ${seal.amortisedUs.toFixed(1)} µs amortised (one ECDH per user per epoch), ` +
      `${seal.perEventEcdhUs.toFixed(1)} µs with an ECDH per event (${(seal.perEventEcdhUs / seal.amortisedUs).toFixed(0)}×)`,
  );

  // nginx answers any /o/ path: it gets as many distinct (unregistered) token URLs as Candor does.
  const nginxPaths = Array.from({ length: USERS * SENDS_PER_USER }, () => `/o/${ring.mint(newSendId())}.gif`);
  const rows: Row[] = [await runNginx(wrkScript(nginxPaths))];
  for (const t of TARGETS) rows.push({ ...(await runCandor(t, pixelKeys, ring)), key: t });
  const ref = rows[0]!.wrk.rps;

  console.log(
    `\nwrk -t${THREADS} -c${CONNS} -d${DUR} (after ${WARMUP} warm-up), 127.0.0.1, ${USERS * SENDS_PER_USER} distinct tokens; ${loadNote()} at the end\n`,
  );
  console.log(
    '| target | req/s | ÷ nginx | p50 ms | p99 ms | server CPU µs/req | non-2xx | socket errors | 200s seen by wrk (run) | rows added (run) | rows total = server 200s | lost |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ok = r.wrk.requests - r.wrk.non2xx;
    const lost =
      r.totalRows === undefined || r.wrkOkTotal === undefined
        ? '–'
        : String(Math.max(0, r.wrkOkTotal - r.totalRows));
    console.log(
      `| ${r.target} | ${Math.round(r.wrk.rps)} | ${(r.wrk.rps / ref).toFixed(2)} | ${r.wrk.p50.toFixed(2)} | ${r.wrk.p99.toFixed(2)} | ${r.wrk.cpuUsPerReq.toFixed(1)} | ${r.wrk.non2xx} | ${r.wrk.socketErrors} | ${ok} | ${r.rowsDuringRun ?? '–'} | ${r.totalRows === undefined ? '–' : `${r.totalRows} = ${r.recorded}`} | ${lost} |`,
    );
  }
  const steps = STEP_ORDER.map((k) => rows.find((r) => r.key === k)).filter((r): r is Row => r !== undefined);
  if (steps.length > 1) {
    // 1/throughput is what one request costs the whole loop (server and wrk on the same cores).
    const cost = (r: Row) => 1e6 / r.wrk.rps;
    console.log(
      `\nWhere the time goes (µs of loop capacity per request; nginx: ${cost(rows[0]!).toFixed(1)}):`,
    );
    steps.forEach((r, i) => {
      const prev = steps[i - 1];
      const added = prev ? ` (+${(cost(r) - cost(prev)).toFixed(1)})` : '';
      console.log(`  ${r.target}: ${cost(r).toFixed(1)}${added}`);
    });
    console.log(`  0.5× nginx would need: ${(2 * cost(rows[0]!)).toFixed(1)}`);
  }
}

try {
  await main();
} finally {
  cleanup();
}
