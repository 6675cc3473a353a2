import { Button, MessageBar, MessageBarBody, MessageBarTitle, Spinner } from '@fluentui/react-components';
import { useState } from 'react';
import { useScreenStyles } from '../components/screen-styles';
import type { IncomingApproval } from './key-access-types';
import { useKeyStyles } from './key-styles';
import { formatApprovalCode } from './wording';

/**
 * On a device that has the key: a new device of the same account asks for it. The recruiter compares
 * the code both devices show, then approves (this device seals the key to the new one) or denies.
 */
export function ApprovalPrompts({
  requests,
  onSettled,
}: {
  requests: IncomingApproval[];
  onSettled: (id: string) => void;
}) {
  return (
    <>
      {requests.map((r) => (
        <ApprovalPrompt key={r.id} request={r} onSettled={() => onSettled(r.id)} />
      ))}
    </>
  );
}

function ApprovalPrompt({ request, onSettled }: { request: IncomingApproval; onSettled: () => void }) {
  const styles = useScreenStyles();
  const keyStyles = useKeyStyles();
  const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const titleId = `approval-${request.id}`;
  const act = (kind: 'approve' | 'deny') => {
    setBusy(kind);
    setError(null);
    (kind === 'approve' ? request.approve() : request.deny()).then(onSettled, () => {
      setBusy(null);
      setError(
        kind === 'approve'
          ? 'Could not send your key to the new device. Check your connection, then approve again; if the request has expired, start again on the new device.'
          : 'Could not deny the request. Check your connection, then try again; an unanswered request expires by itself within 10 minutes.',
      );
    });
  };
  return (
    <section role="region" aria-labelledby={titleId} className={styles.screen}>
      <MessageBar intent="warning" layout="multiline" politeness="assertive">
        <MessageBarBody>
          <MessageBarTitle id={titleId}>A new device wants to open your tracking data</MessageBarTitle>
          {request.code ? (
            <>
              {' '}
              Does it show this code?
              <span className={keyStyles.code} aria-label={`Code ${request.code}`}>
                {formatApprovalCode(request.code)}
              </span>
              Approve only if the codes match and the new device is yours. If you did not ask for this, deny
              it.
            </>
          ) : (
            <>
              {' '}
              <Spinner
                size="tiny"
                label="Waiting for the new device to show its code…"
                labelPosition="after"
              />
            </>
          )}
        </MessageBarBody>
      </MessageBar>
      <div className={styles.actions}>
        {request.code && (
          <Button appearance="primary" disabledFocusable={busy !== null} onClick={() => act('approve')}>
            {busy === 'approve' ? 'Approving…' : 'Approve'}
          </Button>
        )}
        <Button disabledFocusable={busy !== null} onClick={() => act('deny')}>
          {busy === 'deny' ? 'Denying…' : 'Deny'}
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
