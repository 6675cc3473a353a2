/**
 * Two devices of one recruiter against one Candor service and one Exchange mailbox, on one
 * simulated clock. Each device has its own storage (this device's copy of the campaign) and its
 * own pages: booting a device again is a reload, crashing one kills its page without a goodbye
 * (nothing released, nothing pushed). The service keeps versioned campaign states and the send
 * lease (exclusive, with expiry); the mailbox keeps the ground truth of what was delivered.
 */
import type { CampaignStateRecord, PutStateResult } from '../../../src/api/client';
import { ApiError } from '../../../src/api/errors';
import { type Campaign, campaignSnapshot, createCampaignSend } from '../../../src/core/campaign';
import type { MailSender } from '../../../src/core/mail';
import type { RecipientRecord } from '../../../src/core/send';
import type { StateCipher } from '../../../src/crypto/state-cipher';
import { ManualClock } from '../../../src/shared/clock';
import type { CandorDb, StoredSnapshot } from '../../../src/storage/db';
import { createCampaignSync } from '../../../src/storage/state-sync';
import { CampaignController } from '../../../src/ui/campaign/controller';
import type {
  CampaignRuntime,
  CampaignStore,
  PersistedCampaign,
  TemplateLibrary,
} from '../../../src/ui/campaign/runtime';
import type { LeaseAnswer, SendLease } from '../../../src/ui/campaign/send-lease';
import type { SendLock } from '../../../src/ui/campaign/send-lock';
import { syncedCampaignStore } from '../../../src/ui/campaign/synced-store';
import { FakeMailbox } from '../../core/support/fake-mailbox';

/** Web Locks within one device: a campaign is held until released. */
function memoryLock(): SendLock {
  const held = new Set<string>();
  return {
    async acquire(id) {
      if (held.has(id)) return null;
      held.add(id);
      return () => void held.delete(id);
    },
  };
}

const noTemplates: TemplateLibrary = { list: () => [], save: () => {}, remove: () => {} };

const me = { tid: 'tenant-1', oid: 'user-1' };
export const CAMPAIGN_ID = 'c-two-devices';

/** The service's campaign states: optimistic versions, as the real backend. */
class StateServer {
  states = new Map<string, CampaignStateRecord>();
  async get(id: string) {
    return this.states.get(id) ?? null;
  }
  async put(id: string, s: { expectedVersion: number | null; blob: Uint8Array }): Promise<PutStateResult> {
    const current = this.states.get(id)?.version ?? null;
    if (s.expectedVersion !== current) return { ok: false, currentVersion: current };
    const version = (current ?? 0) + 1;
    this.states.set(id, { campaignId: id, version, blob: new Uint8Array(s.blob), updatedAt: 0 });
    return { ok: true, version };
  }
}

/** The service's send lease: exclusive until it expires; requests take `latencyMs` each way. */
export class LeaseServer {
  held = new Map<string, { deviceId: string; expiresAt: number }>();
  constructor(
    readonly clock: ManualClock,
    readonly latencyMs: number,
  ) {}
  holder(campaignId: string): string | null {
    const h = this.held.get(campaignId);
    return h && h.expiresAt > this.clock.now() ? h.deviceId : null;
  }
  async take(campaignId: string, deviceId: string, seconds: number): Promise<LeaseAnswer> {
    if (seconds < 15 || seconds > 600) throw new Error('seconds out of range');
    await this.clock.sleep(this.latencyMs);
    const now = this.clock.now();
    const holder = this.holder(campaignId);
    let answer: LeaseAnswer;
    if (holder && holder !== deviceId) {
      const h = this.held.get(campaignId)!;
      answer = { held: true, retryAfterSeconds: Math.ceil((h.expiresAt - now) / 1000) };
    } else {
      this.held.set(campaignId, { deviceId, expiresAt: now + seconds * 1000 });
      answer = { held: false, expiresAt: now + seconds * 1000 };
    }
    await this.clock.sleep(this.latencyMs);
    return answer;
  }
  async release(campaignId: string, deviceId: string): Promise<void> {
    await this.clock.sleep(this.latencyMs);
    if (this.held.get(campaignId)?.deviceId === deviceId) this.held.delete(campaignId);
  }
}

