/**
 * Two devices, one sender. The Web Lock (send-lock.ts) keeps two windows of one device apart; this
 * lease on Candor's service keeps two devices apart (Outlook at work, Outlook on the web at home).
 * The service only records which device holds a campaign and until when — metadata, no content.
 *
 * A device takes the lease for LEASE_SECONDS and renews it every RENEW_EVERY_MS. It may send only
 * while now < (time the last successful request was SENT + LEASE_SECONDS − MARGIN): the service
 * counts the lease from when the request arrived, which is later, so this device stops sending at
 * least MARGIN before any other device can take over, whatever the network does in between.
 */
import type { Clock } from '../../shared/clock';

export type LeaseAnswer = { held: false; expiresAt: number } | { held: true; retryAfterSeconds: number };

/** What the campaign screens need from the service's lease endpoints (PUT/DELETE /campaigns/:id/lease). */
export interface SendLease {
  /** `held: true` when another device holds it (409), with when to ask again. Throws when unreachable. */
  take(campaignId: string, deviceId: string, seconds: number): Promise<LeaseAnswer>;
  release(campaignId: string, deviceId: string): Promise<void>;
}

export const LEASE_SECONDS = 60;
export const RENEW_EVERY_MS = 20_000;
export const LEASE_MARGIN_MS = 10_000;
/** The service's bounds for a lease's length (PUT /campaigns/:id/lease `seconds`). */
export const LEASE_SECONDS_MIN = 15;
export const LEASE_SECONDS_MAX = 600;
/** After a failed request: ask again this soon (the lease may still be valid for a while). */
const RETRY_UNREACHABLE_MS = 5_000;

/**
 * `held`: this device may send (until validUntil). `elsewhere`: another device holds it.
 * `unreachable`: the service could not confirm it and the last confirmation ran out.
 */
export type LeaseStatus = 'idle' | 'taking' | 'held' | 'elsewhere' | 'unreachable';

export const LEASE_MESSAGES = {
  elsewhere:
    'This campaign is being sent from your other device. Sending continues there; this device takes over by itself if that one stops (closed or offline) for about a minute.',
  unreachable:
    'Candor’s service can’t be reached to confirm this device may send; sending pauses and resumes by itself.',
} as const;

/**
 * Keeps one campaign's lease while this device wants to send: takes it, renews it, retries when it
 * is held elsewhere or the service is unreachable, and tells listeners whenever anything changes.
 */
export class LeaseKeeper {
  readonly campaignId: string;
  readonly #port: SendLease;
  readonly #deviceId: string;
  readonly #clock: Clock;
  readonly #seconds: number;
  readonly #renewEveryMs: number;
  readonly #marginMs: number;
  #validUntil = 0;
  #epoch = 0;
  #status: LeaseStatus = 'idle';
  #run: AbortController | null = null;
  /**
   * Takes and give-backs go out one at a time, in order: a give-back covers any take still out
   * before it, and can never arrive after (and end) a newer take.
   */
  #requests: Promise<unknown> = Promise.resolve();
  #listeners = new Set<() => void>();

  /**
   * `clock` must run at the service's pace (real time: the service counts the lease on its wall
   * clock, also when the demo's send clock runs fast). `seconds`: the lease's length, LEASE_SECONDS
   * except in the demo (CANDOR_DEMO_LEASE_SECONDS); renewal and margin keep their proportions
   * (every third of it, a sixth of it).
   */
  constructor(
    port: SendLease,
    deviceId: string,
    campaignId: string,
    clock: Clock,
    seconds: number = LEASE_SECONDS,
  ) {
    this.#port = port;
    this.#deviceId = deviceId;
    this.campaignId = campaignId;
    this.#clock = clock;
    this.#seconds = seconds;
    this.#renewEveryMs = (RENEW_EVERY_MS * seconds) / LEASE_SECONDS;
    this.#marginMs = (LEASE_MARGIN_MS * seconds) / LEASE_SECONDS;
  }

  get status(): LeaseStatus {
    return this.#status;
  }

