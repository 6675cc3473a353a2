import {
  Badge,
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useMemo } from 'react';
import type { RecipientRecord, RecipientState, SendProgress } from '../../core/send';
import { useScreenStyles } from '../components/screen-styles';
import type { CampaignController, ControllerState } from './controller';
import { countOf, NOUNS } from './labels';
import { describeFailure, describeStop } from './stop-reason';
import { VirtualList } from './VirtualList';

const STATE_LABELS: Record<RecipientState, string> = {
  queued: 'Waiting',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Not sent',
  uncertain: 'Checking',
};
const STATUS_LABELS: Record<SendProgress['status'], string> = {
  ready: 'Ready',
  running: 'Sending',
  paused: 'Paused',
  stopped: 'Stopped',
  cancelled: 'Cancelled',
  finished: 'Finished',
};
const ROW_HEIGHT = 36;

const useStyles = makeStyles({
  counts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(90px, 1fr))',
    gap: tokens.spacingHorizontalXS,
    margin: 0,
    padding: 0,
    listStyleType: 'none',
  },
  count: { margin: 0, fontSize: tokens.fontSizeBase200 },
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    boxSizing: 'border-box',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    fontSize: tokens.fontSizeBase200,
  },
  address: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  uncertain: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
});

type Sending = Extract<ControllerState, { phase: 'sending' }>;

/** A campaign being sent: progress, an honest ETA, controls, and every recipient's state. */
export function SendProgressView({ controller, state }: { controller: CampaignController; state: Sending }) {
  const styles = useScreenStyles();
  const own = useStyles();
  const { progress, campaign } = state;
  const clock = controller.runtime.clock;
  const recipients = useMemo(() => controller.recipients(), [controller, state.tick]); // eslint-disable-line react-hooks/exhaustive-deps
  const uncertain = recipients.filter((r) => r.state === 'uncertain');
  const done = progress.sent + progress.failed;
  const running = progress.status === 'running';

  // The ETA counts down between engine events too.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => controller.refresh(), 1000);
    return () => clearInterval(timer);
  }, [controller, running]);

  return (
    <div className={styles.screen}>
      <h2 className={styles.subheading}>{campaign.name}</h2>
      <p className={styles.text} role="status" aria-live="polite" data-testid="send-status">
        {STATUS_LABELS[progress.status]}: {progress.sent} of {progress.total} sent
      </p>
      <ProgressBar
        value={progress.total ? done / progress.total : 0}
        thickness="large"
        aria-label="Sending progress"
        aria-valuetext={`${progress.sent} of ${progress.total} sent`}
      />
      <ul className={own.counts} aria-label="Recipients by state">
        {(['sent', 'queued', 'sending', 'uncertain', 'failed'] as const).map((s) => (
          <li key={s} className={own.count} data-testid={`count-${s}`}>
            {STATE_LABELS[s]}: {progress[s]}
          </li>
        ))}
      </ul>
      <p className={styles.text} data-testid="send-eta">
        {etaText(progress, clock.now(), controller.runtime.timeFactor)}
      </p>

      {progress.status === 'stopped' && progress.stopReason && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Sending stopped</MessageBarTitle> {describeStop(progress.stopReason)}
          </MessageBarBody>
        </MessageBar>
      )}

      <div className={styles.actions}>
        {running && <Button onClick={() => controller.pause()}>Pause</Button>}
        {(progress.status === 'paused' || progress.status === 'stopped') && (
          <Button appearance="primary" onClick={() => controller.resume()}>
            Resume
          </Button>
        )}
        {(running || progress.status === 'paused' || progress.status === 'stopped') && (
          <Button onClick={() => controller.cancel()}>Cancel the rest</Button>
        )}
        {(progress.status === 'finished' || progress.status === 'cancelled') && uncertain.length === 0 && (
          <Button appearance="primary" onClick={() => void controller.newCampaign()}>
            New campaign
          </Button>
        )}
      </div>
      {(running || progress.status === 'paused') && (
        <p className={styles.text}>
          You can keep working in Outlook. Keep this pane open (pin it) while sending; if it closes, sending
          picks up exactly where it stopped the next time you open Candor and connect.
        </p>
      )}

      {uncertain.length > 0 && (
        <UncertainList controller={controller} recipients={uncertain} now={clock.now()} />
      )}

      <h2 className={styles.subheading}>Recipients</h2>
      <RecipientList recipients={recipients} />
    </div>
  );
}

