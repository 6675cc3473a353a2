/**
 * The SQLite writer thread: batches are committed (readable from another connection) when their
 * promise resolves, failures reject without quoting row values, a thread that cannot start
 * rejects instead of hanging, and close() waits for what was already sent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ThreadedEventWriter } from '../../../src/server/store/sqlite/event-writer';

const PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000'];
const INSERT = 'INSERT INTO t (k, v) VALUES (?, ?)';

let dir: string;
let path: string;
const writers: ThreadedEventWriter[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'candor-writer-'));
  path = join(dir, 'w.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT');
  db.close();
});
afterEach(async () => {
  for (const w of writers.splice(0)) await w.close();
  rmSync(dir, { recursive: true, force: true });
});

const writer = (insertSql = INSERT) => {
  const w = new ThreadedEventWriter({ path, pragmas: PRAGMAS, insertSql });
  writers.push(w);
  return w;
};
const rows = () => new Database(path, { readonly: true }).prepare('SELECT k, v FROM t ORDER BY k').all();

describe('SQLite writer thread', () => {
  it('has committed a batch when its promise resolves, and folds concurrent batches without mixing their counts', async () => {
    const w = writer();
    const counts = await Promise.all([
      w.write([['a', 1]]),
      w.write([
        ['b', 2],
        ['c', 3],
      ]),
      w.write([]),
    ]);
    expect(counts).toEqual([1, 2, 0]);
    expect(rows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
      { k: 'c', v: 3 },
    ]);
  });

  it('rejects a failed batch with the error code only, and keeps working', async () => {
    const w = writer();
    await w.write([['taken', 1]]);
    const failure = (await w.write([['taken', 424242]]).then(
      () => null,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(failure).toBeInstanceOf(Error);
    expect(failure.code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(failure.message).not.toContain('taken');
    expect(failure.message).not.toContain('424242');
    await expect(w.write([['next', 2]])).resolves.toBe(1);
  });

  it('rejects batches when the thread cannot start, instead of hanging', async () => {
    const w = writer('INSERT INTO no_such_table VALUES (?)');
    await expect(w.write([['x']])).rejects.toThrow('event writer thread could not start');
  });

  it('close waits for batches already sent, then refuses new ones', async () => {
    const w = writer();
    const pending = w.write([['late', 7]]);
    await w.close();
    await expect(pending).resolves.toBe(1);
    expect(rows()).toEqual([{ k: 'late', v: 7 }]);
    await expect(w.write([['after', 8]])).rejects.toThrow(/closed/);
  });

  it('does not keep a program alive once its batches are written, even if it never closes', () => {
    const program = `
      import { ThreadedEventWriter } from ${JSON.stringify(new URL('../../../src/server/store/sqlite/event-writer.ts', import.meta.url).pathname)};
      const w = new ThreadedEventWriter({ path: ${JSON.stringify(path)}, pragmas: [], insertSql: ${JSON.stringify(INSERT)} });
      console.log(await w.write([['unclosed', 9]]));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('1');
    expect(rows()).toEqual([{ k: 'unclosed', v: 9 }]);
  });
});