  /**
   * Grows by one each time the lease is gained after a gap (first take, or after it ran out):
   * whatever this device knew before the gap may be stale, so it reloads the campaign first.
   */
  get epoch(): number {
    return this.#epoch;
  }

  get wanted(): boolean {
    return this.#run !== null;
  }

  /** Whether this device may send right now. */
  valid(): boolean {
    return this.#clock.now() < this.#validUntil;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Starts taking and renewing the lease (idempotent) until release() or stop(). */
  keep(): void {
    if (this.#run) return;
    this.#run = new AbortController();
    this.#set('taking');
    void this.#loop(this.#run.signal);
  }

  /** Stops renewing and gives the lease back, so another device can take over at once. */
  async release(): Promise<void> {
    if (!this.stop()) return;
    try {
      await this.#request(() => this.#port.release(this.campaignId, this.#deviceId));
    } catch {
      // Unreachable: the lease lapses by itself within LEASE_SECONDS.
    }
  }

  #request<T>(call: () => Promise<T>): Promise<T> {
    const next = this.#requests.then(call);
    this.#requests = next.catch(() => undefined);
    return next;
  }

  /** Stops renewing without telling the service; returns whether it was being kept. */
  stop(): boolean {
    const run = this.#run;
    if (!run) return false;
    this.#run = null;
    run.abort();
    this.#validUntil = 0;
    this.#set('idle');
    return true;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let sentAt = this.#clock.now();
      let delay: number;
      try {
        const answer = await this.#request(() => {
          sentAt = this.#clock.now();
          return this.#port.take(this.campaignId, this.#deviceId, this.#seconds);
        });
        // Released while the request was out: release() gives back whatever it took.
        if (signal.aborted) return;
        if (!answer.held) {
          // Still valid when the answer came: no other device can have held it in between.
          if (!this.valid()) this.#epoch++;
          this.#validUntil = sentAt + this.#seconds * 1000 - this.#marginMs;
          delay = this.#renewEveryMs;
          this.#set('held');
        } else {
          this.#validUntil = 0;
          delay = Math.min(Math.max(answer.retryAfterSeconds * 1000, 1_000), this.#seconds * 1000);
          this.#set('elsewhere');
        }
      } catch {
        if (signal.aborted) return;
        delay = RETRY_UNREACHABLE_MS;
        this.#set(this.valid() ? 'held' : 'unreachable');
      }
      // Wake when the lease runs out too, so the screens say so on time.
      const left = this.#validUntil - this.#clock.now();
      if (left > 0) delay = Math.min(delay, left);
      try {
        await this.#clock.sleep(delay, signal);
      } catch {
        return;
      }
    }
  }

  #set(status: LeaseStatus): void {
    this.#status = status;
    for (const listener of [...this.#listeners]) listener();
  }
}

/** This device's id for the lease: a random uuid kept in localStorage (not personal data). */
export function localDeviceId(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  newId: () => string = () => crypto.randomUUID(),
): string {
  const key = 'candor.deviceId';
  let id = storage.getItem(key);
  if (!id) {
    id = newId();
    storage.setItem(key, id);
  }
  return id;
}

/** The API client's methods (src/api/client.ts), when it has them. */
interface LeaseClient {
  takeLease(campaignId: string, deviceId: string, seconds: number): Promise<LeaseAnswer>;
  releaseLease(campaignId: string, deviceId: string): Promise<unknown>;
}

/** Adapts the API client; undefined when it has no lease methods (then one device sends, as before). */
export function leaseFromClient(client: object): SendLease | undefined {
  const c = client as Partial<LeaseClient>;
  if (typeof c.takeLease !== 'function' || typeof c.releaseLease !== 'function') return undefined;
  const { takeLease, releaseLease } = c as LeaseClient;
  return {
    take: (campaignId, deviceId, seconds) => takeLease.call(client, campaignId, deviceId, seconds),
    release: async (campaignId, deviceId) => void (await releaseLease.call(client, campaignId, deviceId)),
  };
}
