import {
  Badge,
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { RecipientRecord, RecipientState, SendProgress } from '../../core/send';
import { useScreenStyles } from '../components/screen-styles';
import type { CampaignController, ControllerState } from './controller';
import type { SequencedCampaign } from './draft';
import { countOf, NOUNS } from './labels';
import { SequencePanel } from './sequence/SequencePanel';
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
export function SendProgressView({
  controller,
  state,
  focusHeading = false,
}: {
  controller: CampaignController;
  state: Sending;
  /** Sending just started from the Send step: focus lands on this view's heading. */
  focusHeading?: boolean;
}) {
  const styles = useScreenStyles();
  const heading = useRef<HTMLHeadingElement>(null);
  const focusOnMount = useRef(focusHeading);
  useLayoutEffect(() => {
    if (focusOnMount.current) heading.current?.focus();
  }, []);
  const own = useStyles();
  const { progress, campaign } = state;
  const sequenced = (campaign as SequencedCampaign).sequence;
  const followUps = sequenced?.followUps.length ?? 0;
  const clock = controller.runtime.clock;
  const recipients = useMemo(() => controller.recipients(), [controller, state.tick]); // eslint-disable-line react-hooks/exhaustive-deps
  const uncertain = recipients.filter((r) => r.state === 'uncertain');
  const done = progress.sent + progress.failed;
  const running = progress.status === 'running';
  const decisions = progress.awaitingDecision;
  // Nothing left to send: what remains is the recruiter's (or Sent Items') answer about uncertain ones.
  const over =
    progress.status === 'finished' ||
    progress.status === 'cancelled' ||
    (running && progress.queued === 0 && progress.sending === 0);
  const decisionsHeading = useRef<HTMLHeadingElement>(null);
  const [newAsked, setNewAsked] = useState(false);
  const goToDecisions = () => {
    const heading = decisionsHeading.current;
    heading?.scrollIntoView?.({ block: 'start' });
    heading?.focus();
  };
  const newCampaign = () => {
    if (uncertain.length > 0) setNewAsked(true);
    else void controller.newCampaign();
  };

  // The ETA counts down between engine events too.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => controller.refresh(), 1000);
    return () => clearInterval(timer);
  }, [controller, running]);

  return (
    <div className={styles.screen}>
      <h2 ref={heading} tabIndex={-1} className={styles.subheading}>
        {campaign.name}
      </h2>
      <p className={styles.text} role="status" aria-live="polite" data-testid="send-status">
        {statusText(progress)}
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
      {sequenced && (
        <SequencePanel
          controller={controller}
          state={state}
          recipients={recipients}
          now={clock.now()}
          // The grace banner (and its button) goes away: focus moves to this view's heading.
          onStarted={() => heading.current?.focus()}
        />
      )}

      {progress.offline && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>No connection</MessageBarTitle> Sending continues by itself when the connection
            is back
            {progress.queued > 0 && ` (${countOf(progress.queued, NOUNS.message)} waiting)`}; next try in{' '}
            {seconds(progress.offline.nextTryAt - clock.now())}. Nothing is sent twice.
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={() => controller.retryConnectionNow()}>
              Try now
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
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
        {decisions > 0 && (
          <Button appearance="primary" onClick={goToDecisions}>
            Decide on {countOf(decisions, NOUNS.message)}
          </Button>
        )}
        {over && (
          <Button appearance={decisions > 0 ? 'secondary' : 'primary'} onClick={newCampaign}>
            New campaign
          </Button>
        )}
      </div>
      {newAsked && uncertain.length > 0 && (
        <MessageBar intent="info" layout="multiline" data-testid="new-campaign-blocked">
          <MessageBarBody>
            {decisions > 0
              ? `Before a new campaign, decide about the ${countOf(uncertain.length, NOUNS.message)} Candor could not confirm: resend, or mark as not sent. Then start the new campaign.`
              : `Candor is still looking in Sent Items for ${countOf(uncertain.length, NOUNS.message)} (up to ten minutes after each was sent). Wait for the result, or mark them as not sent. Then start the new campaign.`}
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={goToDecisions}>
              Go to the {countOf(uncertain.length, NOUNS.message)}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {(running || progress.status === 'paused') && followUps === 0 && (
        <p className={styles.text}>
          You can keep working in Outlook. Keep this pane open (pin it) while sending; if it closes, sending
          picks up exactly where it stopped the next time you open Candor and connect.
        </p>
      )}

      {uncertain.length > 0 && (
        <UncertainList
          controller={controller}
          recipients={uncertain}
          now={clock.now()}
          headingRef={decisionsHeading}
          canResend={progress.status !== 'cancelled'}
        />
      )}

      <h2 className={styles.subheading}>Recipients</h2>
      <RecipientList recipients={recipients} />
    </div>
  );
}

/** The headline: what the campaign is waiting for, never "finished" while someone is unresolved. */
function statusText(p: SendProgress): string {
  const counts = `${p.sent} of ${p.total} sent`;
  if (p.offline && p.status === 'running') return `Waiting for the connection: ${counts}`;
  const onlyUncertainLeft = p.uncertain > 0 && p.queued === 0 && p.sending === 0;
  if (onlyUncertainLeft && p.status !== 'paused' && p.status !== 'stopped') {
    if (p.awaitingDecision > 0)
      return `Waiting for your decision on ${countOf(p.awaitingDecision, NOUNS.message)}: ${counts}`;
    return `Checking Sent Items for ${countOf(p.uncertain, NOUNS.message)}: ${counts}`;
  }
  return `${STATUS_LABELS[p.status]}: ${counts}`;
}

function etaText(p: SendProgress, now: number, factor: number): string {
  const notSent = p.failed ? `, ${p.failed} not sent` : '';
  if (p.queued === 0 && p.sending === 0 && p.awaitingDecision > 0)
    return `${countOf(p.sent, NOUNS.message)} sent${notSent}. Candor could not confirm ${countOf(p.awaitingDecision, NOUNS.message)}: decide below whether to resend or mark as not sent.`;
  if (p.queued === 0 && p.sending === 0 && p.uncertain > 0)
    return `${countOf(p.sent, NOUNS.message)} sent${notSent}. Looking in Sent Items for ${p.uncertain} more.`;
  if (p.status === 'finished') return `All done: ${countOf(p.sent, NOUNS.message)} sent${notSent}.`;
  if (p.status !== 'running' || p.etaAt === null)
    return p.queued ? `${countOf(p.queued, NOUNS.message)} still waiting.` : '';
  const minutes = Math.max(0, Math.ceil((p.etaAt - now) / 60_000));
  const pace = p.pacePerMinute ? ` at ${p.pacePerMinute.toFixed(1)} a minute` : '';
  const throttled = p.throttledUntil ? ' Exchange asked us to slow down; waiting as it said.' : '';
  const demo = factor > 1 ? ` (demo time, ${factor}× fast)` : '';
  return `${minutes <= 1 ? 'About a minute' : `About ${minutes} minutes`} left${pace}${demo}.${throttled}`;
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return s < 60 ? countOf(s, NOUNS.second) : countOf(Math.ceil(s / 60), NOUNS.minute);
}

function UncertainList({
  controller,
  recipients,
  now,
  headingRef,
  canResend,
}: {
  controller: CampaignController;
  recipients: RecipientRecord[];
  now: number;
  headingRef: RefObject<HTMLHeadingElement | null>;
  canResend: boolean;
}) {
  const styles = useScreenStyles();
  const own = useStyles();
  const awaiting = recipients.filter((r) => r.uncertain?.awaitingDecision).length;
  return (
    <section aria-labelledby="uncertain-heading" className={styles.screen}>
      <h2 id="uncertain-heading" className={styles.subheading} ref={headingRef} tabIndex={-1}>
        Not sure these were sent ({recipients.length})
      </h2>
      <p className={styles.text}>
        The connection dropped while these messages were being handed to Exchange, so they may or may not have
        gone out. Candor never sends them again on its own: it looks for each in your Sent Items. If it is
        still not there after ten minutes, you decide.
      </p>
      <div className={styles.actions}>
        <Button size="small" onClick={() => controller.checkSentItemsNow()}>
          Check Sent Items now
        </Button>
        {canResend && awaiting > 1 && (
          <Button size="small" onClick={() => controller.decideAll('resend')}>
            Resend all {awaiting} not found
          </Button>
        )}
        {recipients.length > 1 && (
          <Button size="small" onClick={() => controller.decideAll('not-sent')}>
            Mark all {recipients.length} as not sent
          </Button>
        )}
      </div>
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
                {deciding && canResend && (
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
