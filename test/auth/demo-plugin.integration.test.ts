import Fastify from 'fastify';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import { registerEmulator } from '../../src/emulator/http';
import { createMailboxEmulator, jwksTokenVerifier } from '../../src/emulator/mailbox';
import { loadAuth, type AuthConfig } from '../../src/auth';
import { createGraph } from '../../src/graph';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const ORIGIN = 'http://candor.test';
const demoUser = {
  tid: 'aaaaaaaa-0000-4000-8000-000000000001',
  oid: 'bbbbbbbb-0000-4000-8000-000000000002',
  displayName: 'Dee Mo',
  mail: 'dee@demo.example',
  userPrincipalName: 'dee@demo.example',
};
const config: AuthConfig = {
  mode: 'demo',
  clientId: CLIENT_ID,
  apiScope: `api://candor.test/${CLIENT_ID}/access_as_user`,
  redirectUri: `${ORIGIN}/taskpane.html`,
  dialogUrl: `${ORIGIN}/dialog.html`,
  demoTokenUrl: `${ORIGIN}/emulator/identity/demo/token`,
};

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** The demo server's emulator mount, reached in-process through Fastify's inject, shaped as fetch. */
async function demoServer() {
  const clock = new ManualClock();
  const issuer = await LocalIssuer.create({ baseUrl: `${ORIGIN}/emulator/identity`, clock });
  const emulator = createMailboxEmulator({
    clock,
    verifyToken: jwksTokenVerifier(issuer.jwks(), clock),
    ambientMailEveryMs: 0,
  });
  const app = Fastify();
  apps.push(app);
  await registerEmulator(app, { emulator, issuer, demoUser, api: { audience: CLIENT_ID, azp: CLIENT_ID } });
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET' | 'POST',
      url: url.pathname + url.search,
      headers,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out.set(k, v);
    return new Response(res.rawPayload.length ? new Uint8Array(res.rawPayload) : null, {
      status: res.statusCode,
      headers: out,
    });
  }) as typeof fetch;
  return { clock, fetchImpl };
}

describe('demo sign-in against the emulator’s Fastify mount', () => {
  it('signs the demo user in, and the Graph token reads their mailbox through the Graph boundary', async () => {
    const { clock, fetchImpl } = await demoServer();
    const session = await (
      await loadAuth()
    )(config, { inOffice: false, naaSupported: false }, { fetch: fetchImpl, clock });
    await expect(session.signIn()).resolves.toEqual({
      tid: demoUser.tid,
      oid: demoUser.oid,
      name: demoUser.displayName,
      username: demoUser.userPrincipalName,
    });
    expect(decodeJwt(await session.getApiToken())).toMatchObject({ aud: CLIENT_ID, scp: 'access_as_user' });

    const graph = createGraph({
      baseUrl: `${ORIGIN}/emulator/graph/v1.0`,
      getAccessToken: session.getGraphToken,
      fetch: fetchImpl,
      clock,
    });
    await expect(graph.getProfile()).resolves.toMatchObject({ id: demoUser.oid, mail: demoUser.mail });

    // The API token is not a Graph token: the emulator (like Graph) refuses it.
    const wrong = createGraph({
      baseUrl: `${ORIGIN}/emulator/graph/v1.0`,
      getAccessToken: session.getApiToken,
      fetch: fetchImpl,
      clock,
    });
    await expect(wrong.getProfile()).rejects.toMatchObject({
      status: 401,
      code: 'InvalidAuthenticationToken',
    });
  });
});
