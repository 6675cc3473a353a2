import { toAccount } from '../account';
import { needsInteraction, type MsalAccount, type MsalClient, type MsalResult } from '../msal-types';
import { apiRequestScopes, GRAPH_REQUEST_SCOPES } from '../token-scopes';
import {
  AuthError,
  type Account,
  type AuthOptions,
  type AuthSession,
  type CandorApiToken,
  type GraphAccessToken,
} from '../types';

/**
 * Sign-in through MSAL itself: NAA (Outlook brokers the tokens; interaction is a popup) or the
 * plain-browser redirect flow. Graph and API tokens are always separate requests with separate scopes.
 */
export function msalSession(
  strategy: 'naa' | 'redirect',
  pca: MsalClient,
  apiScope: string,
  options: AuthOptions,
): AuthSession {
  const graphScopes = [...GRAPH_REQUEST_SCOPES];
  const apiScopes = apiRequestScopes(apiScope);
  let current: MsalAccount | null = null;

  function remember(result: MsalResult | null): MsalAccount | null {
    if (result?.account) {
      current = result.account;
      if (strategy === 'redirect') pca.setActiveAccount(result.account);
    }
    return current;
  }

  async function interactive(scopes: string[]): Promise<MsalResult> {
    if (strategy === 'naa')
      return pca.acquireTokenPopup({ scopes, ...(current ? { account: current } : {}) });
    // Navigates away; the result arrives through handleRedirectPromise() on return (restore()).
    await pca.acquireTokenRedirect({ scopes, ...(current ? { account: current } : {}) });
    throw new AuthError('redirecting', 'Redirecting to Microsoft sign-in');
  }

  async function token(scopes: string[]): Promise<string> {
    try {
      const result = await pca.acquireTokenSilent({ scopes, ...(current ? { account: current } : {}) });
      remember(result);
      return result.accessToken;
    } catch (err) {
      if (!needsInteraction(err)) throw err;
      // NAA may open a popup here (Outlook shows it); a redirect leaves the page.
      const result = await interactive(scopes);
      remember(result);
      return result.accessToken;
    }
  }

  return {
    strategy,

    async restore() {
      if (strategy === 'redirect') remember(await pca.handleRedirectPromise());
      current ??= pca.getActiveAccount() ?? pca.getAllAccounts()[0] ?? null;
      if (!current && strategy === 'naa') {
        // Under NAA Outlook knows the user: a silent request signs in without any prompt when consent exists.
        try {
          remember(await pca.acquireTokenSilent({ scopes: graphScopes }));
        } catch (err) {
          if (!needsInteraction(err)) throw err;
        }
      }
      return current ? toAccount(current) : null;
    },

    async signIn() {
      if (strategy === 'redirect') {
        // One consent screen for both audiences; tokens are still requested separately afterwards.
        await pca.loginRedirect({ scopes: graphScopes, extraScopesToConsent: apiScopes });
        throw new AuthError('redirecting', 'Redirecting to Microsoft sign-in');
      }
      // Two requests, each silent first: one consent per audience (mixing a custom scope with Graph's
      // in one NAA request is reported to fail consent in new Outlook).
      await token(graphScopes);
      await token(apiScopes);
      if (!current) throw new AuthError('not_signed_in', 'Sign-in returned no account');
      return toAccount(current);
    },

    getGraphToken: async () => (await token(graphScopes)) as GraphAccessToken,
    getApiToken: async () => (await token(apiScopes)) as CandorApiToken,

    async signOut() {
      const account = current;
      current = null;
      if (strategy === 'naa') {
        // NAA does not support logout or clearCache: the host owns the session. Forget the account here.
        pca.setActiveAccount(null);
      } else {
        pca.setActiveAccount(null);
        await pca.clearCache(account ? { account } : undefined);
      }
      await options.onSignedOut?.();
    },

    account: (): Account | null => (current ? toAccount(current) : null),
  };
}
