// @ts-check
/**
 * The SQLite event writer's thread (owned by event-writer.ts). It holds its own connection to the
 * database file and runs each batch it is sent as ONE transaction, then answers. Its COMMIT — an
 * fsync with synchronous=FULL — thus waits here, not on the server's event loop, which keeps
 * answering pixels and filling the next batch meanwhile.
 *
 * Plain JavaScript on purpose: a worker starts a fresh module loader, and this file must load the
 * same way under `tsx`, vitest and plain node. It knows nothing of Candor's schema: the statement
 * and pragmas arrive in workerData.
 *
 * Protocol: in { id, rows: unknown[][] } → out { id, inserted } or { id, error: { code, name } };
 * in { id, checkpoint: 'PASSIVE' | 'TRUNCATE' } writes what is waiting, then checkpoints the WAL
 * here, off the event loop → out { id, inserted: 0 };
 * in { close: true } writes what is waiting, closes the connection and ends the thread.
 * No row value is ever put in an error: SQLite messages can quote them.
 */
import { setImmediate } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string, pragmas: string[], insertSql: string }} */
const { path, pragmas, insertSql } = workerData;
const db = new Database(path);
for (const p of pragmas) db.pragma(p);
const insert = db.prepare(insertSql);
/** Runs every batch in one transaction; returns the rows inserted per batch. */
const runBatches = db.transaction((/** @type {{ rows: unknown[][] }[]} */ batches) =>
  batches.map(({ rows }) => {
    let inserted = 0;
    for (const params of rows) inserted += insert.run(...params).changes;
    return inserted;
  }),
);

if (!parentPort) throw new Error('event-writer-thread runs only as a worker');
const port = parentPort;

/**
 * Batches that arrived while the previous transaction ran are written together in ONE
 * transaction, each still answered on its own: under load the server keeps several batches in
 * flight, and one fsync covers them all.
 * @type {{ id: number, rows: unknown[][] }[]}
 */
let waiting = [];
let scheduled = false;

function writeWaiting() {
  scheduled = false;
  const batches = waiting;
  waiting = [];
  if (!db.open) return;
  try {
    const inserted = runBatches(batches);
    batches.forEach((b, i) => port.postMessage({ id: b.id, inserted: inserted[i] }));
  } catch (e) {
    const err = /** @type {{ code?: unknown, name?: unknown }} */ (e);
    const error = {
      code: typeof err.code === 'string' ? err.code : 'UNKNOWN',
      name: String(err.name ?? 'Error'),
    };
    for (const b of batches) port.postMessage({ id: b.id, error });
  }
}

port.on(
  'message',
  (/** @type {{ id: number, rows?: unknown[][], close?: true, checkpoint?: string }} */ msg) => {
    if (msg.checkpoint === 'PASSIVE' || msg.checkpoint === 'TRUNCATE') {
      if (waiting.length > 0) writeWaiting();
      try {
        db.pragma(`wal_checkpoint(${msg.checkpoint})`);
        port.postMessage({ id: msg.id, inserted: 0 });
      } catch (e) {
        const err = /** @type {{ code?: unknown, name?: unknown }} */ (e);
        port.postMessage({
          id: msg.id,
          error: {
            code: typeof err.code === 'string' ? err.code : 'UNKNOWN',
            name: String(err.name ?? 'Error'),
          },
        });
      }
      return;
    }
    if (msg.close) {
      if (waiting.length > 0) writeWaiting();
      db.close();
      port.close();
      return;
    }
    waiting.push({ id: msg.id, rows: msg.rows ?? [] });
    if (!scheduled) {
      scheduled = true;
      setImmediate(writeWaiting);
    }
  },
);
port.postMessage({ ready: true });
