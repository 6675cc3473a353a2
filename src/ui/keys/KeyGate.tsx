import { Spinner } from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import type { RouteName } from '../app/pane-state';
import type { Pane } from '../app/use-pane';
import type { PaneServices } from '../pane-services';
import type { KeyState, KeyStatus, KeyView } from './key-access-types';
import { KeyLayer } from './KeyLayer';
import { OpenKeysContext } from './open-keys-context';
import { RecoveryBar } from './RecoveryBar';

// The screens (forms, Fluent inputs) load only when one is first shown.
const KeyScreens = lazy(() => import('./KeyScreens'));

export interface KeyGateProps {
  /** The App's pane (route, navigation, session, sign-out). */
  pane: Pick<Pane, 'state' | 'navigate' | 'signOut' | 'session'>;
  /** `loadKeyAccess` (present: the App renders the gate only then) and `checkPassphrase`. */
  services: Pick<PaneServices, 'loadKeyAccess' | 'checkPassphrase'>;
  /** Whether the key is ready, for the App's background work on campaign data. */
  onReady: (ready: boolean) => void;
  /** The App's screen for the route. */
  children: ReactNode;
  /** Shown under the unlock screens (Disconnect…): a device without the key can still leave. */
  unlockFooter?: ReactNode;
}

/**
 * Everything about the user's key while connected, in one lazy chunk so the first load stays small.
 * The App wraps its screen in it: the key is resolved once in the background (the screen shows
 * meanwhile); a device without the key gets the unlock screens instead of Home, Campaigns and the
 * reports; Home gets a recovery reminder and Data & privacy the key section; a device with the key
 * shows approval prompts for new devices.
 */
/** Reloads the task pane (the session is restored silently, as after Outlook reopens it). */
export function reloadPane(): void {
  globalThis.location?.reload();
}

export function KeyGate({ pane, services, onReady, children, unlockFooter }: KeyGateProps) {
  const { route } = pane.state;
  const { navigate, signOut: onSignOut } = pane;
  const { checkPassphrase } = services;
  const load = async () => services.loadKeyAccess!(await pane.session());
  const [status, setStatus] = useState<KeyStatus | null>(null);
  // A key screen opened on a route; moving elsewhere through the navigation closes it.
  const [opened, setOpened] = useState<{ view: KeyView; route: RouteName } | null>(null);
  const view = opened?.route === route ? opened.view : null;

  const ready = status?.state.kind === 'ready';
  const readyRef = useRef(onReady);
  useEffect(() => {
    readyRef.current = onReady;
  }, [onReady]);
  useEffect(() => readyRef.current(ready), [ready]);
  useEffect(() => () => readyRef.current(false), []);

  const open = (next: KeyView | null) => {
    setOpened(next && { view: next, route: 'home' });
    if (next && route !== 'home') navigate('home');
  };
  const onState = (state: KeyState) => {
    const before = status?.state;
    // The campaign runtime and the reports opened their data with the key they started with: after a
    // rotation or a start-over the pane reloads, and everything opens again with the new key.
    if (before?.kind === 'ready' && state.kind === 'ready' && before.key.keyId !== state.key.keyId)
      reloadPane();
    setStatus((s) => s && { ...s, state });
  };
  const screens = status && {
    status,
    checkPassphrase,
    focusHeading: true,
    onState,
    onView: open,
    onSignOut,
  };

  let content: ReactNode = children;
  if (screens && route !== 'privacy' && (status.state.kind === 'needs-key' || view))
    content = (
      <>
        <Suspense fallback={<Spinner label="Loading…" />}>
          <KeyScreens {...screens} view={view ?? 'unlock'} />
        </Suspense>
        {status.state.kind === 'needs-key' && unlockFooter}
      </>
    );
  else if (screens && route === 'home')
    content = (
      <>
        <RecoveryBar state={status.state} onOpen={() => open('recovery')} />
        {children}
      </>
    );
  else if (screens && route === 'privacy')
    content = (
      <>
        {children}
        <Suspense fallback={<Spinner size="small" label="Loading your key’s status…" />}>
          <KeyScreens {...screens} view="settings" />
        </Suspense>
      </>
    );

  return (
    <OpenKeysContext.Provider value={status ? () => open('unlock') : null}>
      <KeyLayer load={load} status={status} onStatus={setStatus} />
      {content}
    </OpenKeysContext.Provider>
  );
}

export default KeyGate;
