import { GRAPH_SCOPES } from '../shared/scopes';

/**
 * The OIDC scopes MSAL appends to every authorize and token request. MSAL's default is
 * `openid profile offline_access`; Candor sets MSAL's `OIDCOptions.defaultScopes` to these two so that
 * `profile` — not in Candor's published permission list — is never requested.
 */
export const MSAL_DEFAULT_SCOPES: readonly string[] = ['openid', 'offline_access'];

/**
 * The scopes Candor passes in a Graph token request: GRAPH_SCOPES minus what MSAL adds itself.
 * On the wire (MSAL's addition included) the request carries exactly GRAPH_SCOPES.
 */
export const GRAPH_REQUEST_SCOPES: readonly string[] = GRAPH_SCOPES.filter(
  (s) => !MSAL_DEFAULT_SCOPES.includes(s),
);

/** The scopes of an API token request: Candor's API scope alone, never mixed with Graph's. */
export function apiRequestScopes(apiScope: string): string[] {
  if (!/^api:\/\/.+\/access_as_user$/.test(apiScope)) {
    throw new Error(`apiScope must be the full api://…/access_as_user scope (got "${apiScope}")`);
  }
  return [apiScope];
}
