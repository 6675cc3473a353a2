import { z } from 'zod';
import { followUpId } from '../send/recipient';
import type { SendSnapshot } from '../send/snapshot';
import { checkSequence } from '../sequence/validate';
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

const mailTemplate = z.object({ subject: z.string(), html: z.string() });

const sendingWindow = z.object({
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
  startMinute: z.number().int().min(0).max(1440),
  endMinute: z.number().int().min(0).max(1440),
  timeZone: z.string(),
  prospectTimeZoneField: z.string().nullable(),
});

const sequence = z
  .object({
    followUps: z
      .array(
        z.object({
          template: mailTemplate,
          delay: z.object({
            amount: z.number().int().min(1).max(30),
            unit: z.enum(['business-days', 'calendar-days']),
          }),
        }),
      )
      .max(4),
    window: sendingWindow.nullable(),
    outOfOffice: z.discriminatedUnion('action', [
      z.object({ action: z.literal('skip') }),
      z.object({ action: z.literal('delay'), days: z.number().int().min(1).max(30) }),
    ]),
    graceMinutes: z.number().int().min(0).max(60),
    timeZone: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    // Ranges are above; this adds what they cannot say (start before end, a zone this device knows).
    for (const message of checkSequence(value)) ctx.addIssue({ code: 'custom', message });
  });

const campaign = z.object({
  id: z.string(),
  name: z.string(),
  template: mailTemplate,
  prospects: z.array(prospect),
  fields: z.array(z.string()),
  trackOpens: z.boolean(),
  ratePerMinute: z.number().int().min(1).max(30),
  // Added with sequences; optional so snapshots saved before still load (one step, any time).
  sequence: sequence.optional(),
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
  // Added with sequences; optional so snapshots saved before still load (step 1).
  step: z.number().int().min(1).optional(),
  prospectId: z.string().optional(),
  notBefore: z.number().optional(),
  threadOf: z.string().optional(),
  threading: z.object({ how: z.enum(['reply', 'new-message']), reason: z.string().optional() }).optional(),
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
  // Prospects the recruiter stopped (removed by hand, do-not-contact): no further step.
  stopped: z
    .record(z.string(), z.object({ code: z.enum(['removed', 'do-not-contact']), at: z.number() }))
    .optional(),
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
    // Step-1 records carry the prospect id; a follow-up record `prospectId#step` names its prospect.
    const stray = parsed.send.recipients.find((r) => {
      const prospectId = r.prospectId ?? r.id;
      const step = r.step ?? 1;
      return !ids.has(prospectId) || (step > 1 && r.id !== followUpId(prospectId, step));
    });
    if (stray) throw new Error('The send state names a recipient the campaign does not have.');
  }
  return parsed;
}
