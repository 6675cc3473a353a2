import { makeStyles, tokens } from '@fluentui/react-components';
import type { ReportCounts, ReportRates } from '../../core/results/report';
import { formatCount, formatRate } from './format';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(120px, 1fr))',
    gap: tokens.spacingHorizontalS,
    margin: 0,
  },
  tile: {
    margin: 0,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    display: 'flex',
    flexDirection: 'column-reverse',
  },
  label: { margin: 0, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  value: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  rate: {
    display: 'block',
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightRegular,
    color: tokens.colorNeutralForeground2,
  },
});

export interface Headline {
  label: string;
  value: number;
  rate?: number | null;
  /** What the rate is a share of ("of delivered"). */
  rateOf?: string;
}

/** The big numbers: a description list, label under value, each a tile. */
export function HeadlineNumbers({ items }: { items: Headline[] }) {
  const styles = useStyles();
  return (
    <dl className={styles.grid}>
      {items.map((item) => (
        <div key={item.label} className={styles.tile}>
          <dt className={styles.label}>{item.label}</dt>
          <dd className={styles.value}>
            {formatCount(item.value)}
            {item.rate !== undefined && (
              <span className={styles.rate}>
                {formatRate(item.rate)} {item.rateOf}
              </span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Home's four numbers for a campaign. */
export const homeHeadlines = (counts: ReportCounts): Headline[] => [
  { label: 'Sent', value: counts.sent },
  { label: 'Opened by people', value: counts.openedHuman },
  { label: 'Replied', value: counts.replied },
  { label: 'Bounced', value: counts.bounced },
];

/** The report's numbers with their rates. */
export const reportHeadlines = (counts: ReportCounts, rates: ReportRates): Headline[] => [
  { label: 'Sent', value: counts.sent },
  { label: 'Delivered', value: counts.delivered, rate: rates.delivered, rateOf: 'of sent' },
  { label: 'Opened by people', value: counts.openedHuman, rate: rates.openedHuman, rateOf: 'of delivered' },
  { label: 'Replied', value: counts.replied, rate: rates.replied, rateOf: 'of delivered' },
  { label: 'Bounced', value: counts.bounced, rate: rates.bounced, rateOf: 'of sent' },
  { label: 'Out of office', value: counts.outOfOffice, rate: rates.outOfOffice, rateOf: 'of delivered' },
];