/** Campaign states are sealed by the real cipher in the app; here a readable stand-in keeps the binding check. */
const plainCipher: StateCipher = {
  keyId: 'k1',
  async encrypt(binding, value) {
    return new TextEncoder().encode(JSON.stringify({ binding, value }));
  },
  async decrypt<T>(binding: unknown, blob: Uint8Array) {
    const { binding: b, value } = JSON.parse(new TextDecoder().decode(blob)) as {
      binding: unknown;
      value: T;
    };
    if (JSON.stringify(b) !== JSON.stringify(binding)) throw new Error('sealed for another version');
    return value;
  },
};

/** One device's IndexedDB snapshots store, in memory (survives the device's reloads). */
function memoryDb(): CandorDb {
  const rows = new Map<string, StoredSnapshot>();
  const key = (k: unknown) => JSON.stringify(k);
  return {
    async get(_store: string, k: unknown) {
      const row = rows.get(key(k));
      return row ? structuredClone(row) : undefined;
    },
    async put(_store: string, value: StoredSnapshot) {
      rows.set(key([value.tid, value.oid, value.campaignId]), structuredClone(value));
    },
    async delete(_store: string, k: unknown) {
      rows.delete(key(k));
    },
  } as unknown as CandorDb;
}

export interface SendRecord {
  device: string;
  address: string;
  at: number;
  /** Who the service said held the lease when the request left. */
  holder: string | null;
}

export class World {
  readonly clock = new ManualClock();
  readonly mailbox: FakeMailbox;
  readonly states = new StateServer();
  readonly leases: LeaseServer;
  readonly sends: SendRecord[] = [];
  constructor(options: { leaseLatencyMs?: number; graphLatencyMs?: number } = {}) {
    this.mailbox = new FakeMailbox({
      clock: this.clock,
      latencyMs: options.graphLatencyMs ?? 300,
      sentItemsDelayMs: 2_000,
    });
    this.leases = new LeaseServer(this.clock, options.leaseLatencyMs ?? 100);
  }

  device(name: string): Device {
    return new Device(this, name);
  }

  /** Runs simulated time until `done()` or `maxMs` passed; returns whether `done()` held. */
  async runUntil(done: () => boolean, maxMs = 60 * 60_000): Promise<boolean> {
    const until = this.clock.now() + maxMs;
    while (this.clock.now() < until) {
      if (done()) return true;
      if (!(await this.clock.runNext())) await this.clock.advance(1_000);
    }
    return done();
  }

  async runFor(ms: number): Promise<void> {
    await this.clock.advance(ms);
  }

  /** Puts a campaign of `n` prospects on the service, ready to send (as "Send" on some device left it). */
  async seed(n: number, ratePerMinute = 30): Promise<Campaign> {
    const prospects = Array.from({ length: n }, (_, i) => ({
      id: `p${i + 1}`,
      row: i + 1,
      email: `person${i + 1}@example.com`,
      fields: { email: `person${i + 1}@example.com`, firstName: `P${i + 1}` },
      trackOpens: false,
    }));
    const campaign: Campaign = {
      id: CAMPAIGN_ID,
      name: 'Spring hiring',
      template: { subject: 'Hello {{firstName}}', html: '<p>Hi {{firstName}}</p>' },
      prospects,
      fields: ['email', 'firstName'],
      trackOpens: false,
      ratePerMinute,
    };
    const engine = createCampaignSend(campaign, {
      clock: this.clock,
      sender: this.mailbox,
      pixelUrl: async () => 'https://t.example/o/x.gif',
    });
    const value: PersistedCampaign = {
      version: 1,
      draft: null,
      snapshot: campaignSnapshot(campaign, engine),
      backendSends: {},
    };
    const blob = await plainCipher.encrypt({ ...me, campaignId: campaign.id, version: 1 }, value);
    await this.states.put(campaign.id, { expectedVersion: null, blob });
    return campaign;
  }

  /** The campaign as the service has it now. */
  async serverCopy(): Promise<PersistedCampaign> {
    const record = this.states.states.get(CAMPAIGN_ID)!;
    return plainCipher.decrypt<PersistedCampaign>(
      { ...me, campaignId: CAMPAIGN_ID, version: record.version },
      record.blob,
    );
  }
}

interface Page {
  dead: boolean;
  controller: CampaignController;
  store: CampaignStore;
}

export class Device {
  readonly db = memoryDb();
  readonly lock = memoryLock();
  readonly pointer = new Map<string, string>();
  /** The device cannot reach Candor's service (state and lease); Graph still works. */
  offline = false;
  /** Only the lease endpoint fails (e.g. a proxy blocks it): the state still syncs. */
  leaseBlocked = false;
  page: Page | null = null;
  /** False: this device's pane does not coordinate through the lease (today's single-device code). */
  useLease = true;

