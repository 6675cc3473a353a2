import { MSAL_DEFAULT_SCOPES } from './token-scopes';
import type { AuthConfig } from './types';
import type { MsalConfig } from './msal-types';

export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com/organizations';

/**
 * MSAL configuration for the pane and the dialog page. The cache is localStorage (MSAL v4 encrypts it
 * with a session-scoped key) so the dialog page and the pane share it where the host lets them;
 * no personal data in MSAL's logs.
 */
export function msalConfig(config: AuthConfig, redirectUri: string): MsalConfig {
  return {
    auth: {
      clientId: config.clientId,
      authority: config.authority ?? DEFAULT_AUTHORITY,
      redirectUri,
      navigateToLoginRequestUrl: false,
      // Replaces MSAL's `openid profile offline_access`: Candor never asks for `profile`.
      OIDCOptions: { defaultScopes: [...MSAL_DEFAULT_SCOPES] },
    },
    cache: { cacheLocation: 'localStorage' },
    system: { loggerOptions: { piiLoggingEnabled: false } },
  };
}
