import { Button, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { useState, useSyncExternalStore } from 'react';
import { userMessage } from '../components/error-message';
import { useScreenStyles } from '../components/screen-styles';
import type { CampaignRuntime } from './runtime';
import { backgroundFor, openCampaign } from './use-campaign';

/**
 * The recruiter's other campaigns still sending here (a sequence waiting for its next step), each
 * with "Open" to watch, pause or cancel it: a campaign in the background is never out of reach.
 */
export function OtherCampaigns({ runtime }: { runtime: CampaignRuntime }) {
  const styles = useScreenStyles();
  const background = backgroundFor(runtime);
  useSyncExternalStore(
    (listener) => background.subscribe(listener),
    () => background.version(),
  );
  const [error, setError] = useState<string | null>(null);
  const running = background.controllers().flatMap((c) => {
    const state = c.getState();
    return state.phase === 'sending' && c.pinnedId
      ? [{ id: c.pinnedId, name: state.campaign.name, sent: state.progress.sent }]
      : [];
  });
  if (running.length === 0) return null;
  return (
    <section aria-labelledby="other-campaigns-heading" data-testid="other-campaigns">
      <h2 id="other-campaigns-heading" className={styles.subheading}>
        Also sending
      </h2>
      <p className={styles.text}>
        These campaigns keep sending in the background, within the same Microsoft 365 limits. Open one to
        watch, pause or cancel it.
      </p>
      <ul className={styles.text}>
        {running.map((c) => (
          <li key={c.id}>
            {c.name} ({c.sent} sent){' '}
            <Button
              size="small"
              aria-label={`Open ${c.name}`}
              onClick={() => {
                setError(null);
                openCampaign(runtime, c.id).catch((e: unknown) =>
                  setError(`${c.name} could not be opened. ${userMessage(e, 'Try again.')}`),
                );
              }}
            >
              Open
            </Button>
          </li>
        ))}
      </ul>
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
