import { decodeJwt } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { GRAPH_AUDIENCE, LocalIssuer } from '../../src/emulator/identity/issuer';
import { loadAuth, type AuthConfig } from '../../src/auth';
import type { MsalFactory } from '../../src/auth/msal-types';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const config: AuthConfig = {
  mode: 'demo',
  clientId: CLIENT_ID,
  apiScope: `api://candor.example/${CLIENT_ID}/access_as_user`,
  redirectUri: 'https://candor.example/taskpane.html',
  dialogUrl: 'https://candor.example/dialog.html',
  demoTokenUrl: 'https://candor.example/emulator/identity/demo/token',
};
const demoUser = {
  tid: 'aaaaaaaa-0000-4000-8000-000000000001',
  oid: 'bbbbbbbb-0000-4000-8000-000000000002',
  name: 'Dee Mo',
};

/** An in-process stand-in for the identity emulator's demo endpoint, minting real tokens with the local issuer. */
async function demoEndpoint(clock: ManualClock) {
  const issuer = await LocalIssuer.create({ baseUrl: 'https://candor.example/emulator/identity', clock });
  const requests: { method: string; url: string; body: string }[] = [];
  const handler = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    requests.push({ method: init?.method ?? 'GET', url: String(input), body: String(init?.body ?? '') });
    if (init?.method !== 'POST' || init.body !== '{}') return new Response('bad request', { status: 400 });
    const subject = { ...demoUser, preferredUsername: 'dee@demo.example' };
    return Response.json({
      graphToken: await issuer.mintGraphToken(subject),
      apiToken: await issuer.mintApiToken({ ...subject, audience: CLIENT_ID, azp: CLIENT_ID }),
      account: { ...demoUser, username: 'dee@demo.example' },
    });
  };
  return { handler: handler as typeof fetch, requests };
}

const noMsal: MsalFactory = {
  nestable: () => Promise.reject(new Error('demo mode must not load MSAL')),
  standard: () => Promise.reject(new Error('demo mode must not load MSAL')),
};

/** sessionStorage as a tab has it: survives a reload of the page, not the tab. */
function tabStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

async function setup(
  onSignedOut = vi.fn(),
  storage: ReturnType<typeof tabStorage> | null = null,
  endpointFor?: Awaited<ReturnType<typeof demoEndpoint>>,
) {
  const clock = new ManualClock();
  const endpoint = endpointFor ?? (await demoEndpoint(clock));
  const createAuth = await loadAuth();
  const session = await createAuth(
    config,
    { inOffice: true, naaSupported: true },
    {
      fetch: endpoint.handler,
      clock,
      msal: noMsal,
      onSignedOut,
      sessionStorage: storage,
    },
  );
  return { clock, session, requests: endpoint.requests, onSignedOut, endpoint };
}

describe('demo session', () => {
  it('signs in through the demo endpoint and hands out the Graph and API tokens by audience', async () => {
    const { session, requests } = await setup();
    expect(session.strategy).toBe('demo');
    await expect(session.restore()).resolves.toBeNull();
    await expect(session.signIn()).resolves.toEqual({ ...demoUser, username: 'dee@demo.example' });
    expect(requests).toEqual([{ method: 'POST', url: config.demoTokenUrl, body: '{}' }]);
    expect(decodeJwt(await session.getGraphToken()).aud).toBe(GRAPH_AUDIENCE);
    expect(decodeJwt(await session.getApiToken()).aud).toBe(CLIENT_ID);
    expect(requests).toHaveLength(1);
  });

  it('fetches new tokens when the held ones near expiry, and not before', async () => {
    const { session, clock, requests } = await setup();
    await session.signIn();
    const first = await session.getGraphToken();
    await clock.advance(50 * 60_000);
    await session.getApiToken();
    expect(requests).toHaveLength(1);
    await clock.advance(9 * 60_000);
    const renewed = await session.getGraphToken();
    expect(requests).toHaveLength(2);
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).exp).toBe(Math.floor(clock.now() / 1000) + 3600);
  });

  it('refuses tokens before sign-in and after sign-out; sign-out runs the wipe hook', async () => {
    const { session, onSignedOut } = await setup();
    await expect(session.getGraphToken()).rejects.toMatchObject({ code: 'not_signed_in' });
    await session.signIn();
    await session.signOut();
    expect(onSignedOut).toHaveBeenCalledTimes(1);
    expect(session.account()).toBeNull();
    await expect(session.restore()).resolves.toBeNull();
    await expect(session.getApiToken()).rejects.toMatchObject({ code: 'not_signed_in' });
  });

  it('keeps the demo user signed in across a reload of the tab, until sign-out', async () => {
    const storage = tabStorage();
    const first = await setup(vi.fn(), storage);
    await first.session.signIn();
    // Only a marker is kept: no token is written to storage.
    expect([...storage.items.values()].join('')).toBe('1');

    // The reload: a new page builds a new session on the same tab's storage.
    const reloaded = await setup(vi.fn(), storage, first.endpoint);
    await expect(reloaded.session.restore()).resolves.toEqual({ ...demoUser, username: 'dee@demo.example' });
    expect(decodeJwt(await reloaded.session.getApiToken()).aud).toBe(CLIENT_ID);

    await reloaded.session.signOut();
    const afterSignOut = await setup(vi.fn(), storage, first.endpoint);
    await expect(afterSignOut.session.restore()).resolves.toBeNull();
    // A tab without the marker (a new tab) starts signed out.
    const newTab = await setup(vi.fn(), tabStorage(), first.endpoint);
    await expect(newTab.session.restore()).resolves.toBeNull();
  });

  it('still signs in when storage refuses access (it just does not survive a reload)', async () => {
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const { session } = await setup(vi.fn(), refusing as unknown as ReturnType<typeof tabStorage>);
    await expect(session.restore()).resolves.toBeNull();
    await expect(session.signIn()).resolves.toMatchObject({ username: 'dee@demo.example' });
    await session.signOut();
  });

  it('reports an unavailable or misbehaving demo endpoint clearly', async () => {
    const createAuth = await loadAuth();
    const down = await createAuth(
      config,
      { inOffice: false, naaSupported: false },
      {
        fetch: (async () => new Response('', { status: 503 })) as typeof fetch,
      },
    );
    await expect(down.signIn()).rejects.toMatchObject({ code: 'demo_unavailable' });
    const same = await createAuth(
      config,
      { inOffice: false, naaSupported: false },
      {
        fetch: (async () =>
          Response.json({
            graphToken: 'x',
            apiToken: 'x',
            account: { ...demoUser, username: 'u' },
          })) as typeof fetch,
      },
    );
    await expect(same.signIn()).rejects.toMatchObject({ code: 'demo_unavailable' });
  });
});
