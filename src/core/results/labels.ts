import { countOf as sharedCountOf } from '../../shared/plural';
/** The words the report uses (screens and CSV export alike), in one place. */
import type { BounceReason } from './bounce';
import type { Threading } from '../send/recipient';
import type { AttentionItem, ProspectStatus, StopCause } from './report';
import type { ReplyRecord } from './types';

export const STATUS_LABELS: Record<ProspectStatus, string> = {
  replied: 'Replied',
  bounced: 'Bounced',
  'out-of-office': 'Out of office',
  opened: 'Opened',
  sent: 'Sent',
  failed: 'Not sent (failed)',
  uncertain: 'Not sure it was sent',
  queued: 'Not sent yet',
};

export const BOUNCE_LABELS: Record<BounceReason, string> = {
  'no-such-address': 'The address does not exist',
  'mailbox-full': 'The recipient’s mailbox is full',
  rejected: 'The recipient’s mail system refused the message',
  temporary: 'Delivery was delayed; the mail system gave up',
  'sender-blocked': 'Your mailbox is blocked from sending',
  'sending-limit': 'Your mailbox reached its sending limit',
  unknown: 'The message could not be delivered',
};

/** "No more steps: …" — why a prospect's later steps did not go out. */
export const STOP_LABELS: Record<StopCause, string> = {
  replied: 'replied',
  bounced: 'bounced',
  'out-of-office': 'out of office',
  removed: 'removed from the campaign',
  'do-not-contact': 'on the do-not-contact list',
};

/** How a follow-up went out: "in the same thread", or "as a new message" (with why); '' when not recorded. */
export function threadingLabel(threading: Threading | null): string {
  if (!threading) return '';
  if (threading.how === 'reply') return 'in the same thread';
  return threading.reason ? `as a new message: ${threading.reason}` : 'as a new message';
}

/** How a matched message was tied to our send, in the recruiter's words. */
export function matchLabel(message: Pick<ReplyRecord, 'matchedBy' | 'confidence'>): string {
  if (message.confidence === 'low') return 'Unsure — please check this match';
  switch (message.matchedBy) {
    case 'conversation':
      return 'Matched by conversation';
    case 'headers':
      return 'Matched by message headers';
    case 'address-subject':
      return 'Likely — same sender and subject';
  }
}

/** "1 open", "2 opens": the shared plural helper with the two forms written inline. */
export const countOf = (count: number, one: string, other: string) => sharedCountOf(count, { one, other });
const n = countOf;

/** A needs-attention item as a sentence that says what happened and what to do. */
export function attentionText(item: AttentionItem): { title: string; action: string } {
  const count = item.prospectIds.length;
  switch (item.kind) {
    case 'sender-problem':
      return {
        title: `${BOUNCE_LABELS[item.reason ?? 'unknown']}: ${n(count, 'message', 'messages')} bounced${
          item.statusCodes?.length ? ` (${item.statusCodes.join(', ')})` : ''
        }.`,
        action:
          'Further messages will bounce too. Ask your IT admin to check your mailbox’s sending limits, then send again.',
      };
    case 'awaiting-decision':
      return {
        title: `${n(count, 'prospect', 'prospects')}: not sure the message went out.`,
        action: 'Open Campaigns to resend or mark them as not sent.',
      };
    case 'bounced':
      return {
        title: `${n(count, 'address', 'addresses')} bounced.`,
        action: 'Check the addresses in the prospect list; correct or remove them.',
      };
    case 'review-reply':
      return {
        title: `${n(count, 'possible reply', 'possible replies')} to check.`,
        action: 'Candor is not sure these answer your message. Open the prospect to see it.',
      };
    case 'failed':
      return {
        title: `${n(count, 'message', 'messages')} could not be sent.`,
        action: 'Open Campaigns to see why and send them again.',
      };
  }
}
