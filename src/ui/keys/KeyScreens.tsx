import type { CheckPassphrase, KeyState, KeyStatus, KeyView } from './key-access-types';
import { ApproveScreen } from './ApproveScreen';
import { KeyCheck } from './KeyCheck';
import { KeySettings } from './KeySettings';
import { RecoverySetupScreen } from './RecoverySetupScreen';
import { StartOverScreen } from './StartOverScreen';
import { UnlockScreen } from './UnlockScreen';

export interface KeyScreensProps {
  status: KeyStatus;
  view: KeyView;
  checkPassphrase?: CheckPassphrase;
  focusHeading: boolean;
  /** The key's new state after a screen changed it (recovered, approved, started over, rotated). */
  onState: (state: KeyState) => void;
  /** Another key screen, or null for the App's own screens. */
  onView: (view: KeyView | null) => void;
  onSignOut?: () => void;
}

/**
 * The key screens in one lazily loaded chunk: KeyGate shows `view` and hears where to go next.
 * A device without the key always lands on the unlock choices (or the approval / start-over step
 * chosen from them).
 */
export function KeyScreens({
  status,
  view,
  checkPassphrase,
  focusHeading,
  onState,
  onView,
  onSignOut,
}: KeyScreensProps) {
  const { access, state } = status;
  if (view === 'settings') return <KeySettings status={status} onState={onState} onOpen={onView} />;
  if (view === 'start-over')
    return (
      <StartOverScreen
        access={access}
        focusHeading={focusHeading}
        onState={(next) => {
          onState(next);
          onView('recovery');
        }}
        onCancel={() => onView(null)}
      />
    );
  if (state.kind === 'needs-key') {
    if (view === 'approve')
      return (
        <ApproveScreen
          access={access}
          focusHeading={focusHeading}
          onState={(next) => {
            onState(next);
            onView(null);
          }}
          onBack={() => onView('unlock')}
        />
      );
    return (
      <UnlockScreen
        access={access}
        state={state}
        focusHeading={focusHeading}
        onState={(next) => {
          onState(next);
          onView(null);
        }}
        onApprove={() => onView('approve')}
        onStartOver={() => onView('start-over')}
        onSignOut={onSignOut}
      />
    );
  }
  if (view === 'recovery')
    return (
      <RecoverySetupScreen
        access={access}
        state={state}
        checkPassphrase={checkPassphrase}
        focusHeading={focusHeading}
        onState={onState}
        onDone={() => onView(null)}
      />
    );
  // Asked to open data sealed to another key while this device's key looked current: check again.
  return (
    <KeyCheck access={access} focusHeading={focusHeading} onState={onState} onBack={() => onView(null)} />
  );
}

export default KeyScreens;
