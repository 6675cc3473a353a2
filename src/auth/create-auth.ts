import { systemClock, type Clock } from '../shared/clock';
import { msalConfig } from './msal-config';
import type { MsalFactory } from './msal-types';
import { demoSession, tabSessionStorage, type SessionMarkerStorage } from './sessions/demo-session';
import { dialogSession } from './sessions/dialog-session';
import { msalSession } from './sessions/msal-session';
import { chooseStrategy } from './strategy';
import type { AuthConfig, AuthHost, AuthOptions, AuthSession } from './types';

export interface AuthDependencies extends AuthOptions {
  /** MSAL client factory; tests pass a fake. Default: loads @azure/msal-browser on demand. */
  msal?: MsalFactory;
  /** Demo mode's fetch. */
  fetch?: typeof fetch;
  clock?: Clock;
  /** Demo mode: where a sign-in is remembered across reloads. Default: this tab's sessionStorage. */
  sessionStorage?: SessionMarkerStorage | null;
}

/**
 * The one entry to sign-in. Picks the strategy for this host, builds (and initializes) the MSAL client
 * it needs — demo mode never loads MSAL — and returns a session with separate Graph and API getters.
 */
export async function createAuth(
  config: AuthConfig,
  host: AuthHost,
  deps: AuthDependencies = {},
): Promise<AuthSession> {
  const strategy = chooseStrategy(config.mode, host);
  const clock = deps.clock ?? systemClock;
  if (strategy === 'demo') {
    const storage = deps.sessionStorage === undefined ? tabSessionStorage() : deps.sessionStorage;
    return demoSession(
      config.demoTokenUrl,
      deps.fetch ?? ((i, init) => fetch(i, init)),
      clock,
      deps,
      storage,
    );
  }
  const factory = deps.msal ?? (await import('./msal-loader')).msalFactory;
  const settings = msalConfig(config, config.redirectUri);
  switch (strategy) {
    case 'naa':
      return msalSession('naa', await factory.nestable(settings), config.apiScope, deps);
    case 'redirect':
      return msalSession('redirect', await factory.standard(settings), config.apiScope, deps);
    case 'office-dialog':
      return dialogSession(config, host, await factory.standard(settings), clock, deps);
  }
}
