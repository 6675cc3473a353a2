/**
 * The send engine's sequence hooks for one campaign: which follow-up comes after a sent step, and
 * whether a queued unit may go now (sending window, stop rule, fresh reply sync). The decisions are
 * core's (src/core/sequence); this only feeds them the pane's reply-sync state and asks for a sync
 * when a unit waits for one.
 */
import type { Campaign } from '../../core/campaign';
import { followUpGate, nextFollowUp, stepOneGate } from '../../core/sequence';
import type { SendEngineOptions } from '../../core/send';
import type { MailboxLimits } from '../../core/send/mailbox-limits';
import type { ReplySyncChannel } from './reply-sync-channel';

export interface SequenceContext {
  mailbox?: MailboxLimits;
  /** Absent: this pane has no reply sync (tests), so nothing waits for one. */
  replySync?: ReplySyncChannel;
}

export function sequenceEngineOptions(
  campaign: Campaign,
  context: SequenceContext,
): Pick<SendEngineOptions, 'next' | 'gate' | 'mailbox'> {
  const { replySync } = context;
  return {
    next: (sent, view) => nextFollowUp(campaign, sent, view),
    gate: (unit, view) => {
      if ((unit.step ?? 1) <= 1) return stepOneGate(campaign, unit, view);
      const decision = followUpGate(
        campaign,
        unit,
        view,
        replySync ? replySync.syncedAt() : Number.POSITIVE_INFINITY,
      );
      if (decision.kind === 'wait' && decision.reason === 'reply-sync') replySync?.request();
      return decision;
    },
    ...(context.mailbox ? { mailbox: context.mailbox } : {}),
  };
}
