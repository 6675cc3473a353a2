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
import { useScreenStyles } from '../components/screen-styles';
import { plural } from './labels';
import type { StepProps } from './ProspectsStep';

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
  const minutes = Math.max(1, Math.ceil(n / campaign.ratePerMinute));
  const blockers = [
    ...(n === 0 ? ['There are no prospects to send to.'] : []),
    ...readiness.template.map((p) => p.message),
    ...(readiness.prospects.length
      ? [
          `${plural(new Set(readiness.prospects.map((p) => p.prospectId)).size, 'prospect')} cannot be rendered (see Template).`,
        ]
      : []),
  ];

  const send = async () => {
    setStarting(true);
    setError(null);
    try {
      await onSend();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Sending could not start.');
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
        {plural(n, 'message')} from your mailbox, one per prospect, in about {plural(minutes, 'minute')}
        {timeFactor > 1 && ` of demo time (the demo clock runs ${timeFactor}× fast)`}. Opens tracked for{' '}
        {tracked}
        {n - tracked > 0 && `, not for ${n - tracked}`}.
        {draft.excluded.length > 0 && ` ${plural(draft.excluded.length, 'row')} left out.`}
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
            Send {plural(n, 'message')} now? Each prospect gets exactly one. You can pause or cancel at any
            time.
          </p>
          <div className={styles.actions}>
            <Button appearance="primary" onClick={() => void send()} disabledFocusable={starting}>
              {starting ? 'Starting…' : `Send ${plural(n, 'message')}`}
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
