import { describe, expect, it, vi } from 'vitest';
import { createAuth, type AuthDependencies } from '../../src/auth/create-auth';
import type { AuthConfig, AuthHost } from '../../src/auth';
import { GRAPH_REQUEST_SCOPES } from '../../src/auth/token-scopes';
import { ACCOUNT, FakeMsal, fakeFactory, interactionRequired } from './fake-msal';

const API_SCOPE = 'api://candor.example/11111111-2222-3333-4444-555555555555/access_as_user';
const config: AuthConfig = {
  mode: 'entra',
  clientId: '11111111-2222-3333-4444-555555555555',
  apiScope: API_SCOPE,
  redirectUri: 'https://candor.example/taskpane.html',
  dialogUrl: 'https://candor.example/dialog.html',
  demoTokenUrl: '/emulator/identity/demo/token',
};
const NAA_HOST: AuthHost = { inOffice: true, naaSupported: true };
const BROWSER: AuthHost = { inOffice: false, naaSupported: false };
const graphScopes = [...GRAPH_REQUEST_SCOPES];

async function setup(host: AuthHost, extra: Partial<AuthDependencies> = {}) {
  const pca = new FakeMsal();
  const factory = fakeFactory(pca);
  const session = await createAuth(config, host, { msal: factory, ...extra });
  return { pca, factory, session };
}

describe('MSAL configuration', () => {
  it('builds a nestable client under NAA and a standard one in a browser, with Candor’s settings', async () => {
    const naa = await setup(NAA_HOST);
    expect(naa.session.strategy).toBe('naa');
    expect(naa.factory.built.map((b) => b.kind)).toEqual(['nestable']);
    const browser = await setup(BROWSER);
    expect(browser.session.strategy).toBe('redirect');
    expect(browser.factory.built.map((b) => b.kind)).toEqual(['standard']);
    expect(browser.factory.built[0]?.config.auth).toMatchObject({
      clientId: config.clientId,
      authority: 'https://login.microsoftonline.com/organizations',
      redirectUri: config.redirectUri,
      OIDCOptions: { defaultScopes: ['openid', 'offline_access'] },
    });
    expect(browser.factory.built[0]?.config.system.loggerOptions.piiLoggingEnabled).toBe(false);
  });
});

