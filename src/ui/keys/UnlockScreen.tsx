import { Button, Field, Input } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import type { KeyAccess, KeyState } from './key-access-types';
import { useKeyStyles } from './key-styles';
import { keyErrorText } from './wording';

type NeedsKey = Extract<KeyState, { kind: 'needs-key' }>;

export interface UnlockScreenProps {
  access: KeyAccess;
  state: NeedsKey;
  focusHeading: boolean;
  /** The key arrived (recovered): the App goes on with it. */
  onState: (state: KeyState) => void;
  onApprove: () => void;
  onStartOver: () => void;
  /** Signing out is always a way out of this screen. */
  onSignOut?: () => void;
  now?: () => number;
}

const SECRET_LABEL = {
  code: 'Recovery code',
  passphrase: 'Passphrase',
} as const;

/**
 * "Open your tracking data on this device": the account has a key, this device does not. Offers
 * approval from a device that has it, the recovery code or passphrase, and, as the last resort,
 * starting over.
 */
export function UnlockScreen({
  access,
  state,
  focusHeading,
  onState,
  onApprove,
  onStartOver,
  onSignOut,
  now = Date.now,
}: UnlockScreenProps) {
  const styles = useScreenStyles();
  const keyStyles = useKeyStyles();
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = state.recovery ? SECRET_LABEL[state.recovery] : 'Recovery code or passphrase';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!secret.trim()) {
      setError(`Enter your ${label.toLowerCase()}, then choose Open my data.`);
      return;
    }
    setBusy(true);
    setError(null);
    // Let "Checking…" paint before Argon2id holds the main thread for about a second.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    try {
      onState(await access.recoverWithSecret(secret));
    } catch (err) {
      setError(keyErrorText(err, now()));
      setBusy(false);
    }
  };

  return (
    <section className={styles.screen} aria-labelledby="unlock-heading">
      <ScreenHeading id="unlock-heading" focusOnMount={focusHeading}>
        Open your tracking data on this device
      </ScreenHeading>
      <p className={styles.text}>
        Candor encrypts your campaigns, opens and replies with a key that only your devices hold. You have
        used Candor before, but this device does not have that key yet. Bring it here in one of these ways.
      </p>

      <h2 className={styles.subheading}>Approve from another device</h2>
      <p className={styles.text}>
        If Candor is open on another device of yours (for example Outlook at work), approve this device from
        there. Nothing to type.
      </p>
      <div className={styles.actions}>
        <Button appearance="primary" onClick={onApprove}>
          Approve from another device
        </Button>
      </div>

      <h2 className={styles.subheading}>Use your recovery code or passphrase</h2>
      {state.recovery === null && (
        <p className={styles.text}>
          No recovery code or passphrase was saved for your account, so approve from another device, or start
          over below.
        </p>
      )}
      <form className={keyStyles.form} onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label={label}
          hint={
            state.recovery === 'code'
              ? 'The 26-character code Candor showed you, for example ABCD-EFGH-… Dashes and spaces do not matter.'
              : undefined
          }
          validationState={error ? 'error' : 'none'}
          validationMessage={error ?? undefined}
        >
          <Input
            type={state.recovery === 'code' ? 'text' : 'password'}
            autoComplete="off"
            spellCheck={false}
            value={secret}
            onChange={(_, d) => setSecret(d.value)}
            disabled={busy}
          />
        </Field>
        <div className={styles.actions}>
          <Button type="submit" disabledFocusable={busy}>
            {busy ? 'Checking… this takes a moment' : 'Open my data'}
          </Button>
        </div>
      </form>

      <h2 className={styles.subheading}>Nothing else left?</h2>
      <div className={styles.actions}>
        <Button appearance="subtle" className={keyStyles.linkButton} onClick={onStartOver}>
          I have lost every device and my recovery code
        </Button>
        {onSignOut && (
          <Button appearance="subtle" className={keyStyles.linkButton} onClick={onSignOut}>
            Sign out
          </Button>
        )}
      </div>
    </section>
  );
}
