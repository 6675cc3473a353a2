import type { Store } from './store';

export interface StoreOptions {
  /** SQLite only: 'FULL' (default, fsync on every commit) or 'NORMAL' (survives crashes, not power loss). */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /**
   * SQLite only: 'thread' (default) commits event appends on a writer thread; 'inline' on the
   * event loop, kept for measurement (docs/backend-storage.md compares the two).
   */
  sqliteEventWriter?: 'thread' | 'inline';
  /**
   * SQLite only: rows per transaction when deleting a user (default 500, a few ms each); the
   * event loop runs other requests between chunks.
   */
  deleteChunkRows?: number;
  /**
   * SQLite only: overwrite deleted rows with zeros (default true; a disconnected user's bytes must
   * not linger in free pages). Off only to measure its cost in the pixel benchmark.
   */
  sqliteSecureDelete?: boolean;
  /** PostgreSQL only: pool size (default 10). */
  poolSize?: number;
}

/**
 * Opens the configured store: a `postgres://` or `postgresql://` URL selects PostgreSQL; anything
 * else is a path to an SQLite file (':memory:' for throwaway tests). Call `migrate()` before use.
 */
export async function createStore(target: string, options: StoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { PostgresStore } = await import('./postgres/postgres-store');
    return new PostgresStore(target, options);
  }
  const { SqliteStore } = await import('./sqlite/sqlite-store');
  return new SqliteStore(target, options);
}