function etaText(p: SendProgress, now: number, factor: number): string {
  if (p.status === 'finished')
    return `All done: ${countOf(p.sent, NOUNS.message)} sent${p.failed ? `, ${p.failed} not sent` : ''}.`;
  if (p.status !== 'running' || p.etaAt === null)
    return p.queued ? `${countOf(p.queued, NOUNS.message)} still waiting.` : '';
  const minutes = Math.max(0, Math.ceil((p.etaAt - now) / 60_000));
  const pace = p.pacePerMinute ? ` at ${p.pacePerMinute.toFixed(1)} a minute` : '';
  const throttled = p.throttledUntil ? ' Exchange asked us to slow down; waiting as it said.' : '';
  const demo = factor > 1 ? ` (demo time, ${factor}× fast)` : '';
  return `${minutes <= 1 ? 'About a minute' : `About ${minutes} minutes`} left${pace}${demo}.${throttled}`;
}

function UncertainList({
  controller,
  recipients,
  now,
}: {
  controller: CampaignController;
  recipients: RecipientRecord[];
  now: number;
}) {
  const styles = useScreenStyles();
  const own = useStyles();
  return (
    <section aria-labelledby="uncertain-heading" className={styles.screen}>
      <h2 id="uncertain-heading" className={styles.subheading}>
        Not sure these were sent ({recipients.length})
      </h2>
      <p className={styles.text}>
        The connection dropped while these messages were being handed to Exchange, so they may or may not have
        gone out. Candor never sends them again on its own: it looks for each in your Sent Items. If it is
        still not there after ten minutes, you decide.
      </p>
      <Button size="small" onClick={() => controller.checkSentItemsNow()}>
        Check Sent Items now
      </Button>
      <ul className={own.uncertain}>
        {recipients.map((r) => {
          const deciding = !!r.uncertain?.awaitingDecision;
          const next = r.uncertain ? Math.max(0, Math.ceil((r.uncertain.nextCheckAt - now) / 1000)) : 0;
          return (
            <li key={r.id} data-testid="uncertain-recipient">
              <p className={styles.text}>
                {r.address}:{' '}
                {deciding
                  ? 'not found in Sent Items. Resend only if you are sure it did not arrive.'
                  : `looking in Sent Items (next look in ${next} s).`}
              </p>
              <div className={styles.actions}>
                {deciding && (
                  <Button
                    size="small"
                    onClick={() => controller.decide(r.id, 'resend')}
                    aria-label={`Resend to ${r.address}`}
                  >
                    Resend
                  </Button>
                )}
                <Button
                  size="small"
                  onClick={() => controller.decide(r.id, 'not-sent')}
                  aria-label={`Mark ${r.address} as not sent`}
                >
                  Mark as not sent
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function RecipientList({ recipients }: { recipients: RecipientRecord[] }) {
  const own = useStyles();
  return (
    <VirtualList
      count={recipients.length}
      rowHeight={ROW_HEIGHT}
      label="Recipient states"
      height="240px"
      renderRow={(index, position) => {
        const r = recipients[index] as RecipientRecord;
        return (
          <li key={r.id} className={own.row} style={position} data-state={r.state}>
            <span className={own.address}>{r.address}</span>
            <Badge
              appearance="tint"
              color={
                r.state === 'sent'
                  ? 'success'
                  : r.state === 'failed'
                    ? 'danger'
                    : r.state === 'uncertain'
                      ? 'warning'
                      : 'informative'
              }
              title={r.failure ? describeFailure(r.failure) : undefined}
            >
              {r.state === 'failed' && r.failure?.code === 'cancelled' ? 'Cancelled' : STATE_LABELS[r.state]}
            </Badge>
          </li>
        );
      }}
    />
  );
}
