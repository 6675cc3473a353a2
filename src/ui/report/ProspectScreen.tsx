import {
  Badge,
  Button,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import {
  BOUNCE_LABELS,
  matchLabel,
  STATUS_LABELS,
  STOP_LABELS,
  threadingLabel,
} from '../../core/results/labels';
import { timelineOf, type TimelineEntry } from '../../core/results/report';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import { formatDateTime } from './format';
import { ResultsState } from './ResultsState';
import { useCampaignReport, type ResultsAccess } from './use-results';

const useStyles = makeStyles({
  timeline: {
    margin: 0,
    padding: 0,
    listStyleType: 'none',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  entry: {
    paddingLeft: tokens.spacingHorizontalM,
    borderLeft: `3px solid ${tokens.colorNeutralStroke1}`,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    overflowWrap: 'anywhere',
  },
  review: { borderLeftColor: tokens.colorPaletteDarkOrangeBorderActive },
  what: { margin: 0, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase300 },
  detail: { margin: 0, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  when: { fontSize: tokens.fontSizeBase200 },
});

const VERDICT: Record<string, string> = {
  human: 'Opened by a person',
  proxy: 'Loaded by an image proxy (not counted as a person opening)',
  scanner: 'Checked by a security scanner (not counted as a person opening)',
};

/** "Step 2 sent (in the same thread)", "Step 2 sent as a new message: …"; "Sent" for a single message. */
function sentTitle({ step, threading }: Extract<TimelineEntry, { kind: 'sent' }>): string {
  const how = threadingLabel(threading);
  if (step === 1 || !how) return `Step ${step} sent`;
  return threading?.how === 'new-message' ? `Step ${step} sent ${how}` : `Step ${step} sent (${how})`;
}

/** What one timeline entry says: a title and its details. `steps` > 1: every entry names its step. */
function describe(entry: TimelineEntry, steps: number): { what: string; details: string[] } {
  const multi = steps > 1;
  switch (entry.kind) {
    case 'sent':
      return { what: multi ? sentTitle(entry) : 'Sent', details: [] };
    case 'stopped':
      return { what: `No more steps: ${STOP_LABELS[entry.cause]}`, details: [] };
    case 'open':
      return {
        what: VERDICT[entry.open.verdict] ?? 'Opened',
        details: [
          ...(multi ? [`Step ${entry.step} message`] : []),
          ...(entry.open.ip ? [`From address ${entry.open.ip}`] : []),
        ],
      };
    case 'message': {
      const m = entry.message;
      const ip = m.ip ? [`Sending mail server’s address: ${m.ip}`] : [];
      const to = multi ? ` to step ${entry.step}` : '';
      if (entry.review)
        return {
          what: `Possible reply${to} — please check`,
          details: [`“${m.subject}” from ${m.from}`, matchLabel(m), ...ip],
        };
      if (m.kind === 'reply')
        return { what: `Replied${to}`, details: [`“${m.subject}” from ${m.from}`, matchLabel(m), ...ip] };
      if (m.kind === 'bounce')
        return {
          what: multi ? `Step ${entry.step} bounced` : 'Bounced',
          details: [
            `${BOUNCE_LABELS[entry.bounceReason ?? 'unknown']}${m.statusCode ? ` (${m.statusCode})` : ''}`,
            `“${m.subject}” from ${m.from}`,
          ],
        };
      return { what: `Out-of-office answer${to}`, details: [`“${m.subject}”`, matchLabel(m)] };
    }
  }
}

export interface ProspectScreenProps extends ResultsAccess {
  campaignId: string;
  prospectId: string;
  focusHeading: boolean;
  onBack: () => void;
}

/** One prospect's history in the campaign: sent, each open (time, address, verdict), replies, bounces. */
export function ProspectScreen(props: ProspectScreenProps) {
  const { campaignId, prospectId, focusHeading, onBack } = props;
  const screen = useScreenStyles();
  const styles = useStyles();
  const loaded = useCampaignReport(props, campaignId);
  const prospect =
    loaded.status === 'ready'
      ? (loaded.value?.prospects.find((p) => p.prospectId === prospectId) ?? null)
      : null;
  const timeline = prospect ? timelineOf(prospect) : [];
  const steps = loaded.status === 'ready' ? (loaded.value?.steps ?? 1) : 1;
  return (
    <section className={screen.screen} aria-labelledby="prospect-heading">
      <div>
        <Button size="small" appearance="subtle" onClick={onBack}>
          ← Back to the report
        </Button>
      </div>
      <ScreenHeading id="prospect-heading" focusOnMount={focusHeading}>
        {prospect ? prospect.displayName : 'Prospect'}
      </ScreenHeading>
      <ResultsState loaded={loaded} what="this prospect’s results" />
      {loaded.status === 'ready' && !prospect && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Prospect not found</MessageBarTitle> The campaign no longer lists this prospect.
            Go back to the report to choose another.
          </MessageBarBody>
        </MessageBar>
      )}
      {prospect && (
        <>
          <p className={screen.text}>
            {prospect.address}{' '}
            <Badge appearance="tint" color="informative">
              {STATUS_LABELS[prospect.status]}
            </Badge>
          </p>
          <h2 id="timeline-heading" className={screen.subheading}>
            Timeline
          </h2>
          {timeline.length === 0 ? (
            <p className={screen.text}>Nothing yet: this message has not been sent.</p>
          ) : (
            <ol className={styles.timeline} aria-labelledby="timeline-heading">
              {timeline.map((entry, i) => {
                const { what, details } = describe(entry, steps);
                return (
                  <li
                    key={i}
                    className={
                      entry.kind === 'message' && entry.review
                        ? mergeClasses(styles.entry, styles.review)
                        : styles.entry
                    }
                  >
                    <time className={styles.when} dateTime={new Date(entry.at).toISOString()}>
                      {formatDateTime(entry.at)}
                    </time>
                    <p className={styles.what}>{what}</p>
                    {details.map((d) => (
                      <p key={d} className={styles.detail}>
                        {d}
                      </p>
                    ))}
                  </li>
                );
              })}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

export default ProspectScreen;
