import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { createAuth } from '../../src/auth/create-auth';
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

const account = { tid: 'tid-1', oid: 'oid-1', name: 'Rae', username: 'rae@contoso.com' };

async function setup(reply: (url: string) => Promise<string>, onSignedOut = vi.fn()) {
  const clock = new ManualClock();
  const pca = new FakeMsal();
  const opened: string[] = [];
  const host: AuthHost = {
    inOffice: true,
    naaSupported: false,
    openAuthDialog: (url) => {
      opened.push(url);
      return reply(url);
    },
  };
  const session = await createAuth(config, host, { msal: fakeFactory(pca), clock, onSignedOut });
  const message = {
    ok: true,
    account,
    graph: { token: 'graph-1', expiresOn: clock.now() + 3_600_000 },
    api: { token: 'api-1', expiresOn: clock.now() + 3_600_000 },
  };
  return { clock, pca, session, opened, message, onSignedOut };
}

describe('Office dialog session', () => {
  it('opens the dialog page with its settings and keeps the two tokens apart', async () => {
    let msg = '';
    const { session, opened, message } = await setup(async () => msg);
    msg = JSON.stringify(message);
    expect(session.strategy).toBe('office-dialog');
    await expect(session.signIn()).resolves.toEqual(account);
    const url = new URL(opened[0] ?? '');
    expect(url.origin + url.pathname).toBe('https://candor.example/dialog.html');
    expect(url.searchParams.get('clientId')).toBe(config.clientId);
    expect(url.searchParams.get('apiScope')).toBe(API_SCOPE);
    await expect(session.getGraphToken()).resolves.toBe('graph-1');
    await expect(session.getApiToken()).resolves.toBe('api-1');
  });

  it('renews an expiring token silently through MSAL with the right scopes, else asks for sign-in', async () => {
    let msg = '';
    const { session, clock, pca, message } = await setup(async () => msg);
    msg = JSON.stringify(message);
    await session.signIn();
    await clock.advance(59 * 60_000);
    pca.accounts = [ACCOUNT];
    pca.expiresOn = new Date(clock.now() + 3_600_000);
    await expect(session.getGraphToken()).resolves.toBe(`token-for:${GRAPH_REQUEST_SCOPES.join(' ')}`);
    await expect(session.getApiToken()).resolves.toBe(`token-for:${API_SCOPE}`);
    expect(pca.requestedScopes()).toEqual([[...GRAPH_REQUEST_SCOPES], [API_SCOPE]]);

    await clock.advance(24 * 3_600_000);
    pca.silentErrors = [interactionRequired()];
    await expect(session.getGraphToken()).rejects.toMatchObject({ code: 'interaction_required' });
  });

  it('reports a dialog error code, a malformed message, and a host without dialogs', async () => {
    const failed = await setup(async () => JSON.stringify({ ok: false, error: 'access_denied' }));
    await expect(failed.session.signIn()).rejects.toMatchObject({
      code: 'dialog_failed',
      message: expect.stringContaining('access_denied'),
    });
    const garbage = await setup(async () => '<html>');
    await expect(garbage.session.signIn()).rejects.toMatchObject({ code: 'dialog_failed' });
    const sameToken = await setup(async () =>
      JSON.stringify({
        ok: true,
        account,
        graph: { token: 't', expiresOn: 1 },
        api: { token: 't', expiresOn: 1 },
      }),
    );
    await expect(sameToken.session.signIn()).rejects.toMatchObject({ code: 'dialog_failed' });
    const noDialog = await createAuth(
      config,
      { inOffice: true, naaSupported: false },
      { msal: fakeFactory(new FakeMsal()) },
    );
    await expect(noDialog.signIn()).rejects.toMatchObject({ code: 'dialog_unavailable' });
  });

  it('signs out: forgets tokens, clears MSAL’s cache, runs the hook', async () => {
    let msg = '';
    const { session, pca, message, onSignedOut } = await setup(async () => msg);
    msg = JSON.stringify(message);
    await session.signIn();
    await session.signOut();
    expect(session.account()).toBeNull();
    expect(pca.calls.map((c) => c.method)).toContain('clearCache');
    expect(onSignedOut).toHaveBeenCalledTimes(1);
    await expect(session.getGraphToken()).rejects.toMatchObject({ code: 'interaction_required' });
  });
});
