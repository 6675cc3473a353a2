import { z } from 'zod';
import type { SendSnapshot } from '../send/snapshot';
import type { Campaign } from './campaign';

/** A campaign and where its sending stands: what the UI persists (encrypted) and restores. */
export interface CampaignSnapshot {
  version: 1;
  campaign: Campaign;
  /** Null until sending starts. */
  send: SendSnapshot | null;
}

const prospect = z.object({
  id: z.string(),
  row: z.number().int(),
  email: z.string(),
  fields: z.record(z.string(), z.string()),
  trackOpens: z.boolean(),
});

const campaign = z.object({
  id: z.string(),
  name: z.string(),
  template: z.object({ subject: z.string(), html: z.string() }),
  prospects: z.array(prospect),
  fields: z.array(z.string()),
  trackOpens: z.boolean(),
  ratePerMinute: z.number().int().min(1).max(30),
});

const recipientState = z.enum(['queued', 'sending', 'sent', 'failed', 'uncertain']);

const recipient = z.object({
  id: z.string(),
  address: z.string(),
  state: recipientState,
  attempts: z.number().int().min(0),
  attempt: z.object({ sendId: z.string(), startedAt: z.number(), subject: z.string() }).nullable(),
  sentAt: z.number().nullable(),
  confirmedBy: z.enum(['accepted', 'sent-items']).nullable(),
  sentItemId: z.string().nullable(),
  // Added with reply tracking; optional so snapshots saved before still load.
  conversationId: z.string().optional(),
  internetMessageId: z.string().optional(),
  copySearchEndedAt: z.number().optional(),
  response: z.object({ kind: z.enum(['replied', 'bounced', 'out-of-office']), at: z.number() }).optional(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  uncertain: z
    .object({ reason: z.string(), since: z.number(), nextCheckAt: z.number(), awaitingDecision: z.boolean() })
    .nullable(),
});

const send = z.object({
  version: z.literal(1),
  savedAt: z.number(),
  status: z.enum(['ready', 'running', 'paused', 'stopped', 'cancelled', 'finished']),
  stopReason: z
    .object({ code: z.string(), message: z.string(), at: z.number(), retryAt: z.number().optional() })
    .nullable(),
  recipients: z.array(recipient),
  pacer: z.object({
    recent: z.array(z.number()),
    pausedUntil: z.number(),
    throttleStreak: z.number().int().min(0),
  }),
});

const schema = z.object({ version: z.literal(1), campaign, send: send.nullable() });

/**
 * Reads a stored snapshot back, refusing anything malformed: a corrupt snapshot must not turn into
 * a campaign that resends (or forgets) people.
 */
export function parseCampaignSnapshot(value: unknown): CampaignSnapshot {
  const parsed = schema.parse(value);
  if (parsed.send) {
    const ids = new Set(parsed.campaign.prospects.map((p) => p.id));
    const stray = parsed.send.recipients.find((r) => !ids.has(r.id));
    if (stray) throw new Error('The send state names a recipient the campaign does not have.');
  }
  return parsed;
}
