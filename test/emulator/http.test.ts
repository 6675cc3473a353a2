import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerEmulator } from '../../src/emulator/http';
import { setup, USER } from './harness';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function demoApp() {
  const env = await setup();
  const app = Fastify();
  apps.push(app);
  await registerEmulator(app, {
    emulator: env.emulator,
    issuer: env.issuer,
    demoUser: USER,
    api: { audience: 'candor-api', azp: 'candor-addin' },
  });
  return { ...env, app };
}

describe('registerEmulator (demo HTTP mount)', () => {
  it('signs the demo user in and serves Graph under /emulator/graph/v1.0 with that token', async () => {
    const { app, clock, emulator } = await demoApp();
    const signIn = await app.inject({ method: 'POST', url: '/emulator/identity/demo/token' });
    expect(signIn.statusCode).toBe(200);
    const { graphToken, apiToken, account } = signIn.json();
    expect(account).toEqual({
      tid: USER.tid,
      oid: USER.oid,
      name: USER.displayName,
      username: USER.userPrincipalName,
    });
    expect(typeof apiToken).toBe('string');
    const me = await app.inject({
      method: 'GET',
      url: '/emulator/graph/v1.0/me?$select=displayName',
      headers: { authorization: `Bearer ${graphToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().displayName).toBe(USER.displayName);
    expect(me.headers['request-id']).toBeTruthy();

    const sent = await app.inject({
      method: 'POST',
      url: '/emulator/graph/v1.0/me/sendMail',
      headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        message: {
          subject: 'Over HTTP',
          toRecipients: [{ emailAddress: { address: 'a+silent@example.org' } }],
        },
      }),
    });
    expect(sent.statusCode).toBe(202);
    expect(sent.body).toBe('');
    await clock.advance(95_000);
    expect(emulator.sentItems(USER.oid).map((m) => m.subject)).toEqual(['Over HTTP']);

    const list = await app.inject({
      method: 'GET',
      url: '/emulator/graph/v1.0/me/mailFolders/sentitems/messages?$top=1',
      headers: { authorization: `Bearer ${graphToken}` },
    });
    expect(list.json().value).toHaveLength(1);
  });

  it('relays Graph errors with status and headers, and serves the key set', async () => {
    const { app, issuer } = await demoApp();
    const denied = await app.inject({ method: 'GET', url: '/emulator/graph/v1.0/me' });
    expect(denied.statusCode).toBe(401);
    expect(denied.json().error.code).toBe('InvalidAuthenticationToken');
    expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
    const keys = await app.inject({ method: 'GET', url: '/emulator/identity/discovery/v2.0/keys' });
    expect(keys.json()).toEqual(issuer.jwks());
  });

  it('drops the connection for a simulated network error', async () => {
    const { app, emulator } = await demoApp();
    emulator.injectFault({ kind: 'network-error-before-accept', match: 'any' });
    await expect(app.inject({ method: 'GET', url: '/emulator/graph/v1.0/me' })).rejects.toBeTruthy();
  });
});
