import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IncomingApproval, KeyAccess, KeyStatus } from './key-access-types';
import { ApprovalPrompts } from './ApprovalPrompts';
import { useVisiblePoll } from './use-visible-poll';
import { keyErrorText } from './wording';

export interface KeyLayerProps {
  /** Builds this session's KeyAccess (PaneServices.loadKeyAccess). */
  load: () => Promise<KeyAccess>;
  /** The key as the App holds it (null until resolved here). */
  status: KeyStatus | null;
  onStatus: (status: KeyStatus) => void;
  /** How often a device with the key asks for approval requests (5 s). */
  pollMs?: number;
}

/**
 * The key's background work while connected, loaded after the first screen: resolves the key once
 * (the App routes a device without it to the unlock screens), and on a device that has it, asks every
 * few seconds whether a new device is waiting for approval and shows the prompt. Renders nothing else.
 */
export function KeyLayer({ load, status, onStatus, pollMs = 5000 }: KeyLayerProps) {
  const [failure, setFailure] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [incoming, setIncoming] = useState<IncomingApproval[]>([]);
  const latest = useRef({ load, onStatus });
  useEffect(() => {
    latest.current = { load, onStatus };
  }, [load, onStatus]);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const access = await latest.current.load();
        const state = await access.resolve();
        if (!cancelled) latest.current.onStatus({ access, state });
      } catch (error) {
        if (!cancelled) setFailure(keyErrorText(error, Date.now()));
      }
    })();
    return () => {
      cancelled = true;
    };
    // Resolved once per connection (and again on Retry); later changes come from the key screens.
  }, [attempt]);

  const ready = status?.state.kind === 'ready';
  const access = status?.access;
  const poll = useCallback(async () => {
    if (access) setIncoming(await access.listApprovalRequests());
  }, [access]);
  useVisiblePoll(poll, pollMs, ready && !!access);

  if (failure && !status)
    return (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Could not check your tracking key</MessageBarTitle> {failure}
        </MessageBarBody>
        <MessageBarActions>
          <Button
            onClick={() => {
              setFailure(null);
              setAttempt((n) => n + 1);
            }}
          >
            Retry
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  if (!ready || incoming.length === 0) return null;
  return (
    <ApprovalPrompts
      requests={incoming}
      onSettled={(id) => setIncoming((list) => list.filter((r) => r.id !== id))}
    />
  );
}

export default KeyLayer;
