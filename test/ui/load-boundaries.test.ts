import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCandorDb } from '../../src/storage/db';
import { initOffice } from '../../src/outlook';
import { DEMO_PANE_CONFIG, resolvePaneConfig } from '../../src/taskpane/config';
import { createPaneServices } from '../../src/ui/load-boundaries';

const ORIGIN = 'http://127.0.0.1:3999';
const config = resolvePaneConfig(DEMO_PANE_CONFIG, ORIGIN);

/** An unsigned JWT-shaped token: the demo session only reads `exp`. */
const token = (aud: string) =>
  ['{"alg":"none"}', JSON.stringify({ aud, exp: Math.floor(Date.now() / 1000) + 3600 }), '']
    .map((p) => Buffer.from(p).toString('base64url'))
    .join('.');
const GRAPH_TOKEN = token('https://graph.microsoft.com');
const API_TOKEN = token('api://candor');

afterEach(() => vi.unstubAllGlobals());

describe('createPaneServices (demo build)', () => {
  it('signs in through the demo token endpoint and reads /me from the Graph base URL with the Graph token only', async () => {
    const requests: { url: string; auth: string | null; method: string }[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      requests.push({ url: request.url, auth: request.headers.get('authorization'), method: request.method });
      if (request.url === config.demoTokenUrl)
        return Response.json({
          graphToken: GRAPH_TOKEN,
          apiToken: API_TOKEN,
          account: { tid: 't', oid: 'o', name: 'Avery', username: 'avery@contoso.example' },
        });
      if (request.url.startsWith(`${config.graphBaseUrl}/me`))
        return Response.json({
          id: 'o',
          displayName: 'Avery Recruiter',
          mail: 'avery@contoso.example',
          userPrincipalName: 'avery@contoso.example',
        });
      return new Response('not found', { status: 404 });
    });

    const office = await initOffice({ office: undefined, matchMedia: undefined });
    const services = createPaneServices(config, office);
    expect(services.mode).toBe('demo');
    const session = await services.loadSession();
    await expect(session.restore()).resolves.toBeNull();
    await session.signIn();
    const graph = await services.loadGraph(session);
    await expect(graph.getProfile()).resolves.toMatchObject({
      displayName: 'Avery Recruiter',
      mail: 'avery@contoso.example',
    });

    expect(requests[0]).toMatchObject({ url: `${ORIGIN}/emulator/identity/demo/token`, method: 'POST' });
    const me = requests.find((r) => r.url.startsWith(`${ORIGIN}/emulator/graph/v1.0/me`));
    expect(me?.auth).toBe(`Bearer ${GRAPH_TOKEN}`);
    expect(requests.some((r) => r.auth === `Bearer ${API_TOKEN}`)).toBe(false);
  });

  it('disconnects: DELETE /api/v1/me with the API token, then empties this device’s store; keeps it when the server fails', async () => {
    const db = await openCandorDb();
    await db.put('cursors', { tid: 't', oid: 'o', cursor: 'c1' } as never);
    db.close();
    let serverUp = false;
    const calls: { url: string; method: string; auth: string | null }[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      calls.push({ url: request.url, method: request.method, auth: request.headers.get('authorization') });
      if (!serverUp) return new Response('unavailable', { status: 503 });
      return Response.json({ deleted: { events: 2, sends: 1, campaignStates: 1, users: 1, tenants: 0 } });
    });
    const services = createPaneServices(
      config,
      await initOffice({ office: undefined, matchMedia: undefined }),
    );
    const session = {
      signIn: async () => null,
      restore: async () => null,
      signOut: async () => undefined,
      getGraphToken: async () => GRAPH_TOKEN,
      getApiToken: async () => API_TOKEN,
    };
    const count = async () => {
      const d = await openCandorDb();
      const n = await d.count('cursors');
      d.close();
      return n;
    };

    await expect(services.disconnect!(session)).rejects.toThrow();
    expect(await count()).toBe(1); // server first: nothing is wiped while the server still holds data

    serverUp = true;
    await services.disconnect!(session);
    expect(await count()).toBe(0);
    const last = calls.at(-1)!;
    expect(last).toMatchObject({ url: `${ORIGIN}/api/v1/me`, method: 'DELETE', auth: `Bearer ${API_TOKEN}` });
    expect(calls.some((c) => c.auth === `Bearer ${GRAPH_TOKEN}`)).toBe(false);
  });

  it('refuses to disconnect with a session that has no API token', async () => {
    const services = createPaneServices(
      config,
      await initOffice({ office: undefined, matchMedia: undefined }),
    );
    const session = {
      signIn: async () => null,
      restore: async () => null,
      signOut: async () => undefined,
      getGraphToken: async () => 'g',
    };
    await expect(services.disconnect!(session)).rejects.toThrow(/cannot reach Candor/);
  });
});
