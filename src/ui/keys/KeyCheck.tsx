import { Button, Spinner } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import type { KeyAccess, KeyState } from './key-access-types';
import { keyErrorText } from './wording';

/**
 * Something was sealed to a key this device lacks, although its key was in order when the pane
 * opened: asks again (another device may have moved the account to a new key). A device that now
 * needs the key gets the unlock screens; otherwise the data belongs to a key that no longer exists.
 */
export function KeyCheck({
  access,
  focusHeading,
  onState,
  onBack,
}: {
  access: KeyAccess;
  focusHeading: boolean;
  onState: (state: KeyState) => void;
  onBack: () => void;
}) {
  const styles = useScreenStyles();
  const [result, setResult] = useState<'checking' | 'current' | string>('checking');
  const [round, setRound] = useState(0);
  useEffect(() => {
    let cancelled = false;
    access.resolve().then(
      (state) => {
        if (cancelled) return;
        if (state.kind === 'needs-key') onState(state);
        else setResult('current');
      },
      (error: unknown) => !cancelled && setResult(keyErrorText(error, Date.now())),
    );
    return () => {
      cancelled = true;
    };
    // One check per round ("Check again"); onState is the App's setter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [access, round]);

  return (
    <section className={styles.screen} aria-labelledby="key-check-heading">
      <ScreenHeading id="key-check-heading" focusOnMount={focusHeading}>
        Open your tracking data on this device
      </ScreenHeading>
      {result === 'checking' && <Spinner size="small" label="Checking your key…" />}
      {result === 'current' && (
        <p className={styles.text}>
          This device has your current key. The campaign was saved with an earlier key that no longer exists
          (for example after starting over), so nobody can open it any more. Start a new campaign, or delete
          the old one from this device.
        </p>
      )}
      {result !== 'checking' && result !== 'current' && (
        <p role="alert" className={styles.text}>
          {result}
        </p>
      )}
      <div className={styles.actions}>
        {result !== 'checking' && result !== 'current' && (
          <Button
            appearance="primary"
            onClick={() => {
              setResult('checking');
              setRound((n) => n + 1);
            }}
          >
            Check again
          </Button>
        )}
        <Button onClick={onBack}>Back</Button>
      </div>
    </section>
  );
}
