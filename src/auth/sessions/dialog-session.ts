import type { Clock } from '../../shared/clock';
import { toAccount } from '../account';
import { dialogUrlFor, parseDialogMessage } from '../dialog-message';
import { needsInteraction, type MsalClient } from '../msal-types';
import { isFresh, type TokenGrant } from '../token-grant';
import { apiRequestScopes, GRAPH_REQUEST_SCOPES } from '../token-scopes';
import {
  AuthError,
  type Account,
  type AuthConfig,
  type AuthHost,
  type AuthOptions,
  type AuthSession,
  type CandorApiToken,
  type GraphAccessToken,
} from '../types';

/**
 * Inside Office without NAA: the pane's iframe cannot show Entra's pages, so an Office dialog runs the
 * redirect flow and sends the tokens back. They are kept in memory; when they expire the pane first
 * tries MSAL silently (works where the host lets the dialog and pane share storage), else asks the
 * user to sign in again.
 */
export function dialogSession(
  config: AuthConfig,
  host: AuthHost,
  pca: MsalClient,
  clock: Clock,
  options: AuthOptions,
): AuthSession {
  const graphScopes = [...GRAPH_REQUEST_SCOPES];
  const apiScopes = apiRequestScopes(config.apiScope);
  let account: Account | null = null;
  let graph: TokenGrant | null = null;
  let api: TokenGrant | null = null;

  async function silent(scopes: string[]): Promise<TokenGrant | null> {
    const cached = pca.getAllAccounts().find((a) => !account || toAccount(a).oid === account.oid);
    if (!cached) return null;
    try {
      const result = await pca.acquireTokenSilent({ scopes, account: cached });
      account ??= toAccount(cached);
      return { token: result.accessToken, expiresOn: result.expiresOn?.getTime() ?? clock.now() };
    } catch (err) {
      if (needsInteraction(err)) return null;
      throw err;
    }
  }

  async function token(which: 'graph' | 'api'): Promise<string> {
    const held = which === 'graph' ? graph : api;
    if (isFresh(held, clock)) return held.token;
    const renewed = await silent(which === 'graph' ? graphScopes : apiScopes);
    if (!renewed) throw new AuthError('interaction_required', 'Sign in again to continue');
    if (which === 'graph') graph = renewed;
    else api = renewed;
    return renewed.token;
  }

  return {
    strategy: 'office-dialog',

    async restore() {
      if (account) return account;
      const renewed = await silent(graphScopes);
      if (renewed) graph = renewed;
      return account;
    },

    async signIn() {
      if (!host.openAuthDialog)
        throw new AuthError('dialog_unavailable', 'This Office host cannot open the sign-in dialog');
      const message = parseDialogMessage(await host.openAuthDialog(dialogUrlFor(config)));
      if (!message.ok) throw new AuthError('dialog_failed', `Sign-in did not complete (${message.error})`);
      account = message.account;
      graph = message.graph;
      api = message.api;
      return account;
    },

    getGraphToken: async () => (await token('graph')) as GraphAccessToken,
    getApiToken: async () => (await token('api')) as CandorApiToken,

    async signOut() {
      account = null;
      graph = null;
      api = null;
      pca.setActiveAccount(null);
      await pca.clearCache();
      await options.onSignedOut?.();
    },

    account: () => account,
  };
}
