/**
 * The plain-language notes the report shows under a campaign's results: what reply tracking cannot
 * see by design, and what went wrong in the last sync.
 */
import type { ReplySyncReport } from '../replies/sync';

/** Always true of reply tracking; shown so a recruiter knows why a reply they saw is not counted. */
export const MATCHING_LIMITS: readonly string[] = [
  'A reply from a different address with a new subject can’t be connected to your campaign, so it isn’t counted.',
  'Replies are looked for in your Inbox and Junk Email only; mail a rule moved to another folder isn’t counted.',
  'A bounce that names neither the prospect nor your subject is counted only when exactly one message went out just before it.',
];

export function syncNotes(report: ReplySyncReport | null, error: string | null): string[] {
  const notes: string[] = [];
  if (error)
    notes.push(
      `Replies could not be checked just now: ${error} Candor tries again in a few minutes, or use Refresh.`,
    );
  if (!report) return notes;
  if (report.headersUnavailable)
    notes.push(
      'Your mailbox did not give Candor message headers, so replies are matched by conversation, address and subject only, and the sending server’s IP isn’t shown.',
    );
  if (report.unmatchedBounces > 0)
    notes.push(
      `${report.unmatchedBounces} bounce ${report.unmatchedBounces === 1 ? 'report' : 'reports'} could not be connected to one prospect and ${report.unmatchedBounces === 1 ? 'is' : 'are'} not counted.`,
    );
  for (const s of report.stopped) notes.push(`Sending stopped: ${s.message}`);
  return notes;
}
