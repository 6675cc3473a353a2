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
  /** false once replaced or invalidated: entries holding it look the user up again. */
  live: boolean;
}

interface SendEntry {
  facts: Send;
  user: UserState;
  /** The answer for this send with `user`, built once per user state (the hot path allocates nothing). */
  answer: PixelSend;
}

const userKeyOf = (tid: string, oid: string) => `${tid}\n${oid}`;

export class PixelSendCache {
  readonly #store: Pick<Store, 'getSendForPixel' | 'userChanges'>;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxSends: number;
  readonly #sends = new Map<string, SendEntry>();
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
        if (oid !== null) return this.#forget(userKeyOf(tid, oid));
        for (const k of this.#users.keys()) if (k.startsWith(`${tid}\n`)) this.#forget(k);
      }) ?? (() => undefined);
  }

  /** The cached answer when it is fresh enough, without a promise; undefined when the store must be asked. */
  peek(sendId: string): PixelSend | undefined {
    const entry = this.#ttlMs > 0 ? this.#sends.get(sendId) : undefined;
    if (!entry) return undefined;
    if (!entry.user.live) {
      const current = this.#users.get(userKeyOf(entry.facts.tid, entry.facts.oid));
      if (current) this.#link(entry, current);
    }
    return entry.user.live && this.#clock.now() - entry.user.at < this.#ttlMs ? entry.answer : undefined;
  }

  /** Same answer as Store.getSendForPixel, from memory when it is fresh enough. */
  async getSendForPixel(sendId: string): Promise<PixelSend | null> {
    const now = this.#clock.now();
    // Another send of the user may have refreshed their state since: peek takes it up.
    const fresh = this.peek(sendId);
    if (fresh) return fresh;
    const entry = this.#ttlMs > 0 ? this.#sends.get(sendId) : undefined;
    const generation = this.#generation;
    this.lookups++;
    const found = await this.#store.getSendForPixel(sendId);
    if (!found) {
      this.#sends.delete(sendId);
      return null;
    }
    if (this.#ttlMs > 0 && generation === this.#generation) {
      const { userKey, contractEndsAt, ...facts } = found;
      const key = userKeyOf(found.tid, found.oid);
      const previous = this.#users.get(key);
      if (previous) previous.live = false; // entries holding it take up the new state
      const user: UserState = { userKey, contractEndsAt, at: now, live: true };
      this.#users.set(key, user);
      if (this.#users.size > this.#maxSends) this.#forget(this.#users.keys().next().value as string);
      if (entry) this.#link(entry, user);
      else {
        if (this.#sends.size >= this.#maxSends) this.#drop(this.#sends);
        this.#sends.set(sendId, { facts, user, answer: found });
      }
    }
    return found;
  }

  #link(entry: SendEntry, user: UserState): void {
    entry.user = user;
    entry.answer = { ...entry.facts, userKey: user.userKey, contractEndsAt: user.contractEndsAt };
  }

  /** A user's state is no longer trusted: every send entry holding it looks the user up again. */
  #forget(key: string): void {
    const user = this.#users.get(key);
    if (user) user.live = false;
    this.#users.delete(key);
  }

  /** Drops the oldest entry (Map keeps insertion order). */
  #drop(map: Map<string, unknown>): void {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }

  close(): void {
    this.#unsubscribe();
    this.#sends.clear();
    this.#users.clear();
  }
}
