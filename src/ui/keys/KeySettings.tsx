import { Button } from '@fluentui/react-components';
import { useScreenStyles } from '../components/screen-styles';
import type { KeyStatus, KeyState, KeyView } from './key-access-types';
import { RotateButton } from './RotateButton';

const yesNo = (on: boolean) => (on ? 'saved' : 'not set up');

/** Data & privacy's key section: where the key's backups are, a new recovery code, rotate, start over. */
export function KeySettings({
  status,
  onState,
  onOpen,
}: {
  status: KeyStatus;
  onState: (state: KeyState) => void;
  onOpen: (view: KeyView) => void;
}) {
  const styles = useScreenStyles();
  const { state, access } = status;
  return (
    <>
      <h2 className={styles.subheading} id="privacy-key">
        Your tracking key
      </h2>
      {state.kind === 'needs-key' ? (
        <>
          <p className={styles.text}>
            This device does not have your key yet, so it cannot open your campaigns, opens and replies.
          </p>
          <div className={styles.actions}>
            <Button appearance="primary" onClick={() => onOpen('unlock')}>
              Open your tracking data on this device
            </Button>
          </div>
        </>
      ) : (
        <>
          <p className={styles.text}>
            Your campaigns, opens and replies are sealed with a key that only your devices hold. Copies of it,
            each locked so that Candor cannot open them:
          </p>
          <ul className={styles.list} aria-labelledby="privacy-key">
            <li className={styles.text}>
              Locked with your recovery code or passphrase: {yesNo(state.backups.recovery)}.
            </li>
            <li className={styles.text}>
              Split between your Outlook settings and Candor, so your other Outlooks open it without a code:{' '}
              {yesNo(state.backups.split)}.
            </li>
            <li className={styles.text}>
              Locked for your organisation’s recovery key:{' '}
              {state.backups.tenant === 'not-required'
                ? 'not used by your organisation'
                : yesNo(state.backups.tenant)}
              .
            </li>
          </ul>
          {state.rotationUnfinished && (
            <p role="status" className={styles.text}>
              A move to a new key stopped part-way, so some data is still sealed to the old key (it stays
              readable here). Choose Rotate key to finish it.
            </p>
          )}
          {!state.canBackUp && (
            <p className={styles.text}>
              Your key was made before Candor could back keys up. Move to a new key to back it up.
            </p>
          )}
          <div className={styles.actions}>
            <Button onClick={() => onOpen('recovery')} disabled={!state.canBackUp}>
              {state.backups.recovery ? 'Create a new recovery code' : 'Set up a recovery code'}
            </Button>
          </div>
          <p className={styles.text}>
            Rotate: move to a new key and re-seal your data to it on this device (for example after a device
            was lost). Your data stays readable.
          </p>
          <RotateButton
            access={access}
            onState={onState}
            label={state.canBackUp ? 'Rotate key' : 'Move to a new key'}
          />
        </>
      )}
      <div className={styles.actions}>
        <Button appearance="subtle" onClick={() => onOpen('start-over')}>
          Start over with a new key…
        </Button>
      </div>
    </>
  );
}
