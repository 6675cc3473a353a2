import { countOf } from '../../core/results/labels';
import type { StepCounts } from '../../core/results/report';

/**
 * The by-step numbers in words, read before the table: each step's reach and what it drew, out of
 * office answers included (the table has no room for them), and which step drew most replies.
 */
export function stepSummary(steps: readonly StepCounts[]): string {
  const parts = steps.map((s) => {
    const drew = [
      `${s.opened.toLocaleString()} opened`,
      countOf(s.replied, 'reply', 'replies'),
      `${s.bounced.toLocaleString()} bounced`,
      ...(s.outOfOffice > 0 ? [`${s.outOfOffice.toLocaleString()} out of office`] : []),
    ];
    return `Step ${s.step} went to ${countOf(s.sent, 'prospect', 'prospects')}: ${drew.join(', ')}.`;
  });
  const total = steps.reduce((n, s) => n + s.replied, 0);
  const top = steps.reduce<StepCounts | null>(
    (best, s) => (!best || s.replied > best.replied ? s : best),
    null,
  );
  if (top && top.replied > 0 && steps.filter((s) => s.replied === top.replied).length === 1)
    parts.push(
      `Most replies answered step ${top.step} (${top.replied.toLocaleString()} of ${total.toLocaleString()}).`,
    );
  return parts.join(' ');
}
