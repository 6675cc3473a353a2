import { type Campaign, stepCount } from '../campaign/campaign';
import type { DropCode, StoppedProspect } from '../send/gate';
import { followUpId, type RecipientRecord } from '../send/recipient';

/** The prospect a record belongs to (step-1 records use the prospect id as their own). */
export function prospectOf(record: RecipientRecord): string {
  return record.prospectId ?? record.id;
}

export function stepOf(record: { step?: number }): number {
  return record.step ?? 1;
}

/** Every record of one prospect that exists, step 1 first. */
export function prospectRecords(
  campaign: Campaign,
  prospectId: string,
  recipient: (id: string) => RecipientRecord | undefined,
): RecipientRecord[] {
  const records: RecipientRecord[] = [];
  for (let step = 1; step <= stepCount(campaign); step++) {
    const record = recipient(step === 1 ? prospectId : followUpId(prospectId, step));
    if (record) records.push(record);
  }
  return records;
}

/** Why a prospect gets no further step, or (for an out-of-office with the delay rule) until when. */
export type StopVerdict =
  { kind: 'stop'; code: DropCode } | { kind: 'delay'; until: number; since: number } | { kind: 'go' };

const DAY = 24 * 60 * 60 * 1000;

/**
 * The stop rule, from what reply sync recorded on any of the prospect's records and what the
 * recruiter decided. A reply or bounce stops (reply sync already left out low-confidence ones); an
 * out-of-office stops with the "skip" rule and delays with the "delay" rule; so does removing the
 * prospect or adding them to the do-not-contact list.
 */
export function stopVerdict(
  campaign: Campaign,
  records: RecipientRecord[],
  stopped: StoppedProspect | undefined,
): StopVerdict {
  const responses = records.flatMap((r) => (r.response ? [r.response] : []));
  if (responses.some((r) => r.kind === 'replied')) return { kind: 'stop', code: 'replied' };
  if (responses.some((r) => r.kind === 'bounced')) return { kind: 'stop', code: 'bounced' };
  if (stopped) return { kind: 'stop', code: stopped.code };
  const away = responses.filter((r) => r.kind === 'out-of-office').map((r) => r.at);
  if (away.length === 0) return { kind: 'go' };
  const rule = campaign.sequence?.outOfOffice ?? { action: 'skip' as const };
  if (rule.action === 'skip') return { kind: 'stop', code: 'out-of-office' };
  const since = Math.max(...away);
  return { kind: 'delay', since, until: since + rule.days * DAY };
}
