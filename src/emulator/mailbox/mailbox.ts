import { graphDate } from './errors';
import type { IdSource } from './ids';
import { inboundHeaders } from './prospects';
import type {
  FolderName,
  GraphMessage,
  InternetMessageHeader,
  ItemBody,
  Recipient,
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

/** A message plus when it becomes visible: mail "arrives" lazily, judged against the clock on each read. */
export interface StoredMessage {
  folder: FolderName;
  visibleAt: number;
  seq: number;
  data: GraphMessage;
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
  #messages: StoredMessage[] = [];
  #seq = 0;
  #ids: IdSource;
  #ambientEveryMs: number;
  #nextAmbientAt: number;
  #ambientCount = 0;

  constructor(user: UserRecord, ids: IdSource, now: number, ambientEveryMs: number) {
    this.user = user;
    this.#ids = ids;
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

  /** `inbox`, `SentItems`, `sentitems` or a folder id → the folder; null when there is none. */
  resolveFolder(idOrName: string): FolderName | null {
    const lower = idOrName.toLowerCase();
    const byName = FOLDERS.find((f) => f === lower);
    if (byName) return byName;
    return FOLDERS.find((f) => this.folderIds[f] === idOrName) ?? null;
  }

  add(input: NewMessage): StoredMessage {
    const id = this.#ids.messageId();
    const changeKey = this.#ids.changeKey();
    const domain = (this.user.mail.split('@')[1] ?? 'contoso.com').toLowerCase();
    const data: GraphMessage = {
      id,
      createdDateTime: graphDate(input.receivedMs),
      lastModifiedDateTime: graphDate(input.receivedMs),
      changeKey,
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
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
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
    const stored: StoredMessage = {
      folder: input.folder,
      visibleAt: input.visibleAt,
      seq: ++this.#seq,
      data,
    };
    this.#messages.push(stored);
    return stored;
  }

  /** Messages visible at `now` (optionally in one folder), materialising ambient mail first. */
  visible(now: number, folder?: FolderName): StoredMessage[] {
    this.#materialiseAmbient(now);
    return this.#messages.filter((m) => m.visibleAt <= now && (!folder || m.folder === folder));
  }

  /** Every message including those still in transport (for inspection). */
  all(folder?: FolderName): StoredMessage[] {
    return this.#messages.filter((m) => !folder || m.folder === folder);
  }

  find(id: string, now: number): StoredMessage | undefined {
    return this.visible(now).find((m) => m.data.id === id);
  }

  #materialiseAmbient(now: number): void {
    if (this.#ambientEveryMs <= 0) return;
    while (this.#nextAmbientAt <= now) {
      this.#addAmbient(this.#nextAmbientAt);
      this.#nextAmbientAt += this.#ambientEveryMs;
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
