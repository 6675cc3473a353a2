import { Link, makeStyles, tokens } from '@fluentui/react-components';
import type { CampaignReport } from '../../core/results/report';
import type { ResultsSource } from '../../core/results/types';
import { useScreenStyles } from '../components/screen-styles';
import { AttentionList } from './AttentionList';
import { formatDateTime } from './format';
import { HeadlineNumbers, homeHeadlines } from './HeadlineNumbers';
import { ResultsState } from './ResultsState';
import { reportOf, useFromResults, type ResultsAccess } from './use-results';

const useStyles = makeStyles({
  campaigns: {
    margin: 0,
    padding: 0,
    listStyleType: 'none',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
  },
  campaign: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  name: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  meta: { margin: 0, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
});

async function readAll(source: ResultsSource): Promise<CampaignReport[]> {
  const listings = await source.listCampaigns();
  const sorted = [...listings].sort((a, b) => b.updatedAt - a.updatedAt);
  const loaded = await Promise.all(sorted.map((l) => source.load(l.campaignId)));
  return loaded.filter((r) => r !== null).map(reportOf);
}

export interface ReportHomeProps extends ResultsAccess {
  onOpen: (campaignId: string) => void;
}

/** Home's campaign list: each campaign's headline numbers and what needs attention, linking to its report. */
export function ReportHome({ loadResults, session, onOpen }: ReportHomeProps) {
  const screen = useScreenStyles();
  const styles = useStyles();
  const loaded = useFromResults({ loadResults, session }, readAll);
  return (
    <section aria-labelledby="results-heading" className={screen.screen}>
      <h2 id="results-heading" className={screen.subheading}>
        Campaign results
      </h2>
      <ResultsState loaded={loaded} what="your campaign results" />
      {loaded.status === 'ready' && loaded.value.length === 0 && (
        <p className={screen.text}>
          No campaigns sent yet. Send one from Campaigns; its opens and replies appear here.
        </p>
      )}
      {loaded.status === 'ready' && loaded.value.length > 0 && (
        <ul className={styles.campaigns}>
          {loaded.value.map((report) => (
            <li key={report.campaignId} className={styles.campaign}>
              <h3 className={styles.name}>
                <Link as="button" onClick={() => onOpen(report.campaignId)}>
                  {report.name}
                </Link>
              </h3>
              <p className={styles.meta}>
                {report.startedAt === null ? 'Not sent yet' : `Started ${formatDateTime(report.startedAt)}`}
              </p>
              <HeadlineNumbers items={homeHeadlines(report.counts)} />
              <AttentionList items={report.attention} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default ReportHome;
