import {
  Button,
  Field,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Select,
  tokens,
} from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import type { RecipientRecord } from '../../../core/send';
import { userMessage } from '../../components/error-message';
import { useScreenStyles } from '../../components/screen-styles';
import type { CampaignController } from '../controller';
import type { SequencedCampaign } from '../draft';
import { type Sending, sequenceControls, sequenceView } from './controller-api';
import { recruiterTimeZone } from './steps';
import { dueOnOpenText, formatWhen, graceUntil, stepProgress, stepText, waitText } from './watch-text';

const useStyles = makeStyles({
  steps: {
    margin: 0,
    padding: 0,
    listStyleType: 'none',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  step: { margin: 0, fontSize: tokens.fontSizeBase200 },
});

/**
 * A sequence being sent: the grace period with "Send now" and "Cancel", follow-ups that fell due
 * while Candor was closed, each step's progress, when the next step is due and what it waits on,
 * and stopping one prospect's follow-ups.
 */
export function SequencePanel({
  controller,
  state,
  recipients,
  now,
  onStarted,
}: {
  controller: CampaignController;
  state: Sending;
  recipients: RecipientRecord[];
  now: number;
  /** "Send now" worked (the grace banner is about to go). */
  onStarted?: () => void;
}) {
  const styles = useScreenStyles();
  const own = useStyles();
  const campaign = state.campaign as SequencedCampaign;
  const view = sequenceView(state);
  const controls = sequenceControls(controller);
  const timeZone = campaign.sequence?.window?.timeZone ?? recruiterTimeZone();
  const steps = (campaign.sequence?.followUps.length ?? 0) + 1;
  const status = state.progress.status;
  const active = status === 'running' || status === 'paused' || status === 'ready';
  const grace = active ? graceUntil(recipients, now) : null;
  const perStep = stepProgress(recipients, steps, view.sequence?.steps ?? null);
  const scheduled =
    view.sequence?.nextDue ??
    (view.engineNextDue ? { at: view.engineNextDue.at, step: view.engineNextDue.step, reason: null } : null);
  // What only the engine knows holds everything up: the daily limit, a reply check, a thread's copy.
  const held = state.waitingOn;
  const next =
    held && (held.reason === 'daily-limit' || held.reason === 'reply-sync' || held.reason === 'thread-copy')
      ? { at: held.until, step: scheduled?.step ?? 1, reason: held.reason }
      : scheduled;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (what: () => Promise<void> | void, failed: string, done?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await what();
      done?.();
    } catch (e) {
      setError(`${failed} ${userMessage(e, '')}`.trim());
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {grace !== null && (
        <MessageBar intent="info" layout="multiline" data-testid="grace-banner">
          <MessageBarBody>
            <MessageBarTitle>Sending starts at {formatWhen(grace, now, timeZone)}</MessageBarTitle> Candor
            waits so you can catch a mistake. Send now to start at once, or cancel: nothing has been sent yet.
          </MessageBarBody>
          <MessageBarActions>
            {controls && (
              <Button
                size="small"
                appearance="primary"
                disabledFocusable={busy}
                onClick={() =>
                  void act(
                    () => controls.sendNow(),
                    `Sending could not start now; it still starts at ${formatWhen(grace, now, timeZone)}. Try Send now again.`,
                    onStarted,
                  )
                }
              >
                Send now
              </Button>
            )}
            <Button
              size="small"
              disabledFocusable={busy}
              onClick={() =>
                void act(
                  () => controller.cancel(),
                  'The campaign could not be cancelled. Try Cancel again; if sending has started, use Pause.',
                )
              }
            >
              Cancel
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {error && (
        <MessageBar intent="error" layout="multiline" data-testid="sequence-error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {view.dueOnOpen > 0 && active && (
        <MessageBar intent="info" layout="multiline" data-testid="due-on-open">
          <MessageBarBody>
            {dueOnOpenText(
              view.dueOnOpen,
              next?.reason !== 'window',
              next?.reason === 'window' && next.at !== null ? formatWhen(next.at, now, timeZone) : null,
            )}
          </MessageBarBody>
        </MessageBar>
      )}

      {steps > 1 && (
        <ul className={own.steps} aria-label="Progress by step" data-testid="step-progress">
          {perStep.map((s) => (
            <li key={s.step} className={own.step}>
              {stepText(s)}
            </li>
          ))}
        </ul>
      )}
      {active && next && grace === null && (
        <p className={styles.text} data-testid="next-step">
          Next: step {next.step}
          {next.at !== null && `, due ${formatWhen(next.at, now, timeZone)}`}.{' '}
          {waitText(next.reason, next.at, now, timeZone)} Times are in {timeZone}.
        </p>
      )}
      {active && steps > 1 && (
        <p className={styles.text} data-testid="pane-note">
          Candor sends only while its pane is open in Outlook on one of your devices (one device sends at a
          time). If every Candor pane is closed when a step falls due, it goes out the next time you open
          Candor, within your sending window. To keep the pane open, pin it: select the pin icon at the top of
          the Candor pane (Outlook on the web, Windows and Mac). In Outlook on the web, reloading the page
          unpins it: open Candor again afterwards.
        </p>
      )}
      {active && steps > 1 && controls && (
        <StopFollowUps
          campaign={campaign}
          recipients={recipients}
          steps={steps}
          stop={(id) => controls.stopProspect(id, 'removed')}
        />
      )}
    </>
  );
}

/** Prospects who may still get a later step (not stopped, step 1 not failed). */
function stillInSequence(campaign: SequencedCampaign, recipients: RecipientRecord[], steps: number) {
  const latest = new Map<string, RecipientRecord>();
  for (const r of recipients) {
    const id = r.prospectId ?? r.id;
    const seen = latest.get(id);
    if (!seen || (seen.step ?? 1) < (r.step ?? 1)) latest.set(id, r);
  }
  return campaign.prospects.filter((p) => {
    const r = latest.get(p.id);
    if (!r) return false;
    if (r.state === 'failed') return false;
    return (r.step ?? 1) < steps || r.state === 'queued';
  });
}

function StopFollowUps({
  campaign,
  recipients,
  steps,
  stop,
}: {
  campaign: SequencedCampaign;
  recipients: RecipientRecord[];
  steps: number;
  stop: (prospectId: string) => Promise<void> | void;
}) {
  const styles = useScreenStyles();
  const [stopped, setStopped] = useState<string[]>([]);
  const candidates = useMemo(
    () => stillInSequence(campaign, recipients, steps).filter((p) => !stopped.includes(p.id)),
    [campaign, recipients, steps, stopped],
  );
  const [chosen, setChosen] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const prospect = candidates.find((p) => p.id === chosen);

  const run = async () => {
    if (!prospect) return;
    setBusy(true);
    try {
      await stop(prospect.id);
      setStopped((s) => [...s, prospect.id]);
      setChosen('');
      setResult({
        ok: true,
        text: `No more follow-ups go to ${prospect.email}. What was already sent stays sent.`,
      });
    } catch (e) {
      setResult({
        ok: false,
        text: `Candor could not stop the follow-ups for ${prospect.email}. ${userMessage(e, '')} Try again; until then their next step still goes as planned.`,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="stop-follow-ups-heading" className={styles.screen}>
      <h3 id="stop-follow-ups-heading" className={styles.subheading}>
        Stop follow-ups for a prospect
      </h3>
      <p className={styles.text}>
        Candor already stops for anyone who replies or bounces. Stop one yourself, for example after a phone
        call.
      </p>
      {candidates.length === 0 ? (
        <p className={styles.text}>No prospect has a follow-up left to stop.</p>
      ) : (
        <div className={styles.actions}>
          <Field label="Prospect">
            <Select value={chosen} onChange={(_e, d) => setChosen(d.value)}>
              <option value="">Choose…</option>
              {candidates.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.email}
                </option>
              ))}
            </Select>
          </Field>
          <Button disabledFocusable={!prospect || busy} onClick={() => void run()}>
            Stop follow-ups
          </Button>
        </div>
      )}
      {result && (
        <MessageBar intent={result.ok ? 'success' : 'error'} layout="multiline" role="status">
          <MessageBarBody>{result.text}</MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
