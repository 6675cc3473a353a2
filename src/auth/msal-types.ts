/**
 * The part of MSAL's IPublicClientApplication Candor uses, typed structurally so tests can hand in a
 * fake without loading (or patching) @azure/msal-browser.
 */
export interface MsalAccount {
  homeAccountId: string;
  environment: string;
  tenantId: string;
  localAccountId: string;
  username: string;
  name?: string;
  idTokenClaims?: Record<string, unknown>;
}

export interface MsalResult {
  accessToken: string;
  account: MsalAccount | null;
  expiresOn: Date | null;
  scopes: string[];
}

export interface MsalTokenRequest {
  scopes: string[];
  account?: MsalAccount;
  extraScopesToConsent?: string[];
  redirectStartPage?: string;
}

export interface MsalClient {
  acquireTokenSilent(request: MsalTokenRequest): Promise<MsalResult>;
  acquireTokenPopup(request: MsalTokenRequest): Promise<MsalResult>;
  acquireTokenRedirect(request: MsalTokenRequest): Promise<void>;
  loginRedirect(request: MsalTokenRequest): Promise<void>;
  handleRedirectPromise(): Promise<MsalResult | null>;
  getActiveAccount(): MsalAccount | null;
  setActiveAccount(account: MsalAccount | null): void;
  getAllAccounts(): MsalAccount[];
  clearCache(request?: { account?: MsalAccount }): Promise<void>;
}

/** The MSAL configuration Candor builds (a subset of msal-browser's Configuration). */
export interface MsalConfig {
  auth: {
    clientId: string;
    authority: string;
    redirectUri: string;
    navigateToLoginRequestUrl: boolean;
    OIDCOptions: { defaultScopes: string[] };
  };
  cache: { cacheLocation: 'localStorage' | 'sessionStorage' };
  system: { loggerOptions: { piiLoggingEnabled: false } };
}

/** Builds initialized MSAL clients: `nestable` for NAA (falls back to standard off-host), `standard` otherwise. */
export interface MsalFactory {
  nestable(config: MsalConfig): Promise<MsalClient>;
  standard(config: MsalConfig): Promise<MsalClient>;
}

/** MSAL error codes after which only user interaction can help. */
const INTERACTION_CODES = new Set([
  'interaction_required',
  'consent_required',
  'login_required',
  'no_tokens_found',
  'native_account_unavailable',
  'bad_token',
  'refresh_token_expired',
  'ux_not_allowed',
  'no_account_error',
  'monitor_window_timeout',
]);

export function needsInteraction(err: unknown): boolean {
  const e = err as { name?: unknown; errorCode?: unknown } | null;
  return (
    e?.name === 'InteractionRequiredAuthError' ||
    (typeof e?.errorCode === 'string' && INTERACTION_CODES.has(e.errorCode))
  );
}
