import type { MailHeaderRecord, MailSender, OutgoingMail, SendOutcome } from '../../../src/core/mail';
import type { Clock } from '../../../src/shared/clock';

/** What the fake does with one sendMail request (mirrors the emulator's injectable faults). */
export type SendFault =
  | 'none'
  | '429'
  | '429-no-retry-after'
  | '503-before-accept'
  | '503-after-accept'
  | 'timeout-after-accept'
  | 'network-error-before-accept'
  | 'revoked'
  | 'quota'
  | 'bad-recipient';

export interface FakeMailboxOptions {
  clock: Clock;
  latencyMs?: number;
  /** How long after acceptance the copy shows in Sent Items. */
  sentItemsDelayMs?: number;
  retryAfterMs?: number;
  /** Whether listed Sent Items carry internetMessageHeaders (undocumented under Mail.ReadBasic). */
  headersVisible?: boolean;
  /** The fault for the n-th sendMail request (0-based). */
  faults?: (n: number) => SendFault;
}

interface StoredCopy {
  record: MailHeaderRecord;
  visibleAt: number;
}

/**
 * A test double of the mailbox behind the MailSender port that keeps the ground truth: which
 * messages Exchange really accepted, per address, whatever the client was told.
 */
export class FakeMailbox implements MailSender {
  readonly clock: Clock;
  readonly latencyMs: number;
  readonly sentItemsDelayMs: number;
  readonly retryAfterMs: number;
  readonly headersVisible: boolean;
  faults: (n: number) => SendFault;
  revoked = false;
  /** The network is down: nothing reaches Exchange, and the client learns only that the connection failed. */
  offline = false;
  sendRequests = 0;
  listRequests = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly requestTimes: number[] = [];
  readonly acceptedTimes: number[] = [];
  readonly copies: StoredCopy[] = [];
  readonly sentMails: OutgoingMail[] = [];

  constructor(options: FakeMailboxOptions) {
    this.clock = options.clock;
    this.latencyMs = options.latencyMs ?? 300;
    this.sentItemsDelayMs = options.sentItemsDelayMs ?? 5_000;
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
    this.headersVisible = options.headersVisible ?? false;
    this.faults = options.faults ?? (() => 'none');
  }

  /** Messages Exchange accepted per recipient address (lower case). */
  deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const c of this.copies) {
      const a = (c.record.toRecipients[0]?.address ?? '').toLowerCase();
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    return counts;
  }

  /** The largest number of accepted messages in any 60-second window. */
  maxPerMinute(): number {
    let max = 0;
    for (let i = 0, j = 0; i < this.acceptedTimes.length; i++) {
      while ((this.acceptedTimes[j] ?? 0) <= (this.acceptedTimes[i] ?? 0) - 60_000) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  reauthorize(): void {
    this.revoked = false;
  }

  async sendMail(mail: OutgoingMail): Promise<SendOutcome> {
    const n = this.sendRequests++;
    this.requestTimes.push(this.clock.now());
    this.#enter();
    try {
      if (this.offline) {
        await this.clock.sleep(this.latencyMs);
        return { kind: 'unknown', reason: 'network', connectionLost: true };
      }
      let fault = this.faults(n);
      if (this.revoked) fault = 'revoked';
      const accept = () => this.#accept(mail);
      switch (fault) {
        case 'none':
          accept();
          await this.clock.sleep(this.latencyMs);
          return { kind: 'accepted' };
        case '429':
          await this.clock.sleep(this.latencyMs);
          return { kind: 'throttled', retryAfterMs: this.retryAfterMs };
        case '429-no-retry-after':
          await this.clock.sleep(this.latencyMs);
          return { kind: 'throttled', retryAfterMs: null };
        case '503-before-accept':
          await this.clock.sleep(this.latencyMs);
          return { kind: 'unknown', reason: 'HTTP 503' };
        case '503-after-accept':
          accept();
          await this.clock.sleep(this.latencyMs);
          return { kind: 'unknown', reason: 'HTTP 503' };
        case 'timeout-after-accept':
          accept();
          await this.clock.sleep(30_000);
          return { kind: 'unknown', reason: 'timeout' };
        case 'network-error-before-accept':
          await this.clock.sleep(this.latencyMs);
          return { kind: 'unknown', reason: 'network error' };
        case 'revoked':
          this.revoked = true;
          await this.clock.sleep(this.latencyMs);
          return {
            kind: 'rejected',
            code: 'InvalidAuthenticationToken',
            message: 'Access token has been revoked.',
            fatal: true,
          };
        case 'quota':
          await this.clock.sleep(this.latencyMs);
          return {
            kind: 'rejected',
            code: 'ErrorQuotaExceeded',
            message: 'The mailbox is over its quota.',
            fatal: true,
          };
        case 'bad-recipient':
          await this.clock.sleep(this.latencyMs);
          return {
            kind: 'rejected',
            code: 'ErrorInvalidRecipients',
            message: 'The recipient is invalid.',
            fatal: false,
          };
      }
    } finally {
      this.inFlight--;
    }
  }

  async listSentSince(since: string): Promise<MailHeaderRecord[]> {
    this.listRequests++;
    this.#enter();
    try {
      await this.clock.sleep(this.latencyMs);
      if (this.offline) throw Object.assign(new Error('fetch failed'), { connectionLost: true });
      if (this.revoked) throw new Error('401 InvalidAuthenticationToken');
      const now = this.clock.now();
      const from = Date.parse(since);
      return this.copies
        .filter((c) => c.visibleAt <= now && Date.parse(c.record.sentDateTime ?? '') >= from)
        .map((c) => c.record)
        .reverse();
    } finally {
      this.inFlight--;
    }
  }

  #enter(): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }

  #accept(mail: OutgoingMail): void {
    const now = this.clock.now();
    this.acceptedTimes.push(now);
    this.sentMails.push(mail);
    const record: MailHeaderRecord = {
      id: `msg-${this.copies.length + 1}`,
      conversationId: `conv-${this.copies.length + 1}`,
      subject: mail.subject,
      toRecipients: [mail.to],
      sentDateTime: new Date(now).toISOString(),
    };
    // Graph does not return custom headers on Sent Items copies (reported); the fake can do either.
    if (this.headersVisible && mail.headers) {
      record.internetMessageHeaders = Object.entries(mail.headers).map(([name, value]) => ({ name, value }));
    }
    this.copies.push({ record, visibleAt: now + this.sentItemsDelayMs });
  }
}
