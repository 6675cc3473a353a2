/**
 * Words for a sequence being sent: step counts, when the next step is due and what it waits on.
 * Plain functions (tested on their own); the time zone is the recruiter's.
 */
import type { DropCode, WaitReason } from '../../../core/send/gate';
import type { RecipientRecord } from '../../../core/send';
import { DAILY_RECIPIENT_LIMIT } from '../../../core/send';
import { countOf, NOUNS } from '../labels';
import type { StepProgress } from './controller-api';

export const STOP_LABELS: Record<DropCode, string> = {
  replied: 'replied',
  bounced: 'bounced',
  'out-of-office': 'out of office',
  removed: 'removed by you',
  'do-not-contact': 'on the do-not-contact list',
};

function parts(at: number, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    f.formatToParts(at).find((p) => p.type === type)?.value ?? '';
  return {
    day: `${get('weekday')} ${get('day')} ${get('month')}`,
    time: `${get('hour')}:${get('minute')}`,
  };
}

/** "10:42" today, else "Tue 8 Dec, 10:42" (in the recruiter's time zone). */
export function formatWhen(at: number, now: number, timeZone: string): string {
  const when = parts(at, timeZone);
  return when.day === parts(now, timeZone).day ? when.time : `${when.day}, ${when.time}`;
}

/** Why the next step has not gone yet, as a sentence. `at`: when it should be able to go. */
export function waitText(
  reason: WaitReason | null,
  at: number | null,
  now: number,
  timeZone: string,
): string {
  const when = at === null ? null : formatWhen(at, now, timeZone);
  switch (reason) {
    case 'grace':
      return `It waits for the grace period${when ? `: sending starts at ${when}` : ''}.`;
    case 'delay':
      return `It waits for the step’s delay${when ? `: due ${when}` : ''}.`;
    case 'window':
      return `It waits for your sending window${when ? `, which opens ${when}` : ''}.`;
    case 'out-of-office':
      return `It waits because the prospect is out of office${when ? `, until ${when}` : ''}, as you chose.`;
    case 'reply-sync':
      return 'It waits for Candor to check your inbox for replies, so nobody who answered gets a follow-up. This takes a moment once Candor is connected.';
    case 'thread-copy':
      return 'It waits for the previous message’s copy in your Sent Items (at most a few minutes), so the follow-up replies in the same thread.';
    case 'daily-limit':
      return `It waits for Microsoft 365’s daily limit (${DAILY_RECIPIENT_LIMIT.toLocaleString('en')} recipients a day from one mailbox)${when ? `: sending continues ${when}` : ''}.`;
    default:
      return when ? `Due ${when}.` : '';
  }
}

/** "Step 2: 12 sent, 5 waiting. Stopped: 2 replied, 1 bounced." */
export function stepText(s: StepProgress): string {
  const stopped = (Object.entries(s.stopped) as [DropCode, number][])
    .filter(([, n]) => n > 0)
    .map(([code, n]) => `${n} ${STOP_LABELS[code]}`);
  return `Step ${s.step}: ${s.sent} sent, ${s.waiting} waiting.${stopped.length ? ` Stopped: ${stopped.join(', ')}.` : ''}`;
}

/**
 * Per-step sent and waiting counts from the engine's records; stopped counts come from the
 * controller's sequence progress (dropped units leave no record).
 */
export function stepProgress(
  records: RecipientRecord[],
  steps: number,
  fromController: StepProgress[] | null,
): StepProgress[] {
  return Array.from({ length: steps }, (_, i) => {
    const step = i + 1;
    const own = records.filter((r) => (r.step ?? 1) === step);
    return {
      step,
      sent: own.filter((r) => r.state === 'sent').length,
      waiting: own.filter((r) => r.state === 'queued' || r.state === 'sending').length,
      stopped: fromController?.find((p) => p.step === step)?.stopped ?? {},
    };
  });
}

/** The end of the grace period: step-1 messages are held until then and none has gone yet. */
export function graceUntil(records: RecipientRecord[], now: number): number | null {
  let until: number | null = null;
  for (const r of records) {
    if ((r.step ?? 1) !== 1) continue;
    if (r.state !== 'queued') {
      if (r.state === 'sent' || r.state === 'sending' || r.state === 'uncertain') return null;
      continue;
    }
    if (r.notBefore !== undefined && r.notBefore > now)
      until = until === null ? r.notBefore : Math.min(until, r.notBefore);
    else return null;
  }
  return until;
}

export function dueOnOpenText(count: number, inWindow: boolean, opensAt: string | null): string {
  const what = `${countOf(count, { one: 'follow-up', other: 'follow-ups' })} fell due while Candor was closed`;
  if (inWindow || !opensAt)
    return `${what}; sending ${count === 1 ? 'it' : 'them'} now (within your window).`;
  return `${what}; ${count === 1 ? 'it goes' : 'they go'} out when your sending window opens, ${opensAt}.`;
}

export { countOf, NOUNS };
