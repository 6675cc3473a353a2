import type {
  MsalAccount,
  MsalClient,
  MsalConfig,
  MsalFactory,
  MsalResult,
  MsalTokenRequest,
} from '../../src/auth/msal-types';

export const ACCOUNT: MsalAccount = {
  homeAccountId: 'oid-1.tid-1',
  environment: 'login.microsoftonline.com',
  tenantId: 'tid-1',
  localAccountId: 'oid-1',
  username: 'rae@contoso.com',
  name: 'Rae Cruiter',
  idTokenClaims: { tid: 'tid-1', oid: 'oid-1' },
};

export interface Call {
  method: string;
  request?: MsalTokenRequest | { account?: MsalAccount };
}

/**
 * A scripted MSAL client: each token request is answered by `answer`, which sees the scopes; every
 * call is recorded so tests can assert exactly what Candor asked MSAL for.
 */
export class FakeMsal implements MsalClient {
  calls: Call[] = [];
  accounts: MsalAccount[] = [];
  active: MsalAccount | null = null;
  redirectResult: MsalResult | null = null;
  /** Errors to throw from acquireTokenSilent, consumed in order. */
  silentErrors: unknown[] = [];
  /** When issued tokens expire. */
  expiresOn = new Date(Date.UTC(2030, 0, 1));

  result(scopes: string[], account: MsalAccount | null = ACCOUNT): MsalResult {
    return {
      accessToken: `token-for:${scopes.join(' ')}`,
      account,
      expiresOn: this.expiresOn,
      scopes,
    };
  }

  async acquireTokenSilent(request: MsalTokenRequest): Promise<MsalResult> {
    this.calls.push({ method: 'acquireTokenSilent', request });
    const err = this.silentErrors.shift();
    if (err) throw err;
    return this.result(request.scopes);
  }
  async acquireTokenPopup(request: MsalTokenRequest): Promise<MsalResult> {
    this.calls.push({ method: 'acquireTokenPopup', request });
    return this.result(request.scopes);
  }
  async acquireTokenRedirect(request: MsalTokenRequest): Promise<void> {
    this.calls.push({ method: 'acquireTokenRedirect', request });
  }
  async loginRedirect(request: MsalTokenRequest): Promise<void> {
    this.calls.push({ method: 'loginRedirect', request });
  }
  async handleRedirectPromise(): Promise<MsalResult | null> {
    this.calls.push({ method: 'handleRedirectPromise' });
    return this.redirectResult;
  }
  getActiveAccount(): MsalAccount | null {
    return this.active;
  }
  setActiveAccount(account: MsalAccount | null): void {
    this.calls.push({ method: 'setActiveAccount', request: account ? { account } : {} });
    this.active = account;
  }
  getAllAccounts(): MsalAccount[] {
    return this.accounts;
  }
  async clearCache(request?: { account?: MsalAccount }): Promise<void> {
    this.calls.push({ method: 'clearCache', ...(request ? { request } : {}) });
    this.accounts = [];
    this.active = null;
  }

  /** Every scope list Candor put in a token request (silent, popup, redirect). */
  requestedScopes(): string[][] {
    return this.calls
      .filter((c) => c.request && 'scopes' in c.request)
      .map((c) => (c.request as MsalTokenRequest).scopes);
  }
}

export function interactionRequired(): Error {
  return Object.assign(new Error('interaction_required: AADSTS65001'), {
    name: 'InteractionRequiredAuthError',
    errorCode: 'interaction_required',
  });
}

export function fakeFactory(
  pca: FakeMsal,
): MsalFactory & { built: { kind: 'nestable' | 'standard'; config: MsalConfig }[] } {
  const built: { kind: 'nestable' | 'standard'; config: MsalConfig }[] = [];
  return {
    built,
    nestable: async (config) => {
      built.push({ kind: 'nestable', config });
      return pca;
    },
    standard: async (config) => {
      built.push({ kind: 'standard', config });
      return pca;
    },
  };
}
