import { RequestParameterBuilder } from '@azure/msal-common';
import { PublicClientApplication } from '@azure/msal-browser';
import { describe, expect, it } from 'vitest';
import { GRAPH_SCOPES } from '../../src/shared/scopes';
import { apiRequestScopes, GRAPH_REQUEST_SCOPES, MSAL_DEFAULT_SCOPES } from '../../src/auth/token-scopes';
import { msalConfig } from '../../src/auth/msal-config';
import type { AuthConfig } from '../../src/auth';

const config: AuthConfig = {
  mode: 'entra',
  clientId: '11111111-2222-3333-4444-555555555555',
  apiScope: 'api://candor.example/11111111-2222-3333-4444-555555555555/access_as_user',
  redirectUri: 'https://candor.example/taskpane.html',
  dialogUrl: 'https://candor.example/dialog.html',
  demoTokenUrl: '/emulator/identity/demo/token',
};

/** The `scope` parameter msal-common (the pinned version) writes on the wire for a request. */
function wireScopes(requestScopes: string[], defaultScopes?: string[]): string[] {
  const params = new Map<string, string>();
  RequestParameterBuilder.addScopes(params, requestScopes, true, defaultScopes);
  return (params.get('scope') ?? '').split(' ');
}

describe('the permission promise', () => {
  it('is exactly openid email offline_access User.Read Mail.ReadBasic Mail.Send', () => {
    expect(GRAPH_SCOPES.join(' ')).toBe('openid email offline_access User.Read Mail.ReadBasic Mail.Send');
  });

  it('Graph requests pass the scopes MSAL does not add itself, and together they are exactly the promise', () => {
    expect(GRAPH_REQUEST_SCOPES).toEqual(['email', 'User.Read', 'Mail.ReadBasic', 'Mail.Send']);
    expect([...MSAL_DEFAULT_SCOPES, ...GRAPH_REQUEST_SCOPES].sort()).toEqual([...GRAPH_SCOPES].sort());
  });

  it('puts exactly the six scopes on the wire with Candor’s MSAL configuration — no `profile`', () => {
    const defaults = msalConfig(config, config.redirectUri).auth.OIDCOptions.defaultScopes;
    expect(wireScopes([...GRAPH_REQUEST_SCOPES], defaults).sort()).toEqual([...GRAPH_SCOPES].sort());
    // Why the configuration matters: MSAL's own default would add `profile`.
    expect(wireScopes([...GRAPH_REQUEST_SCOPES])).toContain('profile');
  });

  it('msal-browser keeps Candor’s OIDC default scopes in its effective configuration', () => {
    const pca = new PublicClientApplication(msalConfig(config, config.redirectUri));
    // Internal field of the pinned msal-browser 4.30.0; this test guards the upgrade.
    const effective = (
      pca as unknown as { controller: { config: { auth: { OIDCOptions: { defaultScopes: string[] } } } } }
    ).controller.config.auth.OIDCOptions.defaultScopes;
    expect(effective).toEqual(['openid', 'offline_access']);
  });

  it('API requests carry only the API scope (plus MSAL’s OIDC scopes), never a Graph permission', () => {
    const api = apiRequestScopes(config.apiScope);
    expect(api).toEqual([config.apiScope]);
    const onWire = wireScopes(api, [...MSAL_DEFAULT_SCOPES]);
    expect(onWire.filter((s) => !MSAL_DEFAULT_SCOPES.includes(s))).toEqual([config.apiScope]);
  });

  it('refuses an API scope that is not a full api://…/access_as_user scope', () => {
    expect(() => apiRequestScopes('access_as_user')).toThrow(/full api:\/\//);
    expect(() => apiRequestScopes('https://graph.microsoft.com/Mail.Send')).toThrow();
  });
});
