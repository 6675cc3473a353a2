/**
 * Summarises a V8 CPU profile (node --cpu-prof; bench/pixel.ts writes them with PROF=<dir>):
 * self time by area of the code and the top functions, as shares of the busy (non-idle) samples.
 *
 * Usage: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Areas of the pixel's path, first match wins. */
const AREAS: [string, (fn: string, url: string) => boolean][] = [
  ['idle', (fn) => fn === '(idle)'],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['sealing (pixel/seal, crypto/hpke-p256)', (_f, u) => /pixel\/seal|crypto\/hpke|sealed-event/.test(u)],
  ['token check', (_f, u) => /pixel\/token|base64url/.test(u)],
  ['send lookup (store)', (_f, u) => /store\/(sqlite|postgres)|store\/rows|better-sqlite3/.test(u)],
  ['group commit + writer hand-off', (_f, u) => /group-commit|event-writer/.test(u)],
  ['pixel intake and verdict', (_f, u) => /pixel\//.test(u)],
  ['pg driver', (_f, u) => /node_modules\/pg/.test(u)],
  ['Fastify', (_f, u) => /fastify|find-my-way|avvio|light-my-request/.test(u)],
  [
    'Node HTTP and streams',
    (_f, u) => /node:(_http|http|net|stream|internal\/streams|internal\/http)/.test(u),
  ],
  ['worker messaging', (_f, u) => /worker|message/.test(u)],
  ['other Node internals', (_f, u) => u.startsWith('node:')],
  ['(program) and native', (fn, u) => u === '' || fn.startsWith('(')],
  ['other', () => true],
];

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const areas = new Map<string, number>();
const fns = new Map<string, number>();
let busy = 0;
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
  const area = (AREAS.find(([, test]) => test(functionName, url)) as [string, unknown])[0];
  areas.set(area, (areas.get(area) ?? 0) + us);
  if (area === 'idle') continue;
  busy += us;
  const where = url ? `${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}` : '';
  const name = `${functionName || '(anonymous)'} ${where}`;
  fns.set(name, (fns.get(name) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
console.log(
  `${file}: ${(busy / 1e6).toFixed(2)} s busy on the main thread, ${((areas.get('idle') ?? 0) / 1e6).toFixed(2)} s idle\n`,
);
console.log('Self time by area (share of busy):');
for (const [area, us] of [...areas].filter(([a]) => a !== 'idle').sort((a, b) => b[1] - a[1]))
  console.log(`  ${pct(us).padStart(6)}  ${area}`);
console.log(`\nTop ${top} functions by self time:`);
for (const [name, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us).padStart(6)}  ${name}`);
