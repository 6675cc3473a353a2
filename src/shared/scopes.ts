/**
 * The only Microsoft Graph permissions Candor ever asks for. Customers' security teams approve
 * Candor on the strength of this list: the manifest, the docs and the tests all check against it.
 */
export const GRAPH_SCOPES = [
  'openid',
  'email',
  'offline_access',
  'User.Read',
  'Mail.ReadBasic',
  'Mail.Send',
] as const;

export type GraphScope = (typeof GRAPH_SCOPES)[number];

/** The delegated scope of Candor's own tracking API, exposed by Candor's Entra app registration. */
export const API_SCOPE_NAME = 'access_as_user';

/** `api://<host>/<client-id>/access_as_user`, the scope the task pane asks for when it calls Candor's API. */
export function apiScope(applicationIdUri: string): string {
  return `${applicationIdUri.replace(/\/+$/, '')}/${API_SCOPE_NAME}`;
}
