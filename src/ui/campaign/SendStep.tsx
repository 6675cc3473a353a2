import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
} from '@fluentui/react-components';
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { sendingDays } from '../../core/campaign';
import { DAILY_RECIPIENT_LIMIT } from '../../core/send';
import { userMessage } from '../components/error-message';
import { useScreenStyles } from '../components/screen-styles';
import { aboutDuration, countOf, NOUNS } from './labels';
import type { StepProps } from './ProspectsStep';
import { followUpBlockers } from './sequence/problems';
import { SendingRules } from './sequence/SendingRules';
import { windowProblems } from './sequence/steps';
import { sequenceSummary } from './sequence/summary';

export interface SendStepProps extends StepProps {
  timeFactor: number;
  onSend: () => Promise<void>;
}

const RATES = [30, 20, 10, 5];

/** The last look before sending: counts, pace, what still blocks, and an explicit confirmation. */
export function SendStep({ draft, derived, update, timeFactor, onSend }: SendStepProps) {
  const styles = useScreenStyles();
  const [confirming, setConfirming] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // "Review and send" and "Back" replace each other: focus follows to what took the button's place.
  const review = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLDivElement>(null);
  const toggled = useRef(false);
  const question = useId();
  useLayoutEffect(() => {
    if (toggled.current) (confirming ? confirm.current : review.current)?.focus();
  }, [confirming]);
  const setConfirmingBy = (value: boolean) => {
    toggled.current = true;
    setConfirming(value);
  };
  const { campaign, readiness } = derived;
  const n = campaign.prospects.length;
  const tracked = campaign.trackOpens ? campaign.prospects.filter((p) => p.trackOpens).length : 0;
  const minutes = n / campaign.ratePerMinute;
  const days = sendingDays(n);
  const templateProblems = readiness.template.map((p) => p.message);
  const blockers = [
    ...(n === 0 ? ['There are no prospects to send to.'] : []),
    ...templateProblems,
    // Core names follow-up problems "Step N: …" too once it checks follow-ups: listed once.
    ...followUpBlockers(campaign).filter((m) => !templateProblems.includes(m)),
    ...windowProblems(draft.sequence.window),
    ...(readiness.prospects.length
      ? [
          `${countOf(new Set(readiness.prospects.map((p) => p.prospectId)).size, NOUNS.prospect)} cannot be rendered (see Template).`,
        ]
      : []),
  ];

  const send = async () => {
    setStarting(true);
    setError(null);
    try {
      await onSend();
    } catch (e) {
      setError(userMessage(e, 'Sending could not start.'));
      setStarting(false);
    }
  };

  return (
    <div className={styles.screen}>
      <Field label="Campaign name" hint="For you only; prospects never see it.">
        <Input value={draft.name} onChange={(_e, d) => update((dr) => ({ ...dr, name: d.value }))} />
      </Field>
      <Field label="Pace (messages per minute)" hint="Exchange allows at most 30 a minute from one mailbox.">
        <Select
          value={String(draft.ratePerMinute)}
          onChange={(_e, d) => update((dr) => ({ ...dr, ratePerMinute: Number(d.value) }))}
        >
          {RATES.map((r) => (
            <option key={r} value={r}>
              {r} per minute
            </option>
          ))}
        </Select>
      </Field>
      <p className={styles.text} data-testid="send-summary">
        {countOf(n, NOUNS.message)} from your mailbox, one per prospect,{' '}
        {days > 1
          ? `over at least ${countOf(days, NOUNS.day)}: Microsoft 365 lets a mailbox send to ${DAILY_RECIPIENT_LIMIT.toLocaleString('en')} recipients a day. At the limit sending waits until the day’s window frees up, then goes on by itself`
          : `in ${aboutDuration(minutes)}`}
        {timeFactor > 1 && ` of demo time (the demo clock runs ${timeFactor}× fast)`}. Opens tracked for{' '}
        {tracked}
        {n - tracked > 0 && `, not for ${n - tracked}`}.
        {draft.excluded.length > 0 && ` ${countOf(draft.excluded.length, NOUNS.row)} left out.`}
      </p>
      <SendingRules
        sequence={draft.sequence}
        fields={campaign.fields}
        onChange={(change) => update((dr) => ({ ...dr, sequence: change(dr.sequence) }))}
      />
      <p className={styles.text} data-testid="sequence-summary">
        {sequenceSummary(draft.sequence)}
      </p>
      {blockers.length > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>Fix these before sending: {blockers.join(' ')}</MessageBarBody>
        </MessageBar>
      )}
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {!confirming ? (
        <div className={styles.actions}>
          <Button
            ref={review}
            appearance="primary"
            disabled={blockers.length > 0}
            onClick={() => setConfirmingBy(true)}
          >
            Review and send
          </Button>
        </div>
      ) : (
        <div
          ref={confirm}
          role="group"
          aria-label="Confirm sending"
          aria-describedby={question}
          tabIndex={-1}
          className={styles.screen}
        >
          <p id={question} className={styles.text}>
            Send {countOf(n, NOUNS.message)} now? Each prospect gets exactly one
            {draft.sequence.followUps.length > 0 && ' first message, then each follow-up at most once'}.
            {draft.sequence.graceMinutes > 0 &&
              ` They wait ${countOf(draft.sequence.graceMinutes, NOUNS.minute)} first: until then you can send at once or cancel.`}{' '}
            You can pause or cancel at any time.
          </p>
          <div className={styles.actions}>
            <Button appearance="primary" onClick={() => void send()} disabledFocusable={starting}>
              {starting ? 'Starting…' : `Send ${countOf(n, NOUNS.message)}`}
            </Button>
            <Button onClick={() => setConfirmingBy(false)} disabled={starting}>
              Back
            </Button>
            {starting && <Spinner size="tiny" aria-label="Starting" />}
          </div>
        </div>
      )}
    </div>
  );
}
