import { graphDate } from './errors';
import type { IdSource } from './ids';
import { inboundHeaders } from './prospects';
import type {
  FolderName,
  GraphMessage,
  InternetMessageHeader,
  ItemBody,
  Recipient,
  SendingBlock,
  UserRecord,
} from './types';

export const FOLDERS: readonly FolderName[] = [
  'inbox',
  'sentitems',
  'drafts',
  'deleteditems',
  'junkemail',
  'archive',
];

/**
 * A message plus when it becomes visible: mail "arrives" lazily, judged against the clock on each read.
 * `changeSeq` orders every change of the mailbox (arrival, read, flag, move) for delta.
 */
export interface StoredMessage {
  folder: FolderName;
  visibleAt: number;
  /** Creation order. */
  seq: number;
  /** False while in transport; arrival makes it visible. Null once purged. */
  visible: boolean | null;
  /** The change at which it appeared in its current folder (0 until visible). */
  createdSeq: number;
  /** The change at which it last changed (arrival, read, flag, move). */
  changeSeq: number;
  data: GraphMessage;
}

/** A message that left a folder (deleted, moved out, purged): delta reports `@removed` for it. */
export interface Tombstone {
  id: string;
  seq: number;
  receivedMs: number;
}

/** What a user (or a rule) does to a message after it arrived. */
export type MailboxAction =
  | { action: 'read' | 'unread' | 'flag' | 'unflag' | 'purge' }
  /** Move to another folder: Exchange gives the message a new id (unless immutable ids are asked for). */
  | { action: 'move'; to: FolderName }
  /** Outlook's delete: a move to Deleted Items. */
  | { action: 'delete' };

interface ScheduledEvent {
  at: number;
  order: number;
  run: (at: number) => void;
}

/** What a prospect's server received (the recipient copy, custom X- headers included). */
export interface Delivery {
  to: string;
  deliveredAt: number;
  subject: string;
  body: ItemBody;
  internetMessageId: string;
  conversationId: string;
  headers: InternetMessageHeader[];
}

export interface NewMessage {
  folder: FolderName;
  visibleAt: number;
  sentMs: number;
  receivedMs: number;
  subject: string;
  body: ItemBody;
  from: Recipient;
  toRecipients: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
  conversationId?: string;
  conversationIndex?: string;
  internetMessageId?: string;
  internetMessageHeaders?: InternetMessageHeader[];
  importance?: 'low' | 'normal' | 'high';
  isRead?: boolean;
  /** Headers built on first read (bulk-filled mailboxes would otherwise hold millions of objects). */
  lazyHeaders?: () => InternetMessageHeader[];
  /** What the user does with it after it arrived, relative to its arrival. */
  then?: (MailboxAction & { afterMs: number })[];
}

function webLinkOf(id: string): string {
  return `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`;
}

/** A body as plain text: tags stripped, whitespace folded. */
export function textOf(body: ItemBody): string {
  const text = body.contentType === 'html' ? body.content.replace(/<[^>]*>/g, ' ') : body.content;
  return text.replace(/\s+/g, ' ').trim();
}

/** The preview Exchange builds: the text of the body, 255 characters. */
export function previewOf(body: ItemBody): string {
  return textOf(body).slice(0, 255);
}

const AMBIENT = [
  { from: 'it-helpdesk', name: 'IT Helpdesk', subject: 'Scheduled maintenance this weekend', internal: true },
  { from: 'news', name: 'Talent Weekly', subject: 'This week in hiring: five trends', internal: false },
  { from: 'jordan.reyes', name: 'Jordan Reyes', subject: 'RE: Team lunch on Friday', internal: true },
  { from: 'calendar-noreply', name: 'Calendar', subject: 'Accepted: Interview loop debrief', internal: true },
];

