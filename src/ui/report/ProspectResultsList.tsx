import { Field, Link, makeStyles, mergeClasses, Select, tokens } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { STATUS_LABELS } from '../../core/results/labels';
import {
  prospectsWithStatus,
  STATUS_PRECEDENCE,
  statusCounts,
  type CampaignReport,
  type ProspectStatus,
} from '../../core/results/report';
import { VirtualList } from '../campaign/VirtualList';
import { countOf } from '../../core/results/labels';
import { formatCount } from './format';

const ROW_HEIGHT = 56;

const useStyles = makeStyles({
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    display: 'flex',
    flexDirection: 'column',
    fontSize: tokens.fontSizeBase200,
  },
  line: { margin: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  status: { color: tokens.colorNeutralForeground2 },
});

/** The detail a row adds to its status: the step replied to, opens, and an unsure reply to check. */
function rowDetail(p: CampaignReport['prospects'][number], steps: number): string {
  const parts = [STATUS_LABELS[p.status]];
  if (steps > 1 && p.status === 'replied' && p.replyStep !== null) parts[0] += ` to step ${p.replyStep}`;
  else if (steps > 1) parts.push(`${p.steps.filter((s) => s.sentAt !== null).length} of ${steps} steps sent`);
  if (p.humanOpens > 0) parts.push(countOf(p.humanOpens, 'open', 'opens'));
  if (p.machineOpens > 0 && p.humanOpens === 0) parts.push('machine opens only');
  if (p.toReview.length > 0) parts.push('possible reply to check');
  return parts.join(' · ');
}

/** Every prospect (virtualised: 5,000 stay responsive), filterable by status; a name opens the timeline. */
export function ProspectResultsList({
  report,
  onOpen,
}: {
  report: CampaignReport;
  onOpen: (prospectId: string) => void;
}) {
  const styles = useStyles();
  const [filter, setFilter] = useState<ProspectStatus | 'all'>('all');
  const counts = useMemo(() => statusCounts(report), [report]);
  const shown = useMemo(() => prospectsWithStatus(report, filter), [report, filter]);
  return (
    <>
      <Field label="Show">
        <Select value={filter} onChange={(_e, d) => setFilter(d.value as ProspectStatus | 'all')}>
          <option value="all">All prospects ({formatCount(report.prospects.length)})</option>
          {STATUS_PRECEDENCE.filter((s) => counts[s] > 0 || s === filter).map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]} ({formatCount(counts[s])})
            </option>
          ))}
        </Select>
      </Field>
      <VirtualList
        count={shown.length}
        rowHeight={ROW_HEIGHT}
        label={`Prospects: ${filter === 'all' ? 'all' : STATUS_LABELS[filter]} (${formatCount(shown.length)})`}
        height="320px"
        renderRow={(index, position) => {
          const p = shown[index]!;
          return (
            <li key={p.prospectId} className={styles.row} style={position}>
              <p className={styles.line}>
                <Link as="button" onClick={() => onOpen(p.prospectId)} title={p.address}>
                  {p.displayName}
                </Link>
              </p>
              <p className={mergeClasses(styles.line, styles.status)}>{rowDetail(p, report.steps)}</p>
            </li>
          );
        }}
      />
    </>
  );
}
