/**
 * In-process notice of changes that the pixel's lookup cache (src/server/pixel/send-cache.ts) must
 * not outlive: a user's key replaced, a user disconnecting, a tenant's contract changed or its
 * purge under way. The store emits after its own writes; other instances on the same database do
 * not hear these, and the cache bounds how long it trusts an entry instead (docs/backend-storage.md,
 * "Pixel lookup cache").
 */
export type UserChange = { tid: string; oid: string } | { tid: string; oid: null };

export class UserChangeFeed {
  readonly #listeners = new Set<(change: UserChange) => void>();

  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: (change: UserChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One user (`oid`) or the whole tenant (`oid: null`). */
  emit(tid: string, oid: string | null): void {
    for (const l of this.#listeners) l({ tid, oid } as UserChange);
  }
}