/** One user's mailbox: folders, messages, delta sync states and what was delivered to prospects. */
export class Mailbox {
  readonly user: UserRecord;
  readonly folderIds: Record<FolderName, string>;
  readonly deliveries: Delivery[] = [];
  /** Delta tokens (`$deltatoken`/`$skiptoken`) of this mailbox; see delta.ts. */
  readonly syncStates = new Map<string, unknown>();
  /**
   * The user's grant was revoked at this time (seconds): tokens issued at or before it are refused,
   * as continuous access evaluation does; a new sign-in (a later token) works. Null: not revoked.
   */
  revokedAtSeconds: number | null = null;
  /** Our own Exchange refuses every message (accepted, then an NDR) for this reason; null: sends normally. */
  sendingBlock: SendingBlock | null = null;
  /** Messages sent to each address (lower-case), so prospects can answer a follow-up differently. */
  readonly #sentTo = new Map<string, number>();
  /** Every message ever added (in transport, visible or purged), by creation order. */
  #messages: StoredMessage[] = [];
  /** Visible messages by id. */
  #byId = new Map<string, StoredMessage>();
  /** Visible messages per folder, by id. */
  #folders = new Map<FolderName, Map<string, StoredMessage>>(FOLDERS.map((f) => [f, new Map()]));
  #tombstones = new Map<FolderName, Tombstone[]>(FOLDERS.map((f) => [f, []]));
  #events: ScheduledEvent[] = [];
  #eventOrder = 0;
  #seq = 0;
  #changeSeq = 0;
  /** The latest time the mailbox was brought up to. */
  #now: number;
  #ids: IdSource;
  #ambientEveryMs: number;
  #nextAmbientAt: number;
  #ambientCount = 0;

  constructor(user: UserRecord, ids: IdSource, now: number, ambientEveryMs: number) {
    this.user = user;
    this.#ids = ids;
    this.#now = now;
    this.#ambientEveryMs = ambientEveryMs;
    this.folderIds = Object.fromEntries(FOLDERS.map((f) => [f, ids.folderId()])) as Record<
      FolderName,
      string
    >;
    this.#nextAmbientAt = now + ambientEveryMs;
    if (ambientEveryMs > 0) {
      // A lived-in inbox: a few unrelated messages from before the emulator started.
      for (const hoursAgo of [72, 26, 3]) this.#addAmbient(now - hoursAgo * 3_600_000);
    }
  }

  /** The mailbox's change counter: every arrival, update, move or removal increments it. */
  get changeSeq(): number {
    return this.#changeSeq;
  }

