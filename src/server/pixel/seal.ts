/**
 * Seals open events on arrival to the user's public key, in format v2 (src/shared/sealed-event.ts):
 * each record names the key id it was sealed to, computed here from the key material itself (one
 * SHA-256 per group), so it always matches the id the pane derives from the same public key.
 *
 * Amortisation: an HPKE setup (one ECDH, ~0.3–0.5 ms) per event would dominate the pixel's cost,
 * so a group is kept per user key for a short epoch (default 1 s or 10,000 events). Within it,
 * each event costs one HKDF and one AES-GCM with node:crypto (a few µs). The group secret lives
 * only in this process's memory for the epoch — the same exposure the event's plaintext already
 * has while the request is handled — and is never stored.
 */
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import type { Clock } from '../../shared/clock';
import type { UserKey, Verdict } from '../store/store';
import { KEY_ID_BYTES, sealedEventBytes } from '../../shared/sealed-event';
import { ZERO_NONCE, eventAad, importRecipientKey, startGroup, type EventIds } from '../crypto/sealed-event';

/** What an open event reveals, and only to the user: the server keeps nothing else. */
export interface OpenPlaintext {
  ip: string;
  at: number;
  verdict: Verdict;
}

export interface SealerOptions {
  clock: Clock;
  /** How long one group (one ECDH) is reused for a user's events. 0 = one group per event. */
  epochMs?: number;
  maxEventsPerGroup?: number;
}

interface Group {
  enc: Uint8Array;
  /** The recipient's key id, 16 raw bytes (format v2). */
  kid: Uint8Array;
  /** HKDF-Extract(salt = zeros, group secret), computed once per group. */
  prk: Buffer;
  uses: number;
}

const MAX_CACHED_GROUPS = 50_000;
const ONE = Buffer.from([1]);

export class EventSealer {
  readonly #clock: Clock;
  readonly #epochMs: number;
  readonly #maxUses: number;
  readonly #groups = new Map<string, { born: number; group: Promise<Group> }>();
  #lastSweep = Number.NEGATIVE_INFINITY;
  /** Number of HPKE setups (ECDHs) performed; for tests and the benchmark. */
  groupsStarted = 0;

  /** Groups currently held in memory (for tests: expired ones must not linger). */
  get cachedGroups(): number {
    return this.#groups.size;
  }

  constructor(options: SealerOptions) {
    this.#clock = options.clock;
    this.#epochMs = options.epochMs ?? 1000;
    this.#maxUses = options.maxEventsPerGroup ?? 10_000;
  }

  async seal(key: UserKey, ids: EventIds, plaintext: OpenPlaintext): Promise<Uint8Array> {
    const group = await this.#group(key, ids);
    const aad = eventAad(ids);
    // HKDF-Expand for one 32-byte block: T(1) = HMAC(PRK, info ‖ 0x01). Same key as WebCrypto's
    // HKDF(salt = empty, info = aad) in the opener; the extract step is done once per group.
    const eventKey = createHmac('sha256', group.prk).update(aad).update(ONE).digest();
    const cipher = createCipheriv('aes-256-gcm', eventKey, ZERO_NONCE);
    cipher.setAAD(aad);
    const body = Buffer.concat([
      cipher.update(JSON.stringify(plaintext), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return sealedEventBytes(group.enc, body, group.kid);
  }

  async #group(key: UserKey, ids: EventIds): Promise<Group> {
    const now = this.#clock.now();
    if (now - this.#lastSweep >= this.#epochMs || this.#groups.size >= MAX_CACHED_GROUPS) {
      this.#sweep(now);
    }
    const cacheKey = `${ids.tid}\n${ids.oid}\n${key.keyId}\n${key.updatedAt}`;
    const cached = this.#groups.get(cacheKey);
    if (cached && now - cached.born < this.#epochMs) {
      const g = await cached.group;
      if (g.uses < this.#maxUses) {
        g.uses++;
        return g;
      }
      // Used up: whoever resumes first replaces it; the others then take the replacement.
      if (this.#groups.get(cacheKey) !== cached) return this.#group(key, ids);
    }
    const entry = { born: now, group: this.#start(key) };
    this.#groups.set(cacheKey, entry);
    entry.group.catch(() => {
      if (this.#groups.get(cacheKey) === entry) this.#groups.delete(cacheKey);
    });
    const g = await entry.group;
    g.uses++;
    return g;
  }

  async #start(key: UserKey): Promise<Group> {
    this.groupsStarted++;
    const recipient = await importRecipientKey(key.key);
    const { enc, secret } = await startGroup(recipient);
    const prk = createHmac('sha256', Buffer.alloc(32)).update(secret).digest();
    secret.fill(0);
    const raw =
      key.key.format === 'raw'
        ? key.key.raw
        : new Uint8Array(await crypto.subtle.exportKey('raw', recipient));
    const kid = createHash('sha256').update(raw).digest().subarray(0, KEY_ID_BYTES);
    return { enc, kid, prk, uses: 0 };
  }

  /**
   * Drops expired groups at least once per epoch (when sealing goes on), so a group's key material,
   * which could derive the keys of that group's stored events, is not kept around after its epoch.
   */
  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [k, entry] of this.#groups) {
      // Not zeroed: a seal that picked the group up just before expiry may still be using it.
      if (now - entry.born >= this.#epochMs) this.#groups.delete(k);
    }
    // Still full (a burst of distinct users within one epoch): start over rather than grow.
    if (this.#groups.size >= MAX_CACHED_GROUPS) this.#groups.clear();
  }
}