describe('NAA session', () => {
  it('asks MSAL for exactly the Graph scopes for a Graph token and only the API scope for an API token', async () => {
    const { pca, session } = await setup(NAA_HOST);
    const graphToken = await session.getGraphToken();
    const apiToken = await session.getApiToken();
    expect(pca.requestedScopes()).toEqual([graphScopes, [API_SCOPE]]);
    expect(graphToken).toBe(`token-for:${graphScopes.join(' ')}`);
    expect(apiToken).toBe(`token-for:${API_SCOPE}`);
    expect(graphToken).not.toBe(apiToken);
  });

  it('never mixes the audiences, whatever path a token takes', async () => {
    const { pca, session } = await setup(NAA_HOST);
    pca.silentErrors = [interactionRequired(), interactionRequired()];
    await session.signIn();
    await session.getGraphToken();
    await session.getApiToken();
    await session.getApiToken();
    for (const scopes of pca.requestedScopes()) {
      const isApi = scopes.includes(API_SCOPE);
      if (isApi) expect(scopes).toEqual([API_SCOPE]);
      else expect(scopes).toEqual(graphScopes);
    }
  });

  it('falls back from silent to a popup on interaction_required, then remembers the account', async () => {
    const { pca, session } = await setup(NAA_HOST);
    pca.silentErrors = [interactionRequired()];
    await expect(session.signIn()).resolves.toEqual({
      tid: 'tid-1',
      oid: 'oid-1',
      name: 'Rae Cruiter',
      username: 'rae@contoso.com',
    });
    expect(pca.calls.map((c) => c.method)).toEqual([
      'acquireTokenSilent',
      'acquireTokenPopup',
      'acquireTokenSilent',
    ]);
    // Sign-in obtains both audiences, in separate requests, so later API calls need no popup.
    expect(pca.requestedScopes()).toEqual([graphScopes, graphScopes, [API_SCOPE]]);
    await session.getGraphToken();
    expect(pca.calls.at(-1)).toMatchObject({ method: 'acquireTokenSilent', request: { account: ACCOUNT } });
  });

  it('does not open a popup for other errors', async () => {
    const { pca, session } = await setup(NAA_HOST);
    pca.silentErrors = [Object.assign(new Error('network'), { errorCode: 'post_request_failed' })];
    await expect(session.getGraphToken()).rejects.toThrow('network');
    expect(pca.calls.map((c) => c.method)).toEqual(['acquireTokenSilent']);
  });

  it('restores silently from the host without a prompt, and reports null when consent is missing', async () => {
    const ok = await setup(NAA_HOST);
    await expect(ok.session.restore()).resolves.toMatchObject({ oid: 'oid-1' });
    expect(ok.pca.calls.map((c) => c.method)).toEqual(['acquireTokenSilent']);
    const none = await setup(NAA_HOST);
    none.pca.silentErrors = [interactionRequired()];
    await expect(none.session.restore()).resolves.toBeNull();
    expect(none.pca.calls.map((c) => c.method)).not.toContain('acquireTokenPopup');
  });

  it('signs out by clearing the active account (NAA has no logout or clearCache) and runs the hook', async () => {
    const onSignedOut = vi.fn();
    const { pca, session } = await setup(NAA_HOST, { onSignedOut });
    await session.signIn();
    await session.signOut();
    expect(session.account()).toBeNull();
    expect(pca.active).toBeNull();
    expect(pca.calls.map((c) => c.method)).not.toContain('clearCache');
    expect(onSignedOut).toHaveBeenCalledTimes(1);
  });
});

describe('redirect session (plain browser)', () => {
  it('signs in with one redirect consenting to both audiences, Graph scopes requested, API scope only as extra consent', async () => {
    const { pca, session } = await setup(BROWSER);
    await expect(session.signIn()).rejects.toMatchObject({ code: 'redirecting' });
    expect(pca.calls).toEqual([
      { method: 'loginRedirect', request: { scopes: graphScopes, extraScopesToConsent: [API_SCOPE] } },
    ]);
  });

  it('restores the account from the redirect response', async () => {
    const { pca, session } = await setup(BROWSER);
    pca.redirectResult = pca.result(graphScopes);
    await expect(session.restore()).resolves.toMatchObject({ tid: 'tid-1', oid: 'oid-1' });
    expect(pca.active).toEqual(ACCOUNT);
  });

  it('returns null when nobody signed in', async () => {
    const { session } = await setup(BROWSER);
    await expect(session.restore()).resolves.toBeNull();
  });

  it('redirects for a token only when silent acquisition needs interaction', async () => {
    const { pca, session } = await setup(BROWSER);
    pca.accounts = [ACCOUNT];
    await session.restore();
    pca.silentErrors = [interactionRequired()];
    await expect(session.getApiToken()).rejects.toMatchObject({ code: 'redirecting' });
    expect(pca.calls.at(-1)).toEqual({
      method: 'acquireTokenRedirect',
      request: { scopes: [API_SCOPE], account: ACCOUNT },
    });
  });

  it('signs out by clearing MSAL’s cache and the active account, then runs the hook', async () => {
    const onSignedOut = vi.fn();
    const { pca, session } = await setup(BROWSER, { onSignedOut });
    pca.accounts = [ACCOUNT];
    await session.restore();
    await session.signOut();
    expect(pca.calls.filter((c) => c.method === 'clearCache')).toEqual([
      { method: 'clearCache', request: { account: ACCOUNT } },
    ]);
    expect(pca.accounts).toEqual([]);
    expect(session.account()).toBeNull();
    expect(onSignedOut).toHaveBeenCalledTimes(1);
  });
});
