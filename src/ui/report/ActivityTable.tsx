import { makeStyles, tokens } from '@fluentui/react-components';
import { countOf } from '../../core/results/labels';
import type { ActivitySeries } from '../../core/results/report';
import { formatBucket, formatCount } from './format';

/** A small scrollable numbers table (the activity and the by-step tables share it). */
export const useTableStyles = makeStyles({
  wrap: { maxHeight: '240px', overflowY: 'auto' },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: tokens.fontSizeBase200,
    '& th, & td': {
      padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalXS}`,
      borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
      textAlign: 'right',
    },
    '& th:first-child': { textAlign: 'left' },
  },
});

/** The chart's numbers as a table: the text alternative, for screen readers and anyone who prefers it. */
export function ActivityTable({ series, caption }: { series: ActivitySeries; caption: string }) {
  const styles = useTableStyles();
  const rows = series.buckets.filter((b) => b.humanOpens + b.machineOpens + b.replies > 0);
  return (
    <div className={styles.wrap} tabIndex={0} role="region" aria-label={caption}>
      <table className={styles.table}>
        <caption style={{ textAlign: 'left' }}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{series.unit === 'hour' ? 'Hour' : 'Day'}</th>
            <th scope="col">Opens by people</th>
            <th scope="col">Machine opens</th>
            <th scope="col">Replies</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.start}>
              <th scope="row">{formatBucket(b.start, series.unit)}</th>
              <td>{formatCount(b.humanOpens)}</td>
              <td>{formatCount(b.machineOpens)}</td>
              <td>{formatCount(b.replies)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One sentence on the chart, read before it: the busiest period and the totals. */
export function activitySummary(series: ActivitySeries): string {
  let busiest = series.buckets[0];
  let human = 0;
  let machine = 0;
  let replies = 0;
  for (const b of series.buckets) {
    human += b.humanOpens;
    machine += b.machineOpens;
    replies += b.replies;
    if (busiest && b.humanOpens > busiest.humanOpens) busiest = b;
  }
  if (!busiest || human + machine + replies === 0) return 'No opens or replies yet.';
  const by = series.unit === 'hour' ? 'hour' : 'day';
  const peak =
    busiest.humanOpens > 0
      ? ` Most opens by people: ${formatBucket(busiest.start, series.unit)} (${formatCount(busiest.humanOpens)}).`
      : '';
  return `By the ${by}: ${countOf(human, 'open by a person', 'opens by people')}, ${countOf(machine, 'machine open', 'machine opens')}, ${countOf(replies, 'reply', 'replies')}.${peak}`;
}
