import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerEmulator } from '../../src/emulator/http';
import { loadDemoRoamingSettings } from '../../src/outlook/demo-roaming-settings';
import { KEY_SHARE_SETTING } from '../../src/outlook/roaming-settings';
import { GRAPH_SCOPES } from '../../src/shared/scopes';
import { setup, USER } from './harness';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function demoServer() {
  const env = await setup();
  const app = Fastify();
  apps.push(app);
  await registerEmulator(app, {
    emulator: env.emulator,
    issuer: env.issuer,
    demoUser: USER,
    api: { audience: 'candor-api', azp: 'candor-addin' },
    clock: env.clock,
  });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${origin}/emulator/roaming-settings`;
  const signIn = async () =>
    (
      (await (await fetch(`${origin}/emulator/identity/demo/token`, { method: 'POST' })).json()) as {
        graphToken: string;
      }
    ).graphToken;
  return { ...env, url, signIn };
}

describe('demo roaming settings over HTTP', () => {
  it('is shared by two browser contexts of the same demo user, read when each pane opens', async () => {
    const { url, signIn } = await demoServer();
    const [t1, t2] = [await signIn(), await signIn()];
    const device1 = await loadDemoRoamingSettings({ url, getToken: async () => t1 });
    const device2Early = await loadDemoRoamingSettings({ url, getToken: async () => t2 });
    await device1.set(KEY_SHARE_SETTING, '{"v":1,"keyId":"k"}');
    expect(device2Early.get(KEY_SHARE_SETTING)).toBeNull(); // opened before the write
    const device2 = await loadDemoRoamingSettings({ url, getToken: async () => t2 });
    expect(device2.get(KEY_SHARE_SETTING)).toBe('{"v":1,"keyId":"k"}');
    await device2.remove(KEY_SHARE_SETTING);
    expect(device2.get(KEY_SHARE_SETTING)).toBeNull();
    expect(
      (await loadDemoRoamingSettings({ url, getToken: async () => t1 })).get(KEY_SHARE_SETTING),
    ).toBeNull();
  });

  it('keeps users apart, refuses a missing or foreign token, and holds Outlook’s 32 KB limit', async () => {
    const { url, signIn, issuer } = await demoServer();
    const mine = await loadDemoRoamingSettings({ url, getToken: signIn });
    await mine.set('a', 'mine');
    const other = { ...USER, oid: '11111111-2222-4333-8444-555555555555' };
    const theirs = await loadDemoRoamingSettings({
      url,
      getToken: () => issuer.mintGraphToken(other, GRAPH_SCOPES),
    });
    expect(theirs.get('a')).toBeNull();
    await expect(loadDemoRoamingSettings({ url, getToken: async () => 'not-a-token' })).rejects.toThrow(
      /HTTP 401/,
    );
    const noAuth = await fetch(url);
    expect(noAuth.status).toBe(401);
    await expect(mine.set('big', 'x'.repeat(33 * 1024))).rejects.toThrow(/HTTP 413/);
    expect(mine.get('big')).toBeNull();
  });
});
