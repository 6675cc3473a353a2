import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';
import { useCallback } from 'react';
import { csvFileName, reportCsv } from '../../core/results/csv';
import type { CampaignReport } from '../../core/results/report';
import type { ResultsSource } from '../../core/results/types';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import { ActivitySection } from './ActivitySection';
import { AttentionList } from './AttentionList';
import { downloadText } from './download';
import { formatDateTime, formatDuration } from './format';
import { HeadlineNumbers, reportHeadlines } from './HeadlineNumbers';
import { ProspectResultsList } from './ProspectResultsList';
import { ResultsState } from './ResultsState';
import { stepSummary } from './step-summary';
import { StepTable } from './StepTable';
import { useCampaignReport, useRefresh, type ResultsAccess } from './use-results';

export interface CampaignReportScreenProps extends ResultsAccess {
  campaignId: string;
  focusHeading: boolean;
  onOpenProspect: (prospectId: string) => void;
  onBack: () => void;
}

/** One campaign's results: numbers, activity over time, what needs attention, and every prospect. */
export function CampaignReportScreen(props: CampaignReportScreenProps) {
  const { campaignId, focusHeading, onBack } = props;
  const styles = useScreenStyles();
  const loaded = useCampaignReport(props, campaignId);
  const report = loaded.status === 'ready' ? loaded.value : null;
  return (
    <section className={styles.screen} aria-labelledby="report-heading">
      <div>
        <Button size="small" appearance="subtle" onClick={onBack}>
          ← Back to Home
        </Button>
      </div>
      <ScreenHeading id="report-heading" focusOnMount={focusHeading}>
        {report ? report.name : 'Campaign report'}
      </ScreenHeading>
      <ResultsState loaded={loaded} what="this campaign’s results" />
      {loaded.status === 'ready' && !report && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Campaign not found</MessageBarTitle> It may have been deleted on another device.
            Go back to Home to choose another campaign.
          </MessageBarBody>
        </MessageBar>
      )}
      {loaded.status === 'ready' && report && (
        <ReportBody
          report={report}
          source={loaded.source}
          reload={loaded.reload}
          onOpenProspect={props.onOpenProspect}
        />
      )}
    </section>
  );
}

function ReportBody({
  report,
  source,
  reload,
  onOpenProspect,
}: {
  report: CampaignReport;
  source: ResultsSource;
  reload: () => void;
  onOpenProspect: (prospectId: string) => void;
}) {
  const styles = useScreenStyles();
  const refresh = useRefresh(source, reload);
  const exportCsv = useCallback(
    () => downloadText(csvFileName(report, Date.now()), reportCsv(report)),
    [report],
  );
  const { counts } = report;
  return (
    <>
      <p className={styles.text}>
        {report.startedAt === null ? 'Not sent yet.' : `Started ${formatDateTime(report.startedAt)}.`}{' '}
        {report.syncedAt === null
          ? 'Replies have not been checked yet.'
          : `Replies checked ${formatDateTime(report.syncedAt)}.`}
      </p>
      <div className={styles.actions}>
        <Button
          appearance="primary"
          onClick={refresh.start}
          disabledFocusable={refresh.state.status === 'syncing'}
        >
          Refresh
        </Button>
        <Button onClick={exportCsv}>Export CSV</Button>
      </div>
      <RefreshStatus refresh={refresh} />

      {report.notes.length > 0 && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Notes</MessageBarTitle>
            <ul className={styles.list}>
              {report.notes.map((note, i) => (
                <li key={i}>{note}</li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}

      {report.attention.length > 0 && (
        <>
          <h2 id="attention-heading" className={styles.subheading}>
            Needs your attention
          </h2>
          <AttentionList items={report.attention} headingId="attention-heading" />
        </>
      )}

      <h2 className={styles.subheading}>Results</h2>
      <HeadlineNumbers items={reportHeadlines(counts, report.rates)} />
      <p className={styles.text}>
        {report.medianReplyMs === null
          ? 'No replies yet.'
          : `Half of the replies came within ${formatDuration(report.medianReplyMs)} (median time to reply).`}{' '}
        {counts.machineOpenEvents > 0 &&
          `${counts.machineOpenEvents === 1 ? '1 open was by a machine (an image proxy or security scanner) and is' : `${counts.machineOpenEvents.toLocaleString()} opens were by machines (image proxies and security scanners) and are`} not counted as people opening.`}
      </p>

      {report.steps > 1 && (
        <>
          <h2 className={styles.subheading}>By step</h2>
          <p className={styles.text}>{stepSummary(report.bySteps)}</p>
          <StepTable steps={report.bySteps} caption="Sent, opened, replied and bounced per step" />
          <p className={styles.text}>
            A reply counts for the latest step sent to that prospect before it arrived. Opened means opened by
            a person.
          </p>
        </>
      )}

      <ActivitySection series={report.activity} />

      <h2 className={styles.subheading}>Prospects</h2>
      <ProspectResultsList report={report} onOpen={onOpenProspect} />
    </>
  );
}

function RefreshStatus({ refresh }: { refresh: ReturnType<typeof useRefresh> }) {
  const { state } = refresh;
  // One live region whose text changes, so screen readers hear progress and the outcome.
  return (
    <div role="status" aria-live="polite">
      {state.status === 'syncing' && (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
          <Spinner size="tiny" label="Checking your mailbox for replies and fetching new opens…" />
          <Button size="small" onClick={refresh.stop}>
            Stop
          </Button>
        </div>
      )}
      {state.status === 'done' && <span>Up to date.</span>}
      {state.status === 'stopped' && <span>Refresh stopped. The results shown are from before.</span>}
      {state.status === 'failed' && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Could not refresh the results</MessageBarTitle> {state.message} The results shown
            are from the last refresh. Check your connection, then try again.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={refresh.start}>Try again</Button>
          </MessageBarActions>
        </MessageBar>
      )}
    </div>
  );
}

export default CampaignReportScreen;