  /** Counts one more message sent to `address` and returns its number (1 for the first). */
  countMessageTo(address: string): number {
    const key = address.toLowerCase();
    const n = (this.#sentTo.get(key) ?? 0) + 1;
    this.#sentTo.set(key, n);
    return n;
  }

  /** `inbox`, `SentItems`, `sentitems` or a folder id → the folder; null when there is none. */
  resolveFolder(idOrName: string): FolderName | null {
    const lower = idOrName.toLowerCase();
    const byName = FOLDERS.find((f) => f === lower);
    if (byName) return byName;
    return FOLDERS.find((f) => this.folderIds[f] === idOrName) ?? null;
  }

  add(input: NewMessage): StoredMessage {
    const id = this.#ids.messageId();
    const domain = (this.user.mail.split('@')[1] ?? 'contoso.com').toLowerCase();
    const data: GraphMessage = {
      id,
      createdDateTime: graphDate(input.receivedMs),
      lastModifiedDateTime: graphDate(input.receivedMs),
      changeKey: this.#ids.changeKey(),
      categories: [],
      receivedDateTime: graphDate(input.receivedMs),
      sentDateTime: graphDate(input.sentMs),
      hasAttachments: false,
      internetMessageId:
        input.internetMessageId ??
        `<${this.#ids.hex('mid', 12).toUpperCase()}@${domain.replace(/\W/g, '')}.prod.outlook.com>`,
      subject: input.subject,
      bodyPreview: previewOf(input.body),
      importance: input.importance ?? 'normal',
      parentFolderId: this.folderIds[input.folder],
      conversationId: input.conversationId ?? this.#ids.conversationId(),
      conversationIndex:
        input.conversationIndex ?? this.#ids.bytes('conversationIndex', 22).toString('base64'),
      isDeliveryReceiptRequested: false,
      isReadReceiptRequested: false,
      isRead: input.isRead ?? input.folder === 'sentitems',
      isDraft: false,
      webLink: webLinkOf(id),
      inferenceClassification: 'focused',
      body: input.body,
      uniqueBody: input.body,
      sender: input.from,
      from: input.from,
      toRecipients: input.toRecipients,
      ccRecipients: input.ccRecipients ?? [],
      bccRecipients: input.bccRecipients ?? [],
      replyTo: [],
      flag: { flagStatus: 'notFlagged' },
      ...(input.internetMessageHeaders ? { internetMessageHeaders: input.internetMessageHeaders } : {}),
    };
    if (input.lazyHeaders) {
      const build = input.lazyHeaders;
      let cached: InternetMessageHeader[] | undefined;
      Object.defineProperty(data, 'internetMessageHeaders', {
        enumerable: true,
        configurable: true,
        get: () => (cached ??= build()),
      });
    }
    const stored: StoredMessage = {
      folder: input.folder,
      visibleAt: input.visibleAt,
      seq: ++this.#seq,
      visible: false,
      createdSeq: 0,
      changeSeq: 0,
      data,
    };
    this.#messages.push(stored);
    if (input.visibleAt <= this.#now) this.#arrive(stored);
    else this.#schedule(input.visibleAt, () => this.#arrive(stored));
    for (const step of input.then ?? []) {
      this.#schedule(input.visibleAt + step.afterMs, (at) => this.apply(stored, step, at));
    }
    return stored;
  }

  /** Runs `action` on a message at `at` (now or later on the clock). */
  schedule(message: StoredMessage, action: MailboxAction, at: number): void {
    if (at <= this.#now) this.apply(message, action, this.#now);
    else this.#schedule(at, (t) => this.apply(message, action, t));
  }

  /** Applies an action now; a message not (or no longer) visible is left alone. Returns its id after. */
  apply(message: StoredMessage, step: MailboxAction, at: number): string {
    if (message.visible !== true) return message.data.id;
    switch (step.action) {
      case 'read':
      case 'unread':
        this.#update(message, at, (d) => (d.isRead = step.action === 'read'));
        break;
      case 'flag':
      case 'unflag':
        this.#update(
          message,
          at,
          (d) => (d.flag = { flagStatus: step.action === 'flag' ? 'flagged' : 'notFlagged' }),
        );
        break;
      case 'move':
        this.#move(message, step.to, at);
        break;
      case 'delete':
        this.#move(message, 'deleteditems', at);
        break;
      case 'purge':
        this.#leave(message);
        this.#byId.delete(message.data.id);
        message.visible = null;
        break;
    }
    return message.data.id;
  }

  /** Messages visible at `now` (optionally in one folder), in no particular order. */
  visible(now: number, folder?: FolderName): StoredMessage[] {
    this.advance(now);
    return folder ? [...this.#folders.get(folder)!.values()] : [...this.#byId.values()];
  }

  /** Visible messages of one folder, without copying (delta walks 50,000 of them per round). */
  folderItems(now: number, folder: FolderName): Iterable<StoredMessage> {
    this.advance(now);
    return this.#folders.get(folder)!.values();
  }

  /** Removals from `folder` after change `afterSeq`. */
  removedSince(folder: FolderName, afterSeq: number): Tombstone[] {
    const list = this.#tombstones.get(folder)!;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(lo);
  }

  /** Every message including those still in transport (for inspection); purged ones are left out. */
  all(folder?: FolderName): StoredMessage[] {
    return this.#messages.filter((m) => m.visible !== null && (!folder || m.folder === folder));
  }

  find(id: string, now: number): StoredMessage | undefined {
    this.advance(now);
    return this.#byId.get(id);
  }

  /** Runs everything due by `now`: arrivals, users' actions, unrelated mail. Time never goes back. */
  advance(now: number): void {
    if (now < this.#now) return;
    this.#materialiseAmbient(now);
    while (this.#events.length > 0 && this.#events[0]!.at <= now) {
      const event = this.#events.shift()!;
      this.#now = Math.max(this.#now, event.at);
      event.run(event.at);
    }
    this.#now = now;
  }

  #schedule(at: number, run: (at: number) => void): void {
    const event = { at, order: ++this.#eventOrder, run };
    // Binary insertion keeps the queue ordered by time, then by the order of scheduling.
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#events[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    this.#events.splice(lo, 0, event);
  }

  #arrive(m: StoredMessage): void {
    m.visible = true;
    m.createdSeq = m.changeSeq = ++this.#changeSeq;
    this.#byId.set(m.data.id, m);
    this.#folders.get(m.folder)!.set(m.data.id, m);
  }

  #update(m: StoredMessage, at: number, change: (d: GraphMessage) => void): void {
    change(m.data);
    m.data.changeKey = this.#ids.changeKey();
    m.data.lastModifiedDateTime = graphDate(Math.max(at, Date.parse(m.data.receivedDateTime)));
    m.changeSeq = ++this.#changeSeq;
  }

  #leave(m: StoredMessage): void {
    this.#folders.get(m.folder)!.delete(m.data.id);
    this.#tombstones.get(m.folder)!.push({
      id: m.data.id,
      seq: ++this.#changeSeq,
      receivedMs: Date.parse(m.data.receivedDateTime),
    });
  }

  /** A move: gone from the old folder (`@removed` there), a new item with a new id in the new one. */
  #move(m: StoredMessage, to: FolderName, at: number): void {
    if (m.folder === to) return;
    this.#leave(m);
    this.#byId.delete(m.data.id);
    const id = this.#ids.messageId();
    m.folder = to;
    m.data.id = id;
    m.data.webLink = webLinkOf(id);
    m.data.parentFolderId = this.folderIds[to];
    m.data.changeKey = this.#ids.changeKey();
    m.data.lastModifiedDateTime = graphDate(Math.max(at, Date.parse(m.data.receivedDateTime)));
    m.createdSeq = m.changeSeq = ++this.#changeSeq;
    this.#byId.set(id, m);
    this.#folders.get(to)!.set(id, m);
  }

  #materialiseAmbient(now: number): void {
    if (this.#ambientEveryMs <= 0) return;
    while (this.#nextAmbientAt <= now) {
      const at = this.#nextAmbientAt;
      this.#nextAmbientAt += this.#ambientEveryMs;
      this.#addAmbient(at);
    }
  }
  #addAmbient(at: number): void {
    const t = AMBIENT[this.#ambientCount++ % AMBIENT.length]!;
    const userDomain = this.user.mail.split('@')[1] ?? 'contoso.com';
    const address = `${t.from}@${t.internal ? userDomain : 'talentweekly.example'}`;
    const messageId = `<${this.#ids.hex('ambient', 16)}@${t.internal ? userDomain : 'talentweekly.example'}>`;
    this.add({
      folder: 'inbox',
      visibleAt: at,
      sentMs: at - 4000,
      receivedMs: at,
      subject: t.subject,
      body: { contentType: 'html', content: `<html><body><p>${t.subject}</p></body></html>` },
      from: { emailAddress: { name: t.name, address } },
      toRecipients: [{ emailAddress: { name: this.user.displayName, address: this.user.mail } }],
      internetMessageId: messageId,
      internetMessageHeaders: inboundHeaders({
        from: address,
        to: this.user.mail,
        subject: t.subject,
        messageId,
        sentMs: at - 4000,
        receivedMs: at,
        networkMessageId: this.#ids.uuid(),
      }),
    });
  }
}
