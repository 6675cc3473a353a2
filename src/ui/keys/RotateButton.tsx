import { Button, Field, ProgressBar } from '@fluentui/react-components';
import { useState } from 'react';
import { useScreenStyles } from '../components/screen-styles';
import type { KeyAccess, KeyState } from './key-access-types';
import { keyErrorText } from './wording';

/** Rotates the key, showing how many sealed items are re-sealed so far; errors say how to go on. */
export function RotateButton({
  access,
  onState,
  label,
}: {
  access: KeyAccess;
  onState: (state: KeyState) => void;
  label: string;
}) {
  const styles = useScreenStyles();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const rotate = async () => {
    setBusy(true);
    setMessage(null);
    setProgress(null);
    try {
      const state = await access.rotate((p) => setProgress(p));
      setMessage({ error: false, text: 'Done: your data is now sealed to the new key.' });
      onState(state);
    } catch (err) {
      setMessage({
        error: true,
        text: `The move to a new key did not finish. Your data is still readable with your current key. ${keyErrorText(
          err,
          Date.now(),
        )}`,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className={styles.actions}>
        <Button appearance="primary" disabledFocusable={busy} onClick={() => void rotate()}>
          {busy ? 'Moving to a new key…' : label}
        </Button>
      </div>
      {busy && (
        <Field
          validationState="none"
          validationMessage={
            progress
              ? `Re-sealed ${progress.done} of ${progress.total}. Keep this pane open.`
              : 'Starting… Keep this pane open.'
          }
        >
          <ProgressBar
            aria-label="Moving to a new key"
            value={progress && progress.total > 0 ? progress.done / progress.total : undefined}
          />
        </Field>
      )}
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={styles.text}>
          {message.text}
        </p>
      )}
    </>
  );
}
