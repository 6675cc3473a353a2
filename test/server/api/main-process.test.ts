/**
 * `tsx src/server/main.ts` as a real process (what `npm start` runs after the build): it starts on
 * the configured loopback port, prints where to go, serves health, OpenAPI, API and pixel, and on
 * SIGTERM shuts down cleanly with every acknowledged pixel open committed to the database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_TENANT_ID, DEMO_USER_OID } from '../../../src/server/config';
import { createStore } from '../../../src/server/store/create-store';

const root = join(import.meta.dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'candor-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address();
      probe.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

function run(args: string[], env: Record<string, string>) {
  return spawn(join(root, 'node_modules', '.bin', 'tsx'), args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function output(child: ReturnType<typeof run>): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { code, out };
}

describe('server process', () => {
  it('starts, serves, and shuts down cleanly on SIGTERM with opens committed', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const server = run(['src/server/main.ts'], { PORT: String(port) });
    const done = output(server);
    try {
      let up = false;
      for (let i = 0; i < 100 && !up; i++) {
        up = await fetch(`${origin}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!up) await new Promise((r) => setTimeout(r, 200));
      }
      expect(up).toBe(true);
      expect((await (await fetch(`${origin}/openapi.json`)).json()).openapi).toBe('3.1.0');

      // A dev token from `npm run token`'s command, against the running server's persisted key.
      const mint = run(['src/server/cli/mint-token.ts'], { PORT: String(port) });
      const minted = await output(mint);
      expect(minted.code).toBe(0);
      const token = minted.out.trim();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const pubKey = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
        'deriveBits',
      ]);
      const raw = Buffer.from(await crypto.subtle.exportKey('raw', pubKey.publicKey)).toString('base64url');
      expect(
        (
          await fetch(`${origin}/api/v1/me/key`, {
            method: 'PUT',
            headers,
            body: JSON.stringify({ publicKey: raw }),
          })
        ).status,
      ).toBe(200);
      const sends = await fetch(`${origin}/api/v1/campaigns/main/sends`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ sends: [{ trackOpens: true }, { trackOpens: true }] }),
      });
      const { sends: list } = (await sends.json()) as { sends: { pixelUrl: string }[] };
      for (const s of list) {
        const gif = await fetch(s.pixelUrl, {
          headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Outlook' },
        });
        expect(gif.status).toBe(200);
        expect((await gif.arrayBuffer()).byteLength).toBe(43);
      }
    } finally {
      server.kill('SIGTERM');
    }
    const { code, out } = await done;
    expect(code).toBe(0);
    expect(out).toContain(`${origin}/taskpane.html`);

    const store = await createStore(join(dataDir, 'candor.sqlite'));
    await store.migrate();
    try {
      const events = await store.listEvents(DEMO_TENANT_ID, DEMO_USER_OID, { limit: 10 });
      expect(events.events.filter((e) => e.kind === 'open')).toHaveLength(2);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('refuses to start on an invalid configuration, naming the problem', async () => {
    const { code, out } = await output(run(['src/server/main.ts'], { PURGE_GRACE_DAYS: '90' }));
    expect(code).toBe(1);
    expect(out).toContain('PURGE_GRACE_DAYS');
  }, 30_000);
});