  constructor(
    readonly world: World,
    readonly name: string,
  ) {
    this.pointer.set('current', CAMPAIGN_ID);
  }

  get controller(): CampaignController {
    if (!this.page || this.page.dead) throw new Error(`${this.name} has no page open`);
    return this.page.controller;
  }

  get alive(): boolean {
    return Boolean(this.page && !this.page.dead);
  }

  /** Opens the pane (or reloads it): a new page over this device's storage. */
  async boot(): Promise<CampaignController> {
    const { world } = this;
    const page = { dead: false } as Page;
    const unreachable = () => page.dead || this.offline;
    const network = () => new ApiError('network');
    const api = {
      getCampaignState: async (id: string) => {
        if (unreachable()) throw network();
        const r = await world.states.get(id);
        if (unreachable()) throw network();
        return r;
      },
      putCampaignState: async (id: string, s: { expectedVersion: number | null; blob: Uint8Array }) => {
        if (unreachable()) throw network();
        return world.states.put(id, s);
      },
    };
    const store = syncedCampaignStore(
      {
        campaign: <T>(campaignId: string, o: object) =>
          createCampaignSync<T>({
            db: this.db,
            api,
            cipher: plainCipher,
            identity: me,
            campaignId,
            clock: world.clock,
            ...o,
          }),
        listCampaigns: async () => [],
      },
      {
        getItem: (k) => this.pointer.get(k) ?? null,
        setItem: (k, v) => void this.pointer.set(k, v),
        removeItem: (k) => void this.pointer.delete(k),
      },
      'current',
    );
    const port: SendLease = {
      take: async (c, d, s) => {
        if (unreachable() || this.leaseBlocked) {
          await world.clock.sleep(world.leases.latencyMs);
          throw network();
        }
        return world.leases.take(c, d, s);
      },
      release: async (c, d) => {
        if (unreachable() || this.leaseBlocked) throw network();
        await world.leases.release(c, d);
      },
    };
    const sender: MailSender = {
      sendMail: (mail) => {
        world.sends.push({
          device: this.name,
          address: mail.to.address,
          at: world.clock.now(),
          holder: world.leases.holder(CAMPAIGN_ID),
        });
        return world.mailbox.sendMail(mail);
      },
      listSentSince: (since) => world.mailbox.listSentSince(since),
    };
    let ids = 0;
    let sendIds = 0;
    const name = this.name;
    const runtime: CampaignRuntime = {
      clock: world.clock,
      timeFactor: 1,
      sender,
      async registerSend() {
        return { sendId: `send-${name}-${++sendIds}`, pixelUrl: null };
      },
      store,
      syncProblem: () => null,
      subscribeSyncProblem: () => () => undefined,
      templates: noTemplates,
      lock: this.lock,
      ...(this.useLease ? { lease: { port, deviceId: `device-${this.name}` } } : {}),
      newId: () => `campaign-${this.name}-${++ids}`,
      async close() {},
    };
    page.store = store;
    page.controller = new CampaignController(runtime);
    this.page = page;
    await page.controller.load();
    return page.controller;
  }

  /** The page dies at once (tab killed, laptop lid closed): nothing is released or pushed after. */
  crash(): void {
    const page = this.page;
    if (!page || page.dead) return;
    page.dead = true;
    page.controller.dispose();
    this.page = null;
  }

  /** The pane is closed normally (releases the lease). */
  close(): void {
    const page = this.page;
    if (!page || page.dead) return;
    page.controller.dispose();
    page.dead = true;
    this.page = null;
  }

  /** The recipients as this device's open page sees them (empty when none is open or sending). */
  recipients(): RecipientRecord[] {
    return this.alive ? this.controller.recipients() : [];
  }

  /** The lease notice this device's campaign screen shows, if any. */
  notice(): string | null {
    if (!this.alive) return null;
    const state = this.controller.getState();
    return state.phase === 'sending' ? state.notice : null;
  }

  status(): string | null {
    if (!this.alive) return null;
    const state = this.controller.getState();
    return state.phase === 'sending' ? state.progress.status : state.phase;
  }
}

/** Every recipient sent exactly once, each send left while the service recorded its device as holder. */
export function deliveriesPerAddress(world: World): Map<string, number> {
  return world.mailbox.deliveries();
}
