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

  it('takes scenario commands for the demo mailbox on /emulator/control, and refuses malformed ones', async () => {
    const { app, emulator, clock, send } = await demoApp();
    const control = (body: unknown) =>
      app.inject({
        method: 'POST',
        url: '/emulator/control',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    expect((await control({ action: 'fill', folder: 'inbox', count: 3 })).statusCode).toBe(200);
    expect(emulator.inbox(USER.oid)).toHaveLength(3);
    const id = emulator.inbox(USER.oid)[0]!.id;
    const moved = await control({ action: 'act', messageId: id, do: 'move', to: 'junkemail' });
    expect(moved.json().id).not.toBe(id);
    expect(emulator.folder(USER.oid, 'junkemail')).toHaveLength(1);
    expect((await control({ action: 'act', messageId: id, do: 'read' })).statusCode).toBe(404);
    expect((await control({ action: 'block-sending', reason: 'tenant-limit' })).statusCode).toBe(200);
    await send('ana+reply@example.org', 'Blocked');
    await clock.advance(3_600_000);
    expect(emulator.inbox(USER.oid).some((m) => m.body.content.includes('5.7.233'))).toBe(true);
    expect(
      (await control({ action: 'configure', switches: { internetMessageHeadersUnderReadBasic: 'returned' } }))
        .statusCode,
    ).toBe(200);
    expect((await control({ action: 'configure', switches: { headers: 'yes' } })).statusCode).toBe(400);
    expect((await control({ action: 'explode' })).statusCode).toBe(400);
    const notJson = await app.inject({ method: 'POST', url: '/emulator/control', payload: '{' });
    expect(notJson.statusCode).toBe(400);
  });

  it('tells what images a prospect’s mail client would load (the pixel), which Graph hides under Mail.ReadBasic', async () => {
    const { app, clock } = await demoApp();
    const { graphToken } = (
      await app.inject({ method: 'POST', url: '/emulator/identity/demo/token' })
    ).json();
    const html = '<p>Hi</p><img alt="" width="1" height="1" src="https://t.example/o/abc?x=1&amp;y=2">';
    const sent = await app.inject({
      method: 'POST',
      url: '/emulator/graph/v1.0/me/sendMail',
      headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        message: {
          subject: 'Pixel',
          body: { contentType: 'html', content: html },
          toRecipients: [{ emailAddress: { address: 'Pat+silent@example.org' } }],
        },
      }),
    });
    expect(sent.statusCode).toBe(202);
    const images = (to: string) =>
      app.inject({ method: 'POST', url: '/emulator/control', payload: { action: 'images', to } });
    // Nothing before the message has reached the prospect's server.
    expect((await images('pat+silent@example.org')).json()).toEqual({ images: [] });
    await clock.advance(5_000);
    expect((await images('pat+silent@example.org')).json()).toEqual({
      images: ['https://t.example/o/abc?x=1&y=2'],
    });
    expect((await images('someone@example.org')).json()).toEqual({ images: [] });
    const body = await app.inject({
      method: 'GET',
      url: '/emulator/graph/v1.0/me/mailFolders/sentitems/messages?$select=body',
      headers: { authorization: `Bearer ${graphToken}` },
    });
    expect(body.statusCode).toBe(403);
  });

  it('takes a follow-up over HTTP as a reply and tells which thread each message reached (deliveries control)', async () => {
    const { app, clock } = await demoApp();
    const { graphToken } = (
      await app.inject({ method: 'POST', url: '/emulator/identity/demo/token' })
    ).json();
    const post = (url: string, payload: unknown) =>
      app.inject({
        method: 'POST',
        url: `/emulator/graph/v1.0${url}`,
        headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    const to = [{ emailAddress: { address: 'pat+reply-after-2@example.org' } }];
    const first = await post('/me/sendMail', {
      message: { subject: 'Role', body: { contentType: 'html', content: '<p>1</p>' }, toRecipients: to },
    });
    expect(first.statusCode).toBe(202);
    await clock.advance(100_000);
    const list = await app.inject({
      method: 'GET',
      url: '/emulator/graph/v1.0/me/mailFolders/sentitems/messages?$select=id,conversationId,internetMessageId',
      headers: { authorization: `Bearer ${graphToken}` },
    });
    const copy = list.json().value[0] as { id: string; conversationId: string; internetMessageId: string };
    const reply = await post(`/me/messages/${encodeURIComponent(copy.id)}/reply`, {
      message: {
        toRecipients: to,
        body: { contentType: 'html', content: '<p>2</p>' },
        internetMessageHeaders: [{ name: 'x-candor-send', value: 's#2' }],
      },
    });
    expect(reply.statusCode).toBe(202);
    expect(reply.body).toBe('');
    await clock.advance(5_000);
    const control = await app.inject({
      method: 'POST',
      url: '/emulator/control',
      payload: { action: 'deliveries', to: 'PAT+reply-after-2@example.org' },
    });
    const { deliveries } = control.json() as {
      deliveries: { subject: string; conversationId: string; inReplyTo: string | null; headers: unknown[] }[];
    };
    expect(deliveries.map((d) => [d.subject, d.conversationId, d.inReplyTo])).toEqual([
      ['Role', copy.conversationId, null],
      ['RE: Role', copy.conversationId, copy.internetMessageId],
    ]);
    expect(deliveries[1]!.headers).toEqual([{ name: 'x-candor-send', value: 's#2' }]);
  });
});
