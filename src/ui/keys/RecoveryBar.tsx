import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import type { KeyState } from './key-access-types';

/** Home's non-blocking reminder while the key has no recovery secret (or cannot be backed up yet). */
export function RecoveryBar({ state, onOpen }: { state: KeyState; onOpen: () => void }) {
  if (state.kind !== 'ready' || (state.backups.recovery && state.canBackUp)) return null;
  const rotate = !state.canBackUp;
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{rotate ? 'Your key has no backup' : 'No recovery code yet'}</MessageBarTitle>{' '}
        {rotate
          ? 'Move to a new key that can be backed up, so you can open your data on a new device.'
          : 'Set up a recovery code so you can open your data on a new device.'}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={onOpen}>{rotate ? 'Move to a new key' : 'Set up'}</Button>
      </MessageBarActions>
    </MessageBar>
  );
}
