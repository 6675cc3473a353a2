import type { PaneTheme } from '../../src/outlook';
import type { PaneGraph, PaneProfile, PaneServices, PaneSession } from '../../src/ui/pane-services';

export const RECRUITER: PaneProfile = {
  displayName: 'Avery Recruiter',
  mail: 'avery@contoso.example',
  userPrincipalName: 'avery@contoso.example',
};

/** A controllable stand-in for the Office host's theme. */
export function fakeOffice(initial: PaneTheme = 'light', inOffice = false) {
  let theme = initial;
  const listeners = new Set<(t: PaneTheme) => void>();
  return {
    inOffice,
    get theme() {
      return theme;
    },
    onThemeChange(listener: (t: PaneTheme) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getComposeItem: async () => null,
    setTheme(next: PaneTheme) {
      theme = next;
      listeners.forEach((l) => l(next));
    },
  };
}

export interface FakeSessionOptions {
  restored?: boolean;
  signInErrors?: Error[];
  signOutErrors?: Error[];
}

/** A fake auth session recording calls; queued errors fail the next calls in order. */
export function fakeSession(options: FakeSessionOptions = {}) {
  const signInErrors = [...(options.signInErrors ?? [])];
  const signOutErrors = [...(options.signOutErrors ?? [])];
  const calls: string[] = [];
  let signedIn = false;
  const session: PaneSession & { calls: string[]; readonly signedIn: boolean } = {
    calls,
    get signedIn() {
      return signedIn;
    },
    async signIn() {
      calls.push('signIn');
      const error = signInErrors.shift();
      if (error) throw error;
      signedIn = true;
      return { username: RECRUITER.mail };
    },
    async restore() {
      calls.push('restore');
      signedIn = !!options.restored;
      return options.restored ? { username: RECRUITER.mail } : null;
    },
    async signOut() {
      calls.push('signOut');
      const error = signOutErrors.shift();
      if (error) throw error;
      signedIn = false;
    },
    async getGraphToken() {
      calls.push('getGraphToken');
      if (!signedIn) throw new Error('not signed in');
      return 'graph-token';
    },
  };
  return session;
}

/** A fake Graph that reads the profile only with a token from the session, as the real one does. */
export function fakeGraph(
  session: PaneSession,
  profileErrors: Error[] = [],
): PaneGraph & { profileCalls: number } {
  const graph = {
    profileCalls: 0,
    async getProfile() {
      graph.profileCalls++;
      await session.getGraphToken();
      const error = profileErrors.shift();
      if (error) throw error;
      return RECRUITER;
    },
  };
  return graph;
}

export function fakeServices(
  overrides: {
    session?: ReturnType<typeof fakeSession>;
    graph?: PaneGraph;
    office?: ReturnType<typeof fakeOffice>;
    mode?: 'demo' | 'entra';
    loadSession?: () => Promise<PaneSession>;
    /** Errors the next disconnect calls throw, in order; `false` builds services without disconnect. */
    disconnectErrors?: Error[] | false;
  } = {},
) {
  const session = overrides.session ?? fakeSession();
  const graph = overrides.graph ?? fakeGraph(session);
  const office = overrides.office ?? fakeOffice();
  const loads = { session: 0, graph: 0 };
  const disconnectErrors =
    overrides.disconnectErrors === false ? null : [...(overrides.disconnectErrors ?? [])];
  /** Sessions whose data was deleted, in call order. */
  const disconnected: PaneSession[] = [];
  const services: PaneServices = {
    mode: overrides.mode ?? 'demo',
    office,
    loadSession:
      overrides.loadSession ??
      (async () => {
        loads.session++;
        return session;
      }),
    async loadGraph() {
      loads.graph++;
      return graph;
    },
    ...(disconnectErrors && {
      async disconnect(s: PaneSession) {
        session.calls.push('disconnect');
        const error = disconnectErrors.shift();
        if (error) throw error;
        disconnected.push(s);
      },
    }),
  };
  return { services, session, graph, office, loads, disconnected };
}
