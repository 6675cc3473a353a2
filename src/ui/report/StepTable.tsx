import type { StepCounts } from '../../core/results/report';
import { useTableStyles } from './ActivityTable';
import { formatCount } from './format';

/**
 * Sent, opened, replied and bounced per step, as a table that fits the pane (five narrow columns).
 * The region is focusable so a keyboard user can scroll it; the sentence before it (stepSummary) is
 * the same numbers in words.
 */
export function StepTable({ steps, caption }: { steps: readonly StepCounts[]; caption: string }) {
  const styles = useTableStyles();
  return (
    <div className={styles.wrap} tabIndex={0} role="region" aria-label={caption}>
      <table className={styles.table}>
        <caption style={{ textAlign: 'left' }}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Sent</th>
            <th scope="col">Opened</th>
            <th scope="col">Replied</th>
            <th scope="col">Bounced</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr key={s.step}>
              <th scope="row">{s.step}</th>
              <td>{formatCount(s.sent)}</td>
              <td>{formatCount(s.opened)}</td>
              <td>{formatCount(s.replied)}</td>
              <td>{formatCount(s.bounced)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
