import { Button, Spinner } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import type { ApprovalRequest, KeyAccess, KeyState } from './key-access-types';
import { useKeyStyles } from './key-styles';
import { keyAccessProblem } from './key-access-types';
import { formatApprovalCode, keyErrorText } from './wording';

/** A request that could not even start (offline) fails like an expired one: "Ask again" is offered. */
function requestOrFailure(access: KeyAccess, signal: AbortSignal): ApprovalRequest {
  try {
    return access.requestApproval(signal);
  } catch (error) {
    const failed = Promise.reject(error instanceof Error ? error : new Error('The request failed'));
    return { code: failed, done: failed, cancel: () => undefined };
  }
}

/** Why the request ended, said plainly: the other device's denial, expiry, or anything else. */
function endedText(why: unknown): string {
  const problem = keyAccessProblem(why);
  if (problem?.kind === 'denied' || problem?.kind === 'expired' || problem?.kind === 'network')
    return keyErrorText(why, Date.now());
  return 'This request was denied or has expired (requests last 10 minutes), so nothing was shared. Ask again, or go back and use your recovery code instead.';
}

type Phase = { kind: 'asking' } | { kind: 'code'; code: string } | { kind: 'ended'; why: unknown };

export interface ApproveScreenProps {
  access: KeyAccess;
  focusHeading: boolean;
  onState: (state: KeyState) => void;
  /** Back to the choices on the unlock screen. */
  onBack: () => void;
}

/**
 * The new device's side of an approval: asks Candor's service to relay a request, shows the 6-digit
 * code, and waits for the recruiter to approve on the other device. Cancel withdraws the request; a
 * denied or expired request says so and offers to ask again.
 */
export function ApproveScreen({ access, focusHeading, onState, onBack }: ApproveScreenProps) {
  const styles = useScreenStyles();
  const keyStyles = useKeyStyles();
  const [phase, setPhase] = useState<Phase>({ kind: 'asking' });
  const [round, setRound] = useState(0);
  const cancel = useRef<(() => void) | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    const request = requestOrFailure(access, abort.signal);
    const stop = () => {
      abort.abort();
      request.cancel();
    };
    cancel.current = stop;
    request.code.then(
      (code) => !abort.signal.aborted && setPhase({ kind: 'code', code }),
      (why: unknown) => !abort.signal.aborted && setPhase({ kind: 'ended', why }),
    );
    request.done.then(
      (state) => !abort.signal.aborted && onState(state),
      (why: unknown) => !abort.signal.aborted && setPhase({ kind: 'ended', why }),
    );
    // Leaving the screen withdraws the request.
    return stop;
    // A new request per round ("Ask again"); onState is the App's setter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [access, round]);

  return (
    <section className={styles.screen} aria-labelledby="approve-heading">
      <ScreenHeading id="approve-heading" focusOnMount={focusHeading}>
        Approve from another device
      </ScreenHeading>
      {phase.kind === 'asking' && <Spinner size="small" label="Getting a code for this device…" />}
      {phase.kind === 'code' && (
        <>
          <p className={styles.text}>This device shows the code:</p>
          <p className={keyStyles.code} aria-label={`Code ${phase.code}`}>
            {formatApprovalCode(phase.code)}
          </p>
          <ol className={styles.list}>
            <li className={styles.text}>Open Candor on your other device, where your data already opens.</li>
            <li className={styles.text}>
              Check it shows the same code, then choose Approve there. If the codes differ, deny it there.
            </li>
          </ol>
          <div role="status">
            <Spinner size="tiny" labelPosition="after" label="Waiting for your other device…" />
          </div>
        </>
      )}
      {phase.kind === 'ended' && (
        <p role="alert" className={styles.text}>
          {endedText(phase.why)}
        </p>
      )}
      <div className={styles.actions}>
        {phase.kind === 'ended' && (
          <Button
            appearance="primary"
            onClick={() => {
              setPhase({ kind: 'asking' });
              setRound((n) => n + 1);
            }}
          >
            Ask again
          </Button>
        )}
        <Button
          onClick={() => {
            cancel.current?.();
            onBack();
          }}
        >
          {phase.kind === 'ended' ? 'Back' : 'Cancel'}
        </Button>
      </div>
    </section>
  );
}
