import type { Clock } from '../../shared/clock';
import { isAccount } from '../account';
import { isFresh, jwtExpiry, type TokenGrant } from '../token-grant';
import {
  AuthError,
  type Account,
  type AuthOptions,
  type AuthSession,
  type CandorApiToken,
  type GraphAccessToken,
} from '../types';

/** Without an expiry claim, refetch after this long. */
const FALLBACK_LIFETIME_MS = 5 * 60_000;

/** Where a demo sign-in is remembered for this tab: a marker only, never a token. */
export const DEMO_SIGNED_IN_KEY = 'candor.demo.signedIn';

/** The part of Web Storage the demo session uses (sessionStorage in the pane). */
export type SessionMarkerStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** This tab's sessionStorage, or null where there is none or it refuses access (sandboxed frames). */
export function tabSessionStorage(): SessionMarkerStorage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

interface DemoTokens {
  account: Account;
  graph: TokenGrant;
  api: TokenGrant;
}

/**
 * Demo mode: the identity emulator mints both tokens for a demo user (POST `{}` → `{ graphToken,
 * apiToken, account }`). Tokens stay in memory and are fetched again when they near expiry.
 *
 * A reload keeps the recruiter signed in, as MSAL keeps a real session in sessionStorage: sign-in
 * leaves a marker in `storage` (this tab only, gone when the tab closes), and `restore()` fetches
 * fresh tokens when it finds one. Sign-out removes it.
 */
export function demoSession(
  demoTokenUrl: string,
  fetchImpl: typeof fetch,
  clock: Clock,
  options: AuthOptions,
  storage: SessionMarkerStorage | null = null,
): AuthSession {
  let held: DemoTokens | null = null;
  const remember = (signedIn: boolean) => {
    try {
      if (signedIn) storage?.setItem(DEMO_SIGNED_IN_KEY, '1');
      else storage?.removeItem(DEMO_SIGNED_IN_KEY);
    } catch {
      // Storage full or refused: the session still works, it just does not survive a reload.
    }
  };
  const remembered = () => {
    try {
      return storage?.getItem(DEMO_SIGNED_IN_KEY) === '1';
    } catch {
      return false;
    }
  };

  const grant = (token: string): TokenGrant => ({
    token,
    expiresOn: jwtExpiry(token) ?? clock.now() + FALLBACK_LIFETIME_MS,
  });

  async function fetchTokens(): Promise<DemoTokens> {
    let body: { graphToken?: unknown; apiToken?: unknown; account?: unknown };
    try {
      const res = await fetchImpl(demoTokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = (await res.json()) as typeof body;
    } catch (err) {
      throw new AuthError('demo_unavailable', 'The demo identity service did not answer', { cause: err });
    }
    const { graphToken, apiToken, account } = body;
    if (
      typeof graphToken !== 'string' ||
      typeof apiToken !== 'string' ||
      !isAccount(account) ||
      graphToken === apiToken
    ) {
      throw new AuthError('demo_unavailable', 'The demo identity service sent an unexpected answer');
    }
    return { account, graph: grant(graphToken), api: grant(apiToken) };
  }

  async function tokens(): Promise<DemoTokens> {
    if (!held) throw new AuthError('not_signed_in', 'Not signed in');
    if (!isFresh(held.graph, clock) || !isFresh(held.api, clock)) held = await fetchTokens();
    return held;
  }

  return {
    strategy: 'demo',
    async signIn() {
      held = await fetchTokens();
      remember(true);
      return held.account;
    },
    async restore() {
      if (!held && remembered()) held = await fetchTokens();
      return held?.account ?? null;
    },
    getGraphToken: async () => (await tokens()).graph.token as GraphAccessToken,
    getApiToken: async () => (await tokens()).api.token as CandorApiToken,
    async signOut() {
      held = null;
      remember(false);
      await options.onSignedOut?.();
    },
    account: () => held?.account ?? null,
  };
}
