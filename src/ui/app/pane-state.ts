import type { PaneProfile } from '../pane-services';

/**
 * In-memory routing: Office.js nulls history.pushState, so the route is plain React state.
 * Campaign screens will add their names here.
 */
export type RouteName = 'connect' | 'home' | 'campaigns' | 'privacy' | 'report' | 'prospect';

/** The campaign (and prospect) the report screens show. */
export interface ReportTarget {
  campaignId: string;
  prospectId: string | null;
}

export type Connection =
  | { status: 'signedOut' }
  | { status: 'restoring' }
  | { status: 'connecting' }
  | { status: 'connected'; profile: PaneProfile }
  | { status: 'signingOut'; profile: PaneProfile; disconnecting?: boolean };

export interface PaneError {
  title: string;
  message: string;
  /** What "Retry" runs; absent when retrying makes no sense. */
  retry?: () => void;
}

export interface PaneState {
  route: RouteName;
  connection: Connection;
  error: PaneError | null;
  report: ReportTarget | null;
}

export type PaneAction =
  | { type: 'navigate'; to: RouteName }
  | { type: 'openReport'; campaignId: string }
  | { type: 'openProspect'; prospectId: string }
  | { type: 'restoring' }
  | { type: 'nothingRestored' }
  | { type: 'connecting' }
  | { type: 'connected'; profile: PaneProfile }
  | { type: 'signingOut'; disconnecting?: boolean }
  | { type: 'signedOut' }
  | { type: 'failed'; error: PaneError; connection?: Connection };

export const initialPaneState: PaneState = {
  route: 'connect',
  connection: { status: 'signedOut' },
  error: null,
  report: null,
};

/** The screen the pane rests on for a connection state: Home when connected, else Connect. */
const restingRoute = (c: Connection): RouteName =>
  c.status === 'connected' || c.status === 'signingOut' ? 'home' : 'connect';

const isConnected = (c: Connection) => c.status === 'connected' || c.status === 'signingOut';

const needsConnection = (route: RouteName) =>
  route === 'campaigns' || route === 'report' || route === 'prospect';

/** Moves to the resting route unless the user is reading Data & privacy (or a connected screen, while connected). */
function settle(state: PaneState, connection: Connection): PaneState {
  const connected = isConnected(connection);
  const stays = state.route === 'privacy' || (needsConnection(state.route) && connected);
  return {
    ...state,
    connection,
    route: stays ? state.route : restingRoute(connection),
    report: connected ? state.report : null,
  };
}

/** The screens the navigation offers for a connection state, in order; Campaigns when the pane has them. */
export function navigableRoutes(connection: Connection, campaigns = false): RouteName[] {
  return campaigns && isConnected(connection)
    ? [restingRoute(connection), 'campaigns', 'privacy']
    : [restingRoute(connection), 'privacy'];
}

export function paneReducer(state: PaneState, action: PaneAction): PaneState {
  switch (action.type) {
    case 'navigate':
      if (action.to === state.route) return state;
      // Home needs a connection and Connect needs none; other requests are ignored.
      if (needsConnection(action.to) && !isConnected(state.connection)) return state;
      // The report screens show a chosen campaign (and prospect): back goes to one already chosen.
      if (action.to === 'report') return state.report ? { ...state, route: 'report' } : state;
      if (action.to === 'prospect') return state.report?.prospectId ? { ...state, route: 'prospect' } : state;
      if (
        action.to !== 'privacy' &&
        action.to !== 'campaigns' &&
        action.to !== restingRoute(state.connection)
      )
        return state;
      return { ...state, route: action.to };
    case 'openReport':
      return isConnected(state.connection)
        ? { ...state, route: 'report', report: { campaignId: action.campaignId, prospectId: null } }
        : state;
    case 'openProspect':
      return state.report && isConnected(state.connection)
        ? { ...state, route: 'prospect', report: { ...state.report, prospectId: action.prospectId } }
        : state;
    case 'restoring':
      return { ...state, connection: { status: 'restoring' } };
    case 'nothingRestored':
      // A Connect click may have overtaken the silent restore; only a still-restoring pane settles.
      return state.connection.status === 'restoring' ? settle(state, { status: 'signedOut' }) : state;
    case 'connecting':
      return { ...state, connection: { status: 'connecting' }, error: null };
    case 'connected':
      return { ...settle(state, { status: 'connected', profile: action.profile }), error: null };
    case 'signingOut':
      return state.connection.status === 'connected'
        ? {
            ...state,
            connection: {
              status: 'signingOut',
              profile: state.connection.profile,
              disconnecting: action.disconnecting,
            },
            error: null,
          }
        : state;
    case 'signedOut':
      return { ...settle(state, { status: 'signedOut' }), error: null };
    case 'failed': {
      // A failed sign-out or disconnect leaves the recruiter connected, with the buttons usable again.
      const current: Connection =
        state.connection.status === 'signingOut'
          ? { status: 'connected', profile: state.connection.profile }
          : state.connection;
      return { ...settle(state, action.connection ?? current), error: action.error };
    }
  }
}
