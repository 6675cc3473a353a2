import { Button, MessageBar, MessageBarBody, MessageBarTitle, Spinner } from '@fluentui/react-components';
import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import { PERMISSIONS } from '../privacy/permissions';

export interface ConnectScreenProps {
  mode: 'demo' | 'entra';
  inOffice: boolean;
  /** Sign-in under way: the button is busy. */
  connecting: boolean;
  onConnect: () => void;
  focusHeading: boolean;
}

/** The first screen: what connecting means, and the one button that does it. */
export function ConnectScreen({ mode, inOffice, connecting, onConnect, focusHeading }: ConnectScreenProps) {
  const styles = useScreenStyles();
  return (
    <section className={styles.screen} aria-labelledby="connect-heading">
      <ScreenHeading id="connect-heading" focusOnMount={focusHeading}>
        Connect your Microsoft 365 mailbox
      </ScreenHeading>
      {mode === 'demo' && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Demo mailbox (emulator)</MessageBarTitle> This build signs in a demo recruiter
            and uses a local stand-in for Microsoft 365. No real mail is sent.
          </MessageBarBody>
        </MessageBar>
      )}
      {!inOffice && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Running outside Outlook</MessageBarTitle> Candor is open in a browser tab, not in
            Outlook. Connecting works; features that need an open email do not.
          </MessageBarBody>
        </MessageBar>
      )}
      <p className={styles.text}>Candor will ask Microsoft for permission to:</p>
      <ul className={styles.list}>
        {PERMISSIONS.map((p) => (
          <li key={p.scope} className={styles.text}>
            {p.title}
          </li>
        ))}
      </ul>
      <div className={styles.actions}>
        <Button
          appearance="primary"
          onClick={onConnect}
          disabledFocusable={connecting}
          icon={connecting ? <Spinner size="tiny" /> : undefined}
        >
          {connecting ? 'Connecting…' : 'Connect'}
        </Button>
      </div>
    </section>
  );
}
