/**
 * Disconnect benchmark (SQLite): how long DELETE /me's store work takes for a user with many
 * events, and the longest the event loop is held meanwhile. Seeds ROWS events (default 1,000,000)
 * for one user, then deletes them in chunks (the default) and, for comparison, in one transaction.
 *
 *   npx tsx bench/delete-user.ts            # ROWS=100000 npx tsx bench/delete-user.ts for a quick run
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate } from 'node:timers';
import Database from 'better-sqlite3';
import { newEventIdBytes } from '../src/server/pixel/intake';
import { createStore } from '../src/server/store/create-store';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const T0 = Date.UTC(2026, 10, 1);
/** Opens get time-ordered ids from the pixel (as in production); one in ten is a reply with a random id. */
const eventId = (at: number) => (at % 10 === 0 ? randomBytes(16) : newEventIdBytes(at));

async function seed(file: string, tid: string, oid: string): Promise<void> {
  const store = await createStore(file);
  await store.migrate();
  await store.upsertTenant({ tid, contractEndsAt: null }, T0);
  const sendId = randomBytes(16).toString('base64url');
  await store.registerSends(tid, oid, 'c', [{ sendId, trackOpens: true }], T0);
  await store.close();
  // Straight into the table: seeding through the API would take far longer than what is measured.
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO events (tid, event_id, oid, send_id, kind, verdict, occurred_at, sealed)
     VALUES (?, ?, ?, ?, 'open', 'human', ?, ?)`,
  );
  const sendBytes = Buffer.from(sendId, 'base64url');
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(tid, eventId(T0 + i), oid, sendBytes, T0 + i, randomBytes(120));
  })();
  db.close();
}

/** Runs `work` while measuring the longest gap between event-loop turns. */
async function measure(
  work: () => Promise<unknown>,
): Promise<{ totalMs: number; maxStallMs: number; p99StallMs: number }> {
  let last = performance.now();
  let maxStallMs = 0;
  let running = true;
  const gaps: number[] = [];
  const tick = () => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last);
    gaps.push(now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const start = performance.now();
  await work();
  const totalMs = performance.now() - start;
  await new Promise<void>((resolve) => setImmediate(resolve)); // the turn right after the work counts too
  running = false;
  gaps.sort((a, b) => a - b);
  const chunkTurns = gaps.filter((g) => g > 1); // turns that ran a chunk (the rest are idle spins)
  const p99StallMs = chunkTurns[Math.floor(chunkTurns.length * 0.99)] ?? maxStallMs;
  return { totalMs, maxStallMs, p99StallMs };
}

async function run(label: string, deleteChunkRows: number | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'candor-bench-delete-'));
  try {
    const file = join(dir, 'candor.sqlite');
    const [tid, oid] = [randomUUID(), randomUUID()];
    const seedStart = performance.now();
    await seed(file, tid, oid);
    const seedMs = performance.now() - seedStart;
    const store = await createStore(file, { deleteChunkRows });
    await store.migrate();
    let deleted = 0;
    const r = await measure(async () => {
      deleted = (await store.deleteUser(tid, oid)).events;
    });
    await store.close();
    console.log(
      `${label}: ${deleted} events deleted in ${(r.totalMs / 1000).toFixed(2)} s, longest event-loop stall ${r.maxStallMs.toFixed(1)} ms, 99th percentile of busy turns ${r.p99StallMs.toFixed(1)} ms (seeding took ${(seedMs / 1000).toFixed(1)} s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await run('chunked (500 rows per transaction, default)', undefined);
// BEFORE=0 skips the comparison with the single transaction deleteUser used to run.
if (process.env.BEFORE !== '0') await run('one transaction (before)', Number.MAX_SAFE_INTEGER);
