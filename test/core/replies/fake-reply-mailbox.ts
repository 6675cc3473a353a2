import type { MailHeaderRecord } from '../../../src/core/mail';
import type {
  CampaignStatePort,
  DeltaCursor,
  DeltaCursorStore,
  InternetHeadersResult,
  MailFolder,
  MailFolderDeltaResult,
  MailFolderDeltaState,
  ReplyMailbox,
  ReplyUpload,
  TrackedCampaign,
} from '../../../src/core/replies/ports';
import type { RecipientNote } from '../../../src/core/send/recipient-note';
import { applyRecipientNote } from '../../../src/core/send/recipient-note';

export interface StoredMessage extends MailHeaderRecord {
  headers: { name: string; value: string }[];
}

type Change = { seq: number; upsert?: StoredMessage; removed?: string };

/**
 * A mailbox with Graph's delta semantics as reply sync sees them: changes are replayed per folder
 * after a delta link, a read or moved message is reported again, a move changes the id, and
 * headers are inline, fetched, or refused.
 */
export class FakeReplyMailbox implements ReplyMailbox {
  headersMode: 'inline' | 'fetch' | 'forbidden' = 'fetch';
  sentItems: MailHeaderRecord[] = [];
  readonly headerRequests: string[] = [];
  readonly deltaCalls: { folder: MailFolder; state: MailFolderDeltaState | undefined }[] = [];
  #seq = 0;
  #folders: Record<MailFolder, Map<string, StoredMessage>> = { inbox: new Map(), junkemail: new Map() };
  #changes: Record<MailFolder, Change[]> = { inbox: [], junkemail: [] };
  #nextId = 0;

  deliver(
    folder: MailFolder,
    m: Omit<StoredMessage, 'id' | 'toRecipients'> & { id?: string },
  ): StoredMessage {
    const stored: StoredMessage = { toRecipients: [], ...m, id: m.id ?? `msg-${++this.#nextId}` };
    this.#folders[folder].set(stored.id, stored);
    this.#changes[folder].push({ seq: ++this.#seq, upsert: stored });
    return stored;
  }

  /** Read or flagged: Graph reports the message again with the same id. */
  touch(folder: MailFolder, id: string): void {
    const m = this.#folders[folder].get(id);
    if (m) this.#changes[folder].push({ seq: ++this.#seq, upsert: m });
  }

  /** Moved: removed from one folder, and a new id in the other. */
  move(id: string, from: MailFolder, to: MailFolder): StoredMessage {
    const m = this.#folders[from].get(id);
    if (!m) throw new Error('no such message');
    this.#folders[from].delete(id);
    this.#changes[from].push({ seq: ++this.#seq, removed: id });
    return this.deliver(to, { ...m, id: `msg-${++this.#nextId}` });
  }

  async mailFolderDelta(folder: MailFolder, state?: MailFolderDeltaState): Promise<MailFolderDeltaResult> {
    this.deltaCalls.push({ folder, state });
    const since = state?.deltaLink ? Number(state.deltaLink.split(':')[2]) : null;
    const messages = new Map<string, StoredMessage>();
    const removedIds: string[] = [];
    if (since === null) {
      const from = state?.receivedSince ? Date.parse(state.receivedSince) : -Infinity;
      for (const m of this.#folders[folder].values())
        if (Date.parse(m.receivedDateTime ?? '') >= from) messages.set(m.id, m);
    } else {
      for (const c of this.#changes[folder].filter((x) => x.seq > since)) {
        if (c.upsert) messages.set(c.upsert.id, c.upsert);
        if (c.removed) {
          messages.delete(c.removed);
          removedIds.push(c.removed);
        }
      }
    }
    return {
      messages: [...messages.values()].map((m) => this.#record(m)),
      removedIds,
      deltaLink: `delta:${folder}:${this.#seq}`,
      fullSync: since === null,
      restarted: false,
      fallbackUnfiltered: false,
    };
  }

  async getInternetHeaders(id: string): Promise<InternetHeadersResult> {
    this.headerRequests.push(id);
    if (this.headersMode === 'forbidden') return { status: 'unavailable' };
    const m = this.#folders.inbox.get(id) ?? this.#folders.junkemail.get(id);
    return m ? { status: 'ok', headers: m.headers } : { status: 'gone' };
  }

  async listSentSince(since: string): Promise<MailHeaderRecord[]> {
    return this.sentItems.filter((m) => Date.parse(m.sentDateTime ?? '') >= Date.parse(since));
  }

  #record(m: StoredMessage): MailHeaderRecord {
    const { headers, ...rest } = m;
    return this.headersMode === 'inline' ? { ...rest, internetMessageHeaders: headers } : rest;
  }
}

/** Campaign state in memory, changed the way the real port does (applyRecipientNote). */
export class FakeCampaigns implements CampaignStatePort {
  constructor(
    public campaigns: TrackedCampaign[],
    private readonly now: () => number,
  ) {}

  async list(): Promise<TrackedCampaign[]> {
    return structuredClone(this.campaigns);
  }

  async annotate(campaignId: string, notes: ReadonlyMap<string, RecipientNote>): Promise<void> {
    const c = this.campaigns.find((x) => x.campaignId === campaignId);
    for (const r of c?.recipients ?? []) {
      const note = notes.get(r.id);
      if (note) applyRecipientNote(r, note, this.now());
    }
  }

  readonly registered: string[] = [];
  failRegistration = false;
  async registerSend(campaignId: string, attemptId: string): Promise<string> {
    if (this.failRegistration) throw new Error('tracking service unreachable');
    const sendId = `late-${attemptId}`;
    this.registered.push(attemptId);
    const c = this.campaigns.find((x) => x.campaignId === campaignId);
    if (c) c.backendSends[attemptId] = sendId;
    return sendId;
  }

  async stop(campaignId: string, reason: { code: string; message: string }): Promise<void> {
    const c = this.campaigns.find((x) => x.campaignId === campaignId);
    if (c) {
      c.status = 'stopped';
      c.stopReason = { ...reason, at: this.now() };
    }
  }

  recipient(campaignId: string, id: string) {
    return this.campaigns.find((c) => c.campaignId === campaignId)?.recipients.find((r) => r.id === id);
  }
}

export class MemoryCursors implements DeltaCursorStore {
  readonly saved = new Map<MailFolder, DeltaCursor>();
  async load(folder: MailFolder) {
    return this.saved.get(folder) ?? null;
  }
  async save(folder: MailFolder, cursor: DeltaCursor) {
    this.saved.set(folder, cursor);
  }
}

/** The backend's view: one row per (sendId, replyId), as derived event ids guarantee. */
export class FakeBackend {
  readonly rows = new Map<string, ReplyUpload>();
  readonly requests: ReplyUpload[] = [];
  failNext = false;
  upload = async (replies: readonly ReplyUpload[]): Promise<void> => {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('network down');
    }
    for (const r of replies) {
      this.requests.push(r);
      this.rows.set(JSON.stringify([r.sendId, r.replyId]), r);
    }
  };
}
