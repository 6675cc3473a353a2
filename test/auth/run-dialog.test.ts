import { describe, expect, it } from 'vitest';
import { runAuthDialog } from '../../src/auth/dialog/run-dialog';
import { parseDialogMessage } from '../../src/auth/dialog-message';
import { GRAPH_REQUEST_SCOPES } from '../../src/auth/token-scopes';
import { ACCOUNT, FakeMsal, interactionRequired } from './fake-msal';

const API_SCOPE = 'api://candor.example/11111111-2222-3333-4444-555555555555/access_as_user';

function run(pca: FakeMsal) {
  const sent: string[] = [];
  const outcome = runAuthDialog({ pca, apiScope: API_SCOPE, send: (m) => sent.push(m), now: () => 0 });
  return { outcome, sent };
}

describe('the Office dialog page', () => {
  it('starts the redirect flow on first open, consenting to both audiences at once', async () => {
    const pca = new FakeMsal();
    const { outcome, sent } = run(pca);
    await expect(outcome).resolves.toBe('redirecting');
    expect(pca.calls.at(-1)).toEqual({
      method: 'loginRedirect',
      request: { scopes: [...GRAPH_REQUEST_SCOPES], extraScopesToConsent: [API_SCOPE] },
    });
    expect(sent).toEqual([]);
  });

  it('on return from Entra, requests the Graph and API tokens separately and sends both to the pane', async () => {
    const pca = new FakeMsal();
    pca.redirectResult = pca.result([...GRAPH_REQUEST_SCOPES]);
    const { outcome, sent } = run(pca);
    await expect(outcome).resolves.toBe('done');
    expect(pca.requestedScopes()).toEqual([[...GRAPH_REQUEST_SCOPES], [API_SCOPE]]);
    const message = parseDialogMessage(sent[0] ?? '');
    expect(message).toMatchObject({
      ok: true,
      account: { tid: 'tid-1', oid: 'oid-1' },
      graph: { token: `token-for:${GRAPH_REQUEST_SCOPES.join(' ')}` },
      api: { token: `token-for:${API_SCOPE}` },
    });
  });

  it('after a return from Entra, reports a failure instead of redirecting again', async () => {
    const pca = new FakeMsal();
    pca.redirectResult = pca.result([...GRAPH_REQUEST_SCOPES]);
    pca.silentErrors = [undefined, interactionRequired()];
    const { outcome, sent } = run(pca);
    await expect(outcome).resolves.toBe('done');
    expect(parseDialogMessage(sent[0] ?? '')).toEqual({ ok: false, error: 'interaction_required' });
    expect(pca.calls.map((c) => c.method)).not.toContain('loginRedirect');
  });

  it('signs in again when a cached account’s tokens have lapsed', async () => {
    const pca = new FakeMsal();
    pca.accounts = [ACCOUNT];
    pca.silentErrors = [interactionRequired()];
    const { outcome } = run(pca);
    await expect(outcome).resolves.toBe('redirecting');
  });
});
