import type { Mailbox } from './mailbox';
import { inboundHeaders } from './prospects';
import type { FolderName } from './types';

const SENDERS = [
  ['IT Helpdesk', 'it-helpdesk@contoso.example'],
  ['Talent Weekly', 'news@talentweekly.example'],
  ['Jordan Reyes', 'jordan.reyes@contoso.example'],
  ['Calendar', 'calendar-noreply@contoso.example'],
  ['Priya Shah', 'priya.shah@fabrikam.example'],
  ['Payroll', 'payroll@contoso.example'],
] as const;

const SUBJECTS = [
  'Weekly pipeline review',
  'RE: Interview loop debrief',
  'Accepted: Hiring sync',
  'Your expense report was approved',
  'FW: Candidate packet',
  'Newsletter: five hiring trends',
];

export interface FillOptions {
  /** Messages are spread evenly over this span before `now`. Default 365 days. */
  spanMs?: number;
  /** Share already read. Default 0.9. */
  readShare?: number;
}

/**
 * Adds `count` unrelated, already-delivered messages to a folder, fast (50,000 in about a second):
 * ids are real emulator ids, headers are built only if someone reads them.
 */
export function fillFolder(
  mailbox: Mailbox,
  folder: FolderName,
  count: number,
  now: number,
  options: FillOptions = {},
): void {
  const span = options.spanMs ?? 365 * 24 * 3_600_000;
  const readShare = options.readShare ?? 0.9;
  const me = { emailAddress: { name: mailbox.user.displayName, address: mailbox.user.mail } };
  for (let i = 0; i < count; i++) {
    const [name, address] = SENDERS[i % SENDERS.length]!;
    const subject = SUBJECTS[(i * 7) % SUBJECTS.length]!;
    const receivedMs = now - span + Math.floor(((i + 1) * span) / (count + 1));
    const messageId = `<bulk.${i}.${receivedMs}@${address.split('@')[1]}>`;
    mailbox.add({
      folder,
      visibleAt: receivedMs,
      sentMs: receivedMs - 4000,
      receivedMs,
      subject,
      body: { contentType: 'text', content: subject },
      from: { emailAddress: { name, address } },
      toRecipients: [me],
      internetMessageId: messageId,
      isRead: i % 100 < readShare * 100,
      lazyHeaders: () =>
        inboundHeaders({
          from: address,
          fromName: name,
          to: mailbox.user.mail,
          subject,
          messageId,
          sentMs: receivedMs - 4000,
          receivedMs,
          networkMessageId: `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`,
        }),
    });
  }
}
