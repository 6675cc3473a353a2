import { Button, Checkbox, Field, Radio, RadioGroup, Spinner } from '@fluentui/react-components';
import { useState } from 'react';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import type { CheckPassphrase, KeyAccess, KeyState } from './key-access-types';
import { useKeyStyles } from './key-styles';
import { PassphraseForm } from './PassphraseForm';
import { RotateButton } from './RotateButton';
import { RecoveryCodeView } from './RecoveryCodeView';
import { keyErrorText } from './wording';

type Ready = Extract<KeyState, { kind: 'ready' }>;

export interface RecoverySetupScreenProps {
  access: KeyAccess;
  state: Ready;
  /** Absent: only a generated code is offered. */
  checkPassphrase?: CheckPassphrase;
  focusHeading: boolean;
  onState: (state: KeyState) => void;
  onDone: () => void;
}

/** Lets the browser paint the progress text before Argon2id holds the main thread for about a second. */
const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A recovery secret for the key: a code Candor generates (shown once, with Copy and Download, and an
 * "I have saved it" tick before Done), or a passphrase the recruiter chooses (strength-checked). A key
 * made before backups existed first moves to a new key that can be backed up.
 */
export function RecoverySetupScreen({
  access,
  state,
  checkPassphrase,
  focusHeading,
  onState,
  onDone,
}: RecoverySetupScreenProps) {
  const styles = useScreenStyles();
  const keyStyles = useKeyStyles();
  const [choice, setChoice] = useState<'code' | 'passphrase'>('code');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [saved, setSaved] = useState<'code' | 'passphrase' | null>(null);
  const [confirmed, setConfirmed] = useState(false);

  const setUp = async (secret: { kind: 'code' } | { kind: 'passphrase'; passphrase: string }) => {
    setBusy(true);
    setError(null);
    await nextFrame();
    try {
      const result = await access.setUpRecovery(secret);
      if (secret.kind === 'code') {
        if (!result.code) throw new Error('Candor could not create a recovery code. Try again.');
        setCode(result.code);
      }
      setSaved(secret.kind);
      // The backups changed: the Home bar and the key status follow.
      void access.resolve().then(onState, () => undefined);
    } catch (err) {
      setError(keyErrorText(err, Date.now()));
    } finally {
      setBusy(false);
    }
  };

  const heading = (
    <ScreenHeading id="recovery-heading" focusOnMount={focusHeading}>
      Set up a recovery code
    </ScreenHeading>
  );

  if (!state.canBackUp)
    return (
      <section className={styles.screen} aria-labelledby="recovery-heading">
        {heading}
        <p className={styles.text}>
          Your key was made before Candor could back keys up, so it cannot be saved as it is. Move to a new
          key that can be backed up: your campaigns, opens and replies stay readable, and Candor re-seals them
          to the new key on this device. Keep this pane open until it finishes.
        </p>
        <RotateButton access={access} onState={onState} label="Move to a new key that can be backed up" />
        <div className={styles.actions}>
          <Button onClick={onDone}>Not now</Button>
        </div>
      </section>
    );

  if (saved === 'code' && code)
    return (
      <section className={styles.screen} aria-labelledby="recovery-heading">
        {heading}
        <RecoveryCodeView code={code} />
        <Checkbox
          checked={confirmed}
          onChange={(_, d) => setConfirmed(d.checked === true)}
          label="I have saved my recovery code somewhere safe, away from this device"
        />
        <div className={styles.actions}>
          <Button appearance="primary" disabledFocusable={!confirmed} onClick={onDone}>
            Done
          </Button>
        </div>
      </section>
    );

  if (saved === 'passphrase')
    return (
      <section className={styles.screen} aria-labelledby="recovery-heading">
        {heading}
        <p role="status" className={styles.text}>
          Your passphrase is set. On a new device, enter it to open your tracking data. Candor cannot remind
          you of it, so keep it somewhere safe.
        </p>
        <div className={styles.actions}>
          <Button appearance="primary" onClick={onDone}>
            Done
          </Button>
        </div>
      </section>
    );

  return (
    <section className={styles.screen} aria-labelledby="recovery-heading">
      {heading}
      <p className={styles.text}>
        With a recovery code you can open your tracking data on a new device, even if you have lost this one.
        Candor stores your key only locked with it, so nobody at Candor can open it, and Candor cannot tell
        you the code again.
      </p>
      {state.backups.recovery && (
        <p className={styles.text}>
          You already have a recovery code or passphrase. Once you set up a new one, the earlier one stops
          working.
        </p>
      )}
      {checkPassphrase && (
        <Field label="Protect your key with">
          <RadioGroup value={choice} onChange={(_, d) => setChoice(d.value as 'code' | 'passphrase')}>
            <Radio value="code" label="A recovery code Candor makes for you (recommended)" disabled={busy} />
            <Radio value="passphrase" label="A passphrase you choose" disabled={busy} />
          </RadioGroup>
        </Field>
      )}
      {choice === 'code' || !checkPassphrase ? (
        <div className={styles.actions}>
          <Button appearance="primary" disabledFocusable={busy} onClick={() => void setUp({ kind: 'code' })}>
            Create my recovery code
          </Button>
          <Button disabled={busy} onClick={onDone}>
            Not now
          </Button>
        </div>
      ) : (
        <PassphraseForm
          check={checkPassphrase}
          busy={busy}
          onSubmit={(passphrase) => void setUp({ kind: 'passphrase', passphrase })}
          onCancel={onDone}
        />
      )}
      {busy && (
        <div role="status" className={keyStyles.form}>
          <Spinner
            size="tiny"
            labelPosition="after"
            label="Protecting your key… this takes about a second."
          />
        </div>
      )}
      {error && (
        <p role="alert" className={styles.text}>
          {error}
        </p>
      )}
    </section>
  );
}
