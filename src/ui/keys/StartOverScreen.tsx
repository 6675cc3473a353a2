import { Button, Checkbox } from '@fluentui/react-components';
import { useState } from 'react';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import type { KeyAccess, KeyState } from './key-access-types';
import { keyErrorText } from './wording';

export interface StartOverScreenProps {
  access: KeyAccess;
  focusHeading: boolean;
  /** The fresh key (ready, created): the App goes on to set up its recovery. */
  onState: (state: KeyState) => void;
  onCancel: () => void;
}

/**
 * The last resort: a new key when no device and no recovery secret is left. Says plainly, before
 * anything happens, that everything sealed so far is lost for good, and asks for an explicit tick.
 */
export function StartOverScreen({ access, focusHeading, onState, onCancel }: StartOverScreenProps) {
  const styles = useScreenStyles();
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const startOver = async () => {
    setBusy(true);
    setError(null);
    try {
      onState(await access.startOver());
    } catch (err) {
      setError(`Nothing was deleted. ${keyErrorText(err, Date.now())}`);
      setBusy(false);
    }
  };

  return (
    <section className={styles.screen} aria-labelledby="start-over-heading">
      <ScreenHeading id="start-over-heading" focusOnMount={focusHeading}>
        Start over with a new key
      </ScreenHeading>
      <p className={styles.text}>
        Only do this if you have lost every device where Candor opens your data <em>and</em> your recovery
        code or passphrase. Nobody else can open your data for you: not Candor, not your IT team.
      </p>
      <p className={styles.text}>
        <strong>Campaigns, opens and replies saved so far can never be read again.</strong> Candor deletes
        them from its service and makes a new key for this device. Messages you sent stay in your mailbox.
      </p>
      <p className={styles.text}>
        If another device of yours still opens your data, go back and approve this device from there instead.
      </p>
      <Checkbox
        checked={understood}
        disabled={busy}
        onChange={(_, d) => setUnderstood(d.checked === true)}
        label="I understand that my campaigns, opens and replies saved so far can never be read again"
      />
      <div className={styles.actions}>
        <Button appearance="primary" disabledFocusable={!understood || busy} onClick={() => void startOver()}>
          {busy ? 'Starting over…' : 'Delete old data and start over'}
        </Button>
        <Button disabled={busy} onClick={onCancel}>
          Go back
        </Button>
      </div>
      {error && (
        <p role="alert" className={styles.text}>
          {error}
        </p>
      )}
    </section>
  );
}
