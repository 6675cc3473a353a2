import type { MailHeaderRecord, OutgoingMail, ReplyOutcome, SendOutcome } from '../../../src/core/mail';
import { FakeMailbox, type FakeMailboxOptions } from '../support/fake-mailbox';

/**
 * The fake mailbox with Graph's reply and message lookup: a reply to a copy still in the mailbox
 * goes out like sendMail (same faults, same Sent Items copy, subject "RE: " + the original's, in
 * the original's conversation); a reply to a moved or deleted copy is a 404 (thread-not-found).
 */
export class SequenceMailbox extends FakeMailbox {
  replyRequests = 0;
  /** Replies answered 404 (they count as Graph requests, not as sends). */
  notFoundReplies = 0;
  findRequests = 0;
  /** Replies that found their thread: the copy replied to, and the message that went out. */
  readonly replies: { to: string; subject: string }[] = [];
  /** Copy ids that are gone (deleted, or moved: then `moved` maps the internet id to the new id). */
  readonly gone = new Set<string>();
  readonly moved = new Map<string, string>();
  /** A moved copy's new id → the id its copy is stored under. */
  readonly #aliases = new Map<string, string>();
  /** The n-th reply request (0-based) answers 404 whatever its target. */
  replyNotFound: (n: number) => boolean = () => false;
  #inReplyTo: MailHeaderRecord | null = null;

  constructor(options: FakeMailboxOptions) {
    super(options);
  }

  override sendMail(mail: OutgoingMail): Promise<SendOutcome> {
    const before = this.copies.length;
    const original = this.#inReplyTo;
    this.#inReplyTo = null;
    const outcome = super.sendMail(original ? { ...mail, subject: `RE: ${original.subject}` } : mail);
    // The fake accepts synchronously at the start of the request: give the new copy its ids.
    for (const copy of this.copies.slice(before)) {
      copy.record.internetMessageId = `<${copy.record.id}@fake.example>`;
      if (original) copy.record.conversationId = original.conversationId;
    }
    return outcome;
  }

  async reply(messageId: string, mail: OutgoingMail): Promise<ReplyOutcome> {
    const n = this.replyRequests++;
    const stored = this.#aliases.get(messageId) ?? messageId;
    const original = this.copies.find((c) => c.record.id === stored)?.record;
    if (!original || this.gone.has(messageId) || this.replyNotFound(n)) {
      this.notFoundReplies++;
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        await this.clock.sleep(this.latencyMs);
      } finally {
        this.inFlight--;
      }
      return { kind: 'thread-not-found' };
    }
    this.#inReplyTo = original;
    const outcome = await this.sendMail(mail);
    if (outcome.kind === 'accepted') this.replies.push({ to: messageId, subject: `RE: ${original.subject}` });
    return outcome;
  }

  async findMessage(internetMessageId: string): Promise<MailHeaderRecord | null> {
    this.findRequests++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.clock.sleep(this.latencyMs);
    } finally {
      this.inFlight--;
    }
    const movedTo = this.moved.get(internetMessageId);
    if (movedTo) {
      const copy = this.copies.find((c) => c.record.internetMessageId === internetMessageId);
      return copy ? { ...copy.record, id: movedTo } : null;
    }
    const copy = this.copies.find(
      (c) => c.record.internetMessageId === internetMessageId && !this.gone.has(c.record.id),
    );
    return copy?.record ?? null;
  }

  /** The copy moved to another folder: its old id 404s, its internet message id finds it under `newId`. */
  moveCopy(id: string, newId: string): void {
    const copy = this.copies.find((c) => c.record.id === id);
    if (!copy?.record.internetMessageId) throw new Error(`No copy ${id}`);
    this.gone.add(id);
    this.moved.set(copy.record.internetMessageId, newId);
    // Replies to the new id reach the same thread.
    this.#aliases.set(newId, id);
  }

  /** Graph requests of every kind: sends, replies (incl. 404s), lookups, Sent Items reads. */
  get graphRequests(): number {
    return this.sendRequests + this.notFoundReplies + this.findRequests + this.listRequests;
  }
}
