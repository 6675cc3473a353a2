/**
 * `npm run start:https` without installing anything into the system's trust store: a localhost
 * certificate created by office-addin-dev-certs (offline), the real server process speaking HTTPS
 * with it, and the manifest rewritten for the address the server actually runs on. Also plain
 * `npm start` on another port: it names that port, not 3000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PUBLIC_URL } from '../../webpack.config.js';
import { ensureDevCertificate, usableCertificate } from '../../scripts/dev-certificate';
import { DEV_MANIFEST_ORIGIN, manifestForOrigin } from '../../src/server/manifest-origin';
import { ConfigError, loadConfig } from '../../src/server/config';

const root = join(import.meta.dirname, '..', '..');
const sourceManifest = readFileSync(join(root, 'manifest.xml'), 'utf8');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** The server as `npm start` runs it, from a folder holding only an unconfigured build's manifest. */
async function startServer(
  env: Record<string, string>,
): Promise<{ output: () => string; stop: () => Promise<void> }> {
  const cwd = mkdtempSync(join(tmpdir(), 'candor-start-'));
  mkdirSync(join(cwd, 'dist'));
  cpSync(join(root, 'manifest.xml'), join(cwd, 'dist', 'manifest.xml'));
  let log = '';
  const child: ChildProcess = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    [join(root, 'src/server/main.ts')],
    {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: 'warn',
        DATA_DIR: join(cwd, 'data'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  // Ready when it has printed its addresses (an abort: the process exiting ends the wait too).
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (log.includes('Data:')) resolve();
      else if (child.exitCode !== null) reject(new Error(`server exited:\n${log}`));
    };
    child.stdout!.on('data', check);
    child.once('exit', check);
  });
  return { output: () => log, stop };
}

/** GET over HTTPS to 127.0.0.1, verifying the certificate for "localhost" against `ca`. */
function httpsGet(port: number, path: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, path, ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('manifest for the actual origin', () => {
  it('rewrites every development URL, and only those', () => {
    expect(DEV_MANIFEST_ORIGIN).toBe(DEV_PUBLIC_URL);
    const devUrls = sourceManifest.match(/https:\/\/localhost:3000/g)!.length;
    expect(devUrls).toBeGreaterThan(3);
    const xml = manifestForOrigin(sourceManifest, 'https://localhost:4443/');
    expect(xml).not.toMatch(/https:\/\/localhost:3000/);
    expect(xml.match(/https:\/\/localhost:4443(?!\d)/g)!.length).toBe(devUrls);
    expect(xml).toContain('<Resource>api://localhost:3000/');
    expect(manifestForOrigin('<a>https://localhost:30001/x</a>', 'https://h')).toBe(
      '<a>https://localhost:30001/x</a>',
    );
  });
});

describe('TLS configuration', () => {
  it('serves https://localhost:<port> when given a PEM pair, and refuses half a pair', () => {
    const c = loadConfig({ PORT: '4443', TLS_CERT_FILE: 'a.crt', TLS_KEY_FILE: 'a.key' });
    expect(c.publicUrl).toBe('https://localhost:4443');
    expect(c.tls?.certFile.endsWith('a.crt')).toBe(true);
    expect(loadConfig({}).tls).toBeNull();
    expect(() => loadConfig({ TLS_CERT_FILE: 'a.crt' })).toThrow(ConfigError);
  });
});

describe('npm run start:https (certificate created, trust not installed)', () => {
  let certs: string;
  beforeAll(() => {
    certs = mkdtempSync(join(tmpdir(), 'candor-certs-'));
  });
  afterAll(() => rmSync(certs, { recursive: true, force: true }));

  it('creates a localhost certificate once, then reuses it', async () => {
    const first = await ensureDevCertificate({ dir: certs, trust: false });
    expect(first).toMatchObject({ created: true, trusted: false, trustProblem: null });
    expect(usableCertificate(first.certFile, first.keyFile)).toBe(true);
    const again = await ensureDevCertificate({ dir: certs, trust: false });
    expect(again.created).toBe(false);
    // An expired one (seen from 60 days on) is not usable and would be replaced.
    expect(usableCertificate(first.certFile, first.keyFile, Date.now() + 60 * 86_400_000)).toBe(false);
  });

  it('serves the pane over HTTPS with it, and the manifest for that address', async () => {
    const cert = await ensureDevCertificate({ dir: certs, trust: false });
    const port = await freePort();
    const server = await startServer({
      PORT: String(port),
      TLS_CERT_FILE: cert.certFile,
      TLS_KEY_FILE: cert.keyFile,
    });
    try {
      const origin = `https://localhost:${port}`;
      expect(server.output()).toContain(`Manifest:   ${origin}/manifest.xml`);
      expect(server.output()).not.toContain('localhost:3000');
      const ca = readFileSync(cert.caFile);
      expect((await httpsGet(port, '/healthz', ca)).status).toBe(200);
      const manifest = await httpsGet(port, '/manifest.xml', ca);
      expect(manifest.status).toBe(200);
      expect(manifest.body).toContain(`<SourceLocation DefaultValue="${origin}/taskpane.html"`);
      expect(manifest.body).not.toContain('https://localhost:3000');
      const saved = /saved as (\S+)/.exec(server.output())?.[1];
      expect(saved && readFileSync(saved, 'utf8')).toBe(manifest.body);
    } finally {
      await server.stop();
    }
  });

  it('plain `npm start` on another port names that port and says Outlook needs HTTPS', async () => {
    const port = await freePort();
    const server = await startServer({ PORT: String(port) });
    try {
      expect(server.output()).toContain(`Manifest:   http://127.0.0.1:${port}/manifest.xml`);
      expect(server.output()).toContain('npm run start:https');
      expect(server.output()).not.toContain('3000');
    } finally {
      await server.stop();
    }
  });
});
