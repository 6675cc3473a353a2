/**
 * The pixel's lookup, cached. A send's own facts (tenant, user, campaign, tracking flag, time) never
 * change, so they are kept (bounded, oldest dropped first). What can change — the user's key, their
 * leaving, the tenant's contract end — is kept per user for `ttlMs` at most, and dropped at once when
 * this instance's store reports a change (Store.userChanges: key replaced, disconnect, contract or
 * purge). Another instance's change is seen within `ttlMs`.
 *
 * Why this keeps the pixel's promises:
 * - Only sends the server issued are recorded: the token's HMAC is checked before this is asked,
 *   and only a send the database returned is ever cached.
 * - Opens for a disconnected user or a purged tenant are dropped: the decisive check is at COMMIT —
 *   the event insert only writes a row whose send still exists (SQLite's EXISTS guard, PostgreSQL's
 *   join), and a disconnect deletes the user's sends. A cached send whose user left meanwhile thus
 *   writes nothing. The cache only decides the early "ignored" answers.
 * - A key replaced on another instance: for up to `ttlMs` this instance may still seal to the
 *   previous key (which the user's devices keep in their keyring after a rotation). Documented in
 *   docs/zero-knowledge.md.
 */
import type { Clock } from '../../shared/clock';
import type { PixelSend, Send, Store, UserKey } from '../store/store';

export interface SendCacheOptions {
  /** How long a user's key and contract state are trusted without asking the database (default 5 s; 0 = no cache). */
  ttlMs?: number;
  /** Most sends whose facts are kept (default 100,000). */
  maxSends?: number;
}

interface UserState {
  userKey: UserKey | null;
  contractEndsAt: number | null;
  at: number;
}

const userKeyOf = (tid: string, oid: string) => `${tid}\n${oid}`;

export class PixelSendCache {
  readonly #store: Pick<Store, 'getSendForPixel' | 'userChanges'>;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxSends: number;
  readonly #sends = new Map<string, Send>();
  readonly #users = new Map<string, UserState>();
  /** Bumped on every change notice: a lookup that began before one must not fill the cache. */
  #generation = 0;
  readonly #unsubscribe: () => void;
  /** Database lookups made (for tests and the benchmark). */
  lookups = 0;

  constructor(
    store: Pick<Store, 'getSendForPixel' | 'userChanges'>,
    clock: Clock,
    options: SendCacheOptions = {},
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#maxSends = options.maxSends ?? 100_000;
    this.#unsubscribe =
      store.userChanges?.subscribe(({ tid, oid }) => {
        this.#generation++;
        if (oid !== null) {
          this.#users.delete(userKeyOf(tid, oid));
          return;
        }
        for (const k of this.#users.keys()) if (k.startsWith(`${tid}\n`)) this.#users.delete(k);
      }) ?? (() => undefined);
  }

  /** Same answer as Store.getSendForPixel, from memory when it is fresh enough. */
  async getSendForPixel(sendId: string): Promise<PixelSend | null> {
    const now = this.#clock.now();
    const send = this.#sends.get(sendId);
    if (send && this.#ttlMs > 0) {
      const user = this.#users.get(userKeyOf(send.tid, send.oid));
      if (user && now - user.at < this.#ttlMs)
        return { ...send, userKey: user.userKey, contractEndsAt: user.contractEndsAt };
    }
    const generation = this.#generation;
    this.lookups++;
    const found = await this.#store.getSendForPixel(sendId);
    if (!found) {
      this.#sends.delete(sendId);
      return null;
    }
    if (this.#ttlMs > 0 && generation === this.#generation) {
      const { userKey, contractEndsAt, ...facts } = found;
      if (!send) {
        if (this.#sends.size >= this.#maxSends) this.#sends.delete(this.#sends.keys().next().value as string);
        this.#sends.set(sendId, facts);
      }
      this.#users.set(userKeyOf(found.tid, found.oid), { userKey, contractEndsAt, at: now });
      if (this.#users.size > this.#maxSends) this.#users.delete(this.#users.keys().next().value as string);
    }
    return found;
  }

  close(): void {
    this.#unsubscribe();
    this.#sends.clear();
    this.#users.clear();
  }
}
