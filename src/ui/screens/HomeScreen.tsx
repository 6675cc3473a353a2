import { Button, Persona } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import type { PaneProfile } from '../pane-services';

export interface HomeScreenProps {
  profile: PaneProfile;
  signingOut: boolean;
  onSignOut: () => void;
  focusHeading: boolean;
  /** Where campaign features plug in (a later screen set); nothing is rendered when absent. */
  children?: ReactNode;
}

/** After connecting: who is connected, and the way out. */
export function HomeScreen({ profile, signingOut, onSignOut, focusHeading, children }: HomeScreenProps) {
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
        <Button onClick={onSignOut} disabledFocusable={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </Button>
      </div>
    </section>
  );
}

export default HomeScreen;
