import { Button, Persona } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { DisconnectDialog } from '../components/DisconnectDialog';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import type { PaneProfile } from '../pane-services';

export interface HomeScreenProps {
  profile: PaneProfile;
  /** Sign-out or disconnect under way. */
  busy: 'signingOut' | 'disconnecting' | null;
  onSignOut: () => void;
  /** Absent when the pane cannot disconnect (no backend): then only Sign out is offered. */
  onDisconnect?: () => void;
  focusHeading: boolean;
  /** Where campaign features plug in (a later screen set); nothing is rendered when absent. */
  children?: ReactNode;
}

/** After connecting: who is connected, and the ways out (sign out; disconnect and delete). */
export function HomeScreen({
  profile,
  busy,
  onSignOut,
  onDisconnect,
  focusHeading,
  children,
}: HomeScreenProps) {
  const styles = useScreenStyles();
  const address = profile.mail ?? profile.userPrincipalName;
  return (
    <section className={styles.screen} aria-labelledby="home-heading">
      <ScreenHeading id="home-heading" focusOnMount={focusHeading}>
        Connected
      </ScreenHeading>
      <Persona
        name={profile.displayName}
        secondaryText={address}
        avatar={{ color: 'colorful', 'aria-hidden': true }}
        size="large"
        textAlignment="center"
      />
      {children}
      <div className={styles.actions}>
        <Button onClick={onSignOut} disabledFocusable={busy !== null}>
          {busy === 'signingOut' ? 'Signing out…' : 'Sign out'}
        </Button>
        {onDisconnect && <DisconnectDialog busy={busy === 'disconnecting'} onConfirm={onDisconnect} />}
      </div>
    </section>
  );
}

export default HomeScreen;
