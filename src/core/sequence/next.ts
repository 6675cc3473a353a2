import { type Campaign, stepCount } from '../campaign/campaign';
import type { EngineView } from '../send/gate';
import { followUpId, type RecipientInput, type RecipientRecord } from '../send/recipient';
import { addDelay } from './delay';
import { prospectTimeZone } from './prospect-zone';
import { prospectOf, prospectRecords, stepOf, stopVerdict } from './stop-rule';
import { nextWindowOpen } from './window';

const MINUTE = 60_000;

/** The step-1 units of a campaign starting now: each held for the grace period (none when 0). */
export function firstStepInputs(campaign: Campaign, now: number): RecipientInput[] {
  const grace = campaign.sequence?.graceMinutes ?? 0;
  return campaign.prospects.map((p) => ({
    id: p.id,
    address: p.email,
    step: 1,
    ...(grace > 0 ? { notBefore: now + grace * MINUTE } : {}),
  }));
}

/**
 * The engine's `next`: once step k went to a prospect, step k+1 — due its delay after step k was
 * sent, counted in the prospect's time zone, at the next opening of the sending window — unless the
 * campaign has no further step, the prospect is stopped, or that step already exists.
 */
export function nextFollowUp(
  campaign: Campaign,
  sent: RecipientRecord,
  view: EngineView,
): RecipientInput | null {
  const step = stepOf(sent);
  const followUp = campaign.sequence?.followUps[step - 1];
  if (!followUp || step + 1 > stepCount(campaign)) return null;
  if (sent.state !== 'sent' || sent.sentAt === null) return null;
  const prospectId = prospectOf(sent);
  const prospect = campaign.prospects.find((p) => p.id === prospectId);
  if (!prospect) return null;
  const id = followUpId(prospectId, step + 1);
  if (view.recipient(id)) return null;
  const records = prospectRecords(campaign, prospectId, (r) => view.recipient(r));
  if (stopVerdict(campaign, records, view.stopped(prospectId)).kind === 'stop') return null;
  const zone = prospectTimeZone(campaign, prospect);
  const due = addDelay(sent.sentAt, followUp.delay, zone);
  return {
    id,
    address: sent.address,
    step: step + 1,
    prospectId,
    threadOf: sent.id,
    notBefore: nextWindowOpen(due, campaign.sequence?.window ?? null, zone),
  };
}
