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

interface DemoTokens {
  account: Account;
  graph: TokenGrant;
  api: TokenGrant;
}

/**
 * Demo mode: the identity emulator mints both tokens for a demo user (POST `{}` → `{ graphToken,
 * apiToken, account }`). Tokens stay in memory and are fetched again when they near expiry.
 */
export function demoSession(
  demoTokenUrl: string,
  fetchImpl: typeof fetch,
  clock: Clock,
  options: AuthOptions,
): AuthSession {
  let held: DemoTokens | null = null;

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
      return held.account;
    },
    restore: async () => held?.account ?? null,
    getGraphToken: async () => (await tokens()).graph.token as GraphAccessToken,
    getApiToken: async () => (await tokens()).api.token as CandorApiToken,
    async signOut() {
      held = null;
      await options.onSignedOut?.();
    },
    account: () => held?.account ?? null,
  };
}
