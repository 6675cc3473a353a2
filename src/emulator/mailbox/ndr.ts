/**
 * Non-delivery reports as different servers write them. Under Mail.ReadBasic Candor sees only header
 * fields (from, subject, conversationId) and, where Graph returns them, the internet headers — the
 * status code itself normally sits in the body's `message/delivery-status` part, which it cannot read.
 * So each shape here carries what its writer really puts in headers, and the code where it honestly can
 * appear there (a subject, `X-Failed-Recipients` names the address only). Guesses are marked in
 * docs/emulator.md.
 */
import { LOCALES, type Language } from './languages';
import type { BounceReason, BounceStyle, InternetMessageHeader } from './types';

interface StatusLine {
  /** SMTP reply code and enhanced status code, e.g. `550 5.1.1`. */
  code: string;
  /** Exchange's diagnostic text after the code. */
  exchange: string;
  /** A generic MTA's wording. */
  generic: string;
}

export const BOUNCE_STATUS: Record<BounceReason, StatusLine> = {
  'unknown-recipient': {
    code: '550 5.1.1',
    exchange: 'RESOLVER.ADR.RecipNotFound; not found',
    generic: 'Recipient address rejected: User unknown in virtual mailbox table',
  },
  'mailbox-full': {
    code: '552 5.2.2',
    exchange: 'STOREDRV.Deliver; recipient mailbox is full',
    generic: 'Mailbox full',
  },
  'sender-quota': {
    code: '550 5.2.2',
    exchange:
      'STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception',
    generic: 'Submission quota exceeded',
  },
  'tenant-limit': {
    code: '550 5.7.233',
    exchange:
      "Your message can't be sent because your organization has exceeded its external recipient rate limit",
    generic: 'External recipient rate limit exceeded',
  },
  'spam-restricted': {
    code: '550 5.1.8',
    exchange: 'Access denied, bad outbound sender',
    generic: 'Access denied, bad outbound sender',
  },
};

/** Reasons our own Exchange writes (the message never left the tenant). */
export const SENDER_SIDE: ReadonlySet<BounceReason> = new Set([
  'sender-quota',
  'tenant-limit',
  'spam-restricted',
]);

export interface BounceInput {
  reason: BounceReason;
  style: BounceStyle;
  language: Language;
  /** Our message. */
  subject: string;
  internetMessageId: string;
  /** The prospect's address. */
  recipient: string;
  /** Our mailbox's address. */
  ourAddress: string;
  /** A unique token for the NDR's Message-ID and MIME boundary. */
  unique: string;
}

export interface BounceShape {
  fromName: string;
  fromAddress: string;
  subject: string;
  /** True when its writer links it to our message (In-Reply-To/References), so Exchange threads it. */
  linked: boolean;
  messageId: string;
  headers: InternetMessageHeader[];
  bodyHtml: string;
}

const domainOf = (address: string) => (address.split('@')[1] ?? 'example.org').toLowerCase();

/** One NDR in the requested shape. Sender-side reasons are always written by our own Exchange. */
export function bounceShape(input: BounceInput): BounceShape {
  const status = BOUNCE_STATUS[input.reason];
  const style = SENDER_SIDE.has(input.reason) ? 'exchange' : input.style;
  const remote = domainOf(input.recipient);
  const ours = domainOf(input.ourAddress);
  const boundary = `NDR_${input.unique}`;
  const report = {
    name: 'Content-Type',
    value: `multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  };
  const diagnostic = `${status.code} ${style === 'exchange' ? status.exchange : status.generic}`;
  const bodyHtml = `<html><body><p>Your message to ${input.recipient} couldn't be delivered.</p><p>Remote server returned '${diagnostic}'</p></body></html>`;
  switch (style) {
    case 'exchange': {
      const messageId = `<${input.unique}@${ours.replace(/\W/g, '')}.prod.outlook.com>`;
      return {
        fromName: 'Microsoft Outlook',
        fromAddress: `postmaster@${ours}`,
        subject: `${LOCALES[input.language].ndrPrefix}${input.subject}`,
        linked: true,
        messageId,
        bodyHtml,
        headers: [
          report,
          { name: 'X-MS-Exchange-Message-Is-Ndr', value: '' },
          { name: 'Auto-Submitted', value: 'auto-replied' },
          { name: 'Thread-Topic', value: input.subject },
          { name: 'X-MS-Exchange-Organization-SCL', value: '-1' },
        ],
      };
    }
    case 'postfix':
      return {
        fromName: 'Mail Delivery System',
        fromAddress: `MAILER-DAEMON@mx.${remote}`,
        subject: 'Undelivered Mail Returned to Sender',
        linked: false,
        messageId: `<${input.unique}@mx.${remote}>`,
        bodyHtml,
        headers: [report, { name: 'Auto-Submitted', value: 'auto-replied' }],
      };
    case 'gmail':
      return {
        fromName: 'Mail Delivery Subsystem',
        fromAddress: 'mailer-daemon@googlemail.com',
        subject: 'Delivery Status Notification (Failure)',
        linked: true,
        messageId: `<${input.unique}@mx.google.com>`,
        bodyHtml,
        headers: [
          report,
          { name: 'X-Failed-Recipients', value: input.recipient },
          { name: 'Auto-Submitted', value: 'auto-replied' },
        ],
      };
    case 'exim':
      return {
        fromName: 'Mail Delivery System',
        fromAddress: `Mailer-Daemon@mail.${remote}`,
        subject: 'Mail delivery failed: returning message to sender',
        linked: false,
        messageId: `<E1${input.unique}@mail.${remote}>`,
        bodyHtml,
        headers: [
          report,
          { name: 'X-Failed-Recipients', value: input.recipient },
          { name: 'Auto-Submitted', value: 'auto-replied' },
        ],
      };
    case 'code-in-subject':
      return {
        fromName: 'postmaster',
        fromAddress: `postmaster@${remote}`,
        subject: `Delivery failure: ${status.code} ${input.recipient}`,
        linked: false,
        messageId: `<${input.unique}@${remote}>`,
        bodyHtml,
        headers: [report],
      };
  }
}
