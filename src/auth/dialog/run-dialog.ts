import { toAccount } from '../account';
import type { DialogMessage } from '../dialog-message';
import { needsInteraction, type MsalClient, type MsalResult } from '../msal-types';
import type { TokenGrant } from '../token-grant';
import { apiRequestScopes, GRAPH_REQUEST_SCOPES } from '../token-scopes';

export interface DialogRun {
  /** MSAL client whose redirect URI is this dialog page. */
  pca: MsalClient;
  apiScope: string;
  /** Sends the result to the task pane (Office's messageParent). */
  send(message: string): void;
  now(): number;
}

/**
 * The Office dialog page's job: finish or start the redirect flow, then hand the pane one Graph token
 * and one API token, each from its own request. Returns 'redirecting' when it left for Entra.
 */
export async function runAuthDialog({
  pca,
  apiScope,
  send,
  now,
}: DialogRun): Promise<'redirecting' | 'done'> {
  const graphScopes = [...GRAPH_REQUEST_SCOPES];
  const reply = (m: DialogMessage) => send(JSON.stringify(m));
  let returned: MsalResult | null = null;
  try {
    const apiScopes = apiRequestScopes(apiScope);
    returned = await pca.handleRedirectPromise();
    const account = returned?.account ?? pca.getActiveAccount() ?? pca.getAllAccounts()[0];
    if (!account) {
      // One consent screen for both audiences; the tokens themselves are requested separately below.
      await pca.loginRedirect({ scopes: graphScopes, extraScopesToConsent: apiScopes });
      return 'redirecting';
    }
    const grant = (r: MsalResult): TokenGrant => ({
      token: r.accessToken,
      expiresOn: r.expiresOn?.getTime() ?? now(),
    });
    const graph = await pca.acquireTokenSilent({ scopes: graphScopes, account });
    const api = await pca.acquireTokenSilent({ scopes: apiScopes, account });
    reply({ ok: true, account: toAccount(account), graph: grant(graph), api: grant(api) });
    return 'done';
  } catch (err) {
    // A cached account whose tokens lapsed: sign in again, once (never loop after a return from Entra).
    if (!returned && needsInteraction(err)) {
      await pca.loginRedirect({ scopes: graphScopes, extraScopesToConsent: apiRequestScopes(apiScope) });
      return 'redirecting';
    }
    const e = err as { errorCode?: unknown; name?: unknown };
    reply({
      ok: false,
      error:
        typeof e?.errorCode === 'string'
          ? e.errorCode
          : typeof e?.name === 'string'
            ? e.name
            : 'unknown_error',
    });
    return 'done';
  }
}
