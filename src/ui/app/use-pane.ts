import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { userMessage } from '../components/error-message';
import type { PaneGraph, PaneServices, PaneSession } from '../pane-services';
import { initialPaneState, paneReducer, type RouteName } from './pane-state';

/** The message to show for a failure, in plain words with the next step. */
const messageOf = (error: unknown): string => userMessage(error);

/** A memo of an async loader that forgets failures, so "Retry" loads again. */
function useOnce<T>(load: () => Promise<T>): () => Promise<T> {
  const ref = useRef<Promise<T> | null>(null);
  return useCallback(() => {
    ref.current ??= load().catch((error: unknown) => {
      ref.current = null;
      throw error;
    });
    return ref.current;
  }, [load]);
}

/** The pane's state and actions: in-memory route plus the mailbox connection. */
export function usePane(services: PaneServices) {
  const [state, dispatch] = useReducer(paneReducer, initialPaneState);
  const session = useOnce(useCallback(() => services.loadSession(), [services]));
  const graphFor = useRef<{ session: PaneSession; graph: Promise<PaneGraph> } | null>(null);

  const loadProfile = useCallback(
    async (s: PaneSession) => {
      if (graphFor.current?.session !== s) graphFor.current = { session: s, graph: services.loadGraph(s) };
      const graph = await graphFor.current.graph.catch((error: unknown) => {
        graphFor.current = null;
        throw error;
      });
      return graph.getProfile();
    },
    [services],
  );

  // Plain functions in one memo, so each failure's Retry can call the action that failed.
  const actions = useMemo(() => {
    async function connect() {
      dispatch({ type: 'connecting' });
      try {
        const s = await session();
        await s.signIn();
        dispatch({ type: 'connected', profile: await loadProfile(s) });
      } catch (error) {
        dispatch({
          type: 'failed',
          connection: { status: 'signedOut' },
          error: {
            title: 'Could not connect your mailbox',
            message: messageOf(error),
            retry: () => void connect(),
          },
        });
      }
    }
    async function signOut() {
      dispatch({ type: 'signingOut' });
      try {
        await (await session()).signOut();
        graphFor.current = null;
        dispatch({ type: 'signedOut' });
      } catch (error) {
        dispatch({
          type: 'failed',
          error: { title: 'Could not sign out', message: messageOf(error), retry: () => void signOut() },
        });
      }
    }
    async function disconnect() {
      const remove = services.disconnect;
      if (!remove) return;
      dispatch({ type: 'signingOut', disconnecting: true });
      try {
        const s = await session();
        // Server and device data first: if that fails the recruiter stays signed in and can retry.
        await remove(s);
        await s.signOut();
        graphFor.current = null;
        dispatch({ type: 'signedOut' });
      } catch (error) {
        dispatch({
          type: 'failed',
          error: {
            title: 'Could not disconnect',
            message: messageOf(error),
            retry: () => void disconnect(),
          },
        });
      }
    }
    return { connect, signOut, disconnect };
  }, [services, session, loadProfile]);
  const { connect } = actions;

  // After the first render: load the auth boundary and reconnect silently if a session is cached.
  useEffect(() => {
    let cancelled = false;
    dispatch({ type: 'restoring' });
    (async () => {
      let s: PaneSession;
      let account: unknown;
      try {
        s = await session();
        account = await s.restore();
      } catch {
        account = null; // nothing cached or silent sign-in refused: the Connect button is the way in
      }
      if (cancelled) return;
      if (!account) {
        dispatch({ type: 'nothingRestored' });
        return;
      }
      try {
        const profile = await loadProfile(s!);
        if (!cancelled) dispatch({ type: 'connected', profile });
      } catch (error) {
        if (!cancelled)
          dispatch({
            type: 'failed',
            connection: { status: 'signedOut' },
            error: {
              title: 'Could not load your profile',
              message: messageOf(error),
              retry: () => void connect(),
            },
          });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [session, loadProfile, connect]);

  return useMemo(
    () => ({
      state,
      connect: () => void actions.connect(),
      signOut: () => void actions.signOut(),
      disconnect: () => void actions.disconnect(),
      navigate: (to: RouteName) => dispatch({ type: 'navigate', to }),
      openReport: (campaignId: string) => dispatch({ type: 'openReport', campaignId }),
      openProspect: (prospectId: string) => dispatch({ type: 'openProspect', prospectId }),
      /** The signed-in auth session (the campaign screens build their boundaries on it). */
      session,
    }),
    [state, actions, session],
  );
}

export type Pane = ReturnType<typeof usePane>;
