import { describe, expect, it } from 'vitest';
import { adminConsentUrl } from '../../scripts/manifest';
import { GRAPH_SCOPES } from '../../src/shared/scopes';

const clientId = '8a1c7e52-0d5f-4b7a-9e43-2f6b1c0d9e11';

describe('adminConsentUrl (tenant-wide consent link for IT)', () => {
  it('asks for exactly the Graph permissions Candor requests plus its own API scope', () => {
    const url = new URL(adminConsentUrl({ clientId, publicUrl: 'https://candor.contoso.com/' }));
    expect(url.origin + url.pathname).toBe(
      'https://login.microsoftonline.com/organizations/v2.0/adminconsent',
    );
    expect(url.searchParams.get('client_id')).toBe(clientId);
    const scopes = url.searchParams.get('scope')!.split(' ');
    const graph = scopes
      .filter((s) => !s.startsWith('api://'))
      .map((s) => s.replace('https://graph.microsoft.com/', ''))
      .sort();
    expect(graph).toEqual([...GRAPH_SCOPES].sort());
    expect(scopes.filter((s) => s.startsWith('api://'))).toEqual([
      `api://candor.contoso.com/${clientId}/access_as_user`,
    ]);
    expect(url.searchParams.get('redirect_uri')).toBe('https://candor.contoso.com/assets/admin-consent.html');
  });

  it('uses a configured Application ID URI for the API scope', () => {
    const url = new URL(
      adminConsentUrl({
        clientId,
        publicUrl: 'https://candor.contoso.com',
        appIdUri: 'api://auth.contoso.com/candor',
      }),
    );
    expect(url.searchParams.get('scope')).toContain('api://auth.contoso.com/candor/access_as_user');
  });
});
