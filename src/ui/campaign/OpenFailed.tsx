import { Button, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useState } from 'react';
import { useScreenStyles } from '../components/screen-styles';
import type { CampaignController, ControllerState } from './controller';

type Failed = Extract<ControllerState, { phase: 'failed' }>;

/**
 * The current campaign would not open. Never a dead end: try again, open this device's copy without
 * Candor's service, start a new campaign, or delete this campaign here (explained before deleting).
 */
export function OpenFailed({
  controller,
  state,
  onOpenKeys,
}: {
  controller: CampaignController;
  state: Failed;
  /** For a campaign saved with a key this device lacks: the "Open your tracking data" screens. */
  onOpenKeys?: () => void;
}) {
  const styles = useScreenStyles();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };
  // A campaign another window is sending is neither opened nor deleted here.
  const hasCampaign = state.campaignId !== null && !state.sendingElsewhere;
  // Trying again cannot help a campaign sealed to another key; bringing the key here can.
  const keyMissing = !!state.otherKey && !!onOpenKeys;

  return (
    <div className={styles.screen} role="group" aria-labelledby="open-failed-title">
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle id="open-failed-title">This campaign could not be opened</MessageBarTitle>{' '}
          {state.message}
        </MessageBarBody>
      </MessageBar>
      <p className={styles.text}>Choose how to go on:</p>
      <div className={styles.actions}>
        {keyMissing && (
          <Button appearance="primary" disabled={busy} onClick={onOpenKeys}>
            Open your tracking data on this device
          </Button>
        )}
        <Button
          appearance={keyMissing ? 'secondary' : 'primary'}
          disabled={busy}
          onClick={() => run(() => controller.load())}
        >
          Try again
        </Button>
        {hasCampaign && (
          <Button disabled={busy} onClick={() => run(() => controller.keepOnThisDevice())}>
            Keep working on this device
          </Button>
        )}
        <Button disabled={busy} onClick={() => run(() => controller.newCampaign())}>
          Start a new campaign
        </Button>
        {hasCampaign && !confirmDelete && (
          <Button disabled={busy} onClick={() => setConfirmDelete(true)}>
            Delete this campaign from this device
          </Button>
        )}
      </div>
      <ul className={styles.list}>
        {keyMissing && (
          <li className={styles.text}>
            Open your tracking data on this device: approve it from another device, or use your recovery code.
            If you started over with a new key, this campaign can never be opened: start a new one instead.
          </li>
        )}
        {hasCampaign && (
          <li className={styles.text}>
            Keep working on this device: opens the copy saved here, without Candor’s service.
          </li>
        )}
        <li className={styles.text}>
          Start a new campaign: this one stays saved{hasCampaign ? ' on this device' : ''}.
        </li>
      </ul>
      {confirmDelete && (
        <div role="group" aria-label="Confirm deleting this campaign" className={styles.screen}>
          <p className={styles.text}>
            Delete this campaign from this device? Its prospects, template and progress on this device are
            deleted and cannot be recovered. Messages already sent stay in your Sent Items, and you are not
            signed out.
          </p>
          <div className={styles.actions}>
            <Button
              appearance="primary"
              disabled={busy}
              onClick={() => run(() => controller.discardFailed())}
            >
              Delete from this device
            </Button>
            <Button disabled={busy} onClick={() => setConfirmDelete(false)}>
              Cancel
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
