/**
 * The send engine's sequence hooks for one campaign: which follow-up comes after a sent step, and
 * whether a queued unit may go now (sending window, stop rule, fresh reply sync). The decisions are
 * core's (src/core/sequence); this only feeds them the pane's reply-sync state and asks for a sync
 * when a unit waits for one.
 */
import type { Campaign } from '../../core/campaign';
import { followUpGate, nextFollowUp, REPLY_SYNC_MAX_AGE_MS, stepOneGate } from '../../core/sequence';
import type { SendEngineOptions } from '../../core/send';
import type { MailboxLimits } from '../../core/send/mailbox-limits';
import type { ReplySyncChannel } from './reply-sync-channel';

export interface SequenceContext {
  mailbox?: MailboxLimits;
  /** Absent: this pane has no reply sync (tests), so nothing waits for one. */
  replySync?: ReplySyncChannel;
  /** Simulated seconds per real second (the demo's fast clock), default 1. */
  timeFactor?: number;
}

/**
 * A reply sync takes a second or so of real time. On the demo's fast clock that is hours of
 * simulated time, longer than the hour a sync stays fresh for: the limit is stretched to ten real
 * seconds there, so follow-ups do not wait for a sync that can never be fresh enough.
 */
function maxSyncAge(timeFactor: number): number {
  return Math.max(REPLY_SYNC_MAX_AGE_MS, 10_000 * timeFactor);
}

export function sequenceEngineOptions(
  campaign: Campaign,
  context: SequenceContext,
): Pick<SendEngineOptions, 'next' | 'gate' | 'mailbox'> {
  const { replySync } = context;
  const maxAge = maxSyncAge(context.timeFactor ?? 1);
  return {
    next: (sent, view) => nextFollowUp(campaign, sent, view),
    gate: (unit, view) => {
      if ((unit.step ?? 1) <= 1) return stepOneGate(campaign, unit, view);
      const decision = followUpGate(
        campaign,
        unit,
        view,
        replySync ? replySync.syncedAt() : Number.POSITIVE_INFINITY,
        maxAge,
      );
      if (decision.kind === 'wait' && decision.reason === 'reply-sync') replySync?.request();
      // Reply sync is what finds the previous step's copy; without it nobody will: send (as a new message).
      if (!replySync && decision.kind === 'wait' && decision.reason === 'thread-copy')
        return { kind: 'send' };
      return decision;
    },
    ...(context.mailbox ? { mailbox: context.mailbox } : {}),
  };
}
