/**
 * Appends event rows to an SQLite file from a worker thread (event-writer-thread.js), so that
 * waiting for COMMIT's fsync never blocks the server's event loop. One batch is one transaction;
 * the promise settles after COMMIT returned in the worker. The worker is started on first use and
 * started again after it dies; batches it had not answered are rejected, never assumed written.
 */
import { Worker } from 'node:worker_threads';

export interface EventWriterOptions {
  path: string;
  /** Applied in order on the worker's own connection (journal mode, synchronous, busy timeout…). */
  pragmas: string[];
  insertSql: string;
}

interface Pending {
  resolve: (inserted: number) => void;
  reject: (e: Error) => void;
}

type Reply =
  { ready: true } | { id: number; inserted: number } | { id: number; error: { code: string; name: string } };

export class SqliteWriteError extends Error {
  readonly code: string;
  constructor(code: string, name: string) {
    super(`event batch not written (${name} ${code})`);
    this.name = 'SqliteWriteError';
    this.code = code;
  }
}

const THREAD_URL = new URL('./event-writer-thread.js', import.meta.url);

export class ThreadedEventWriter {
  readonly #options: EventWriterOptions;
  #worker: Worker | null = null;
  #ready: Promise<void> | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #inFlight = new Set<Promise<number>>();
  #closed = false;

  constructor(options: EventWriterOptions) {
    this.#options = options;
  }

  /** Writes the rows (statement parameters) as one transaction; resolves with rows inserted. */
  write(rows: unknown[][]): Promise<number> {
    return this.#send({ rows });
  }

  /**
   * Checkpoints the WAL on the thread's connection, so its copying and fsync never hold the event
   * loop (PASSIVE: what no reader needs; TRUNCATE: everything, then empties the WAL file).
   */
  async checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): Promise<void> {
    await this.#send({ checkpoint: mode });
  }

  #send(message: { rows: unknown[][] } | { checkpoint: 'PASSIVE' | 'TRUNCATE' }): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('event writer is closed'));
    const starting = this.#start();
    // While batches are in flight the thread keeps the process alive; when idle it does not, so
    // a program that never closes its store still exits.
    this.#worker?.ref();
    const written = starting.then(
      (worker) =>
        new Promise<number>((resolve, reject) => {
          const id = this.#nextId++;
          this.#pending.set(id, { resolve, reject });
          worker.postMessage({ id, ...message });
        }),
    );
    this.#inFlight.add(written);
    const done = () => {
      this.#inFlight.delete(written);
      if (this.#inFlight.size === 0) this.#worker?.unref();
    };
    written.then(done, done);
    return written;
  }

  /** Waits for every batch already sent, then stops the thread (which closes its connection). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    worker.ref();
    worker.postMessage({ close: true });
    await exited;
  }

  #start(): Promise<Worker> {
    if (this.#worker && this.#ready) {
      const worker = this.#worker;
      return this.#ready.then(() => worker);
    }
    const { path, pragmas, insertSql } = this.#options;
    // Plain JavaScript that needs no flags: the parent's (e.g. --input-type, --import) are not passed on.
    const worker = new Worker(THREAD_URL, { workerData: { path, pragmas, insertSql }, execArgv: [] });
    this.#worker = worker;
    this.#ready = new Promise<void>((resolve, reject) => {
      // The worker's own error text may quote SQL or row values: only the fact is passed on.
      worker.once('error', () => reject(new Error('event writer thread could not start')));
      worker.on('message', (msg: Reply) => {
        if ('ready' in msg) return resolve();
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        if ('error' in msg) p.reject(new SqliteWriteError(msg.error.code, msg.error.name));
        else p.resolve(msg.inserted);
      });
    });
    const fail = (why: string) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#ready = null;
      const err = new Error(`event writer thread ${why}; its unanswered batches were not confirmed`);
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    worker.on('error', () => fail('failed'));
    worker.on('exit', (code) => fail(`exited (${code})`));
    return this.#ready.then(() => worker);
  }
}
