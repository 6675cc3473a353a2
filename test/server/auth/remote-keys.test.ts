/**
 * Entra's key set fetched over HTTP (security.md §1.4): a loopback JWKS server stands in for
 * login.microsoftonline.com. Checks key rotation, the refetch cooldown under a flood of unknown
 * `kid`s, and that an unreachable key set refuses (503), never accepts.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { LocalIssuer } from '../../../src/emulator/identity/issuer';
import { remoteKeySource } from '../../../src/server/auth/key-source';
import { AuthError, createTokenVerifier } from '../../../src/server/auth/verify-token';
import { DEMO_API_CLIENT_ID } from '../../../src/server/config';

const tid = randomUUID();
const oid = randomUUID();
const clock = new ManualClock(Date.now());
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves whatever `current()` returns as the key set; counts requests. */
async function serveKeys(current: () => object | null) {
  const stats = { requests: 0 };
  server = createServer((_req, res) => {
    stats.requests++;
    const body = current();
    if (!body) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/discovery/v2.0/keys`, stats };
}

function verifierFor(url: string, issuer: LocalIssuer, cooldownMs = 30_000) {
  return createTokenVerifier({
    auth: {
      apiClientId: DEMO_API_CLIENT_ID,
      addinClientIds: [DEMO_API_CLIENT_ID],
      issuerTemplate: issuer.issuerTemplate,
      jwksUrl: url,
    },
    keys: remoteKeySource(url, { cooldownMs, timeoutMs: 2000 }),
    clock,
    access: async (t) => (t === tid ? { contractEndsAt: null, leaving: false } : null),
  });
}

const mint = (issuer: LocalIssuer) =>
  issuer.mintApiToken({ tid, oid, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID });

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof AuthError ? err.reason : `other:${String(err)}`;
  }
}

describe('remote key set', () => {
  it('verifies against the fetched set and picks up a rotated key after one refetch', async () => {
    const base = 'https://login.example.test';
    const oldIssuer = await LocalIssuer.create({ baseUrl: base, clock });
    const newIssuer = await LocalIssuer.create({ baseUrl: base, clock });
    let keys = oldIssuer.jwks();
    const { url, stats } = await serveKeys(() => keys);
    const verify = verifierFor(url, oldIssuer, 0);

    expect(await verify(await mint(oldIssuer))).toEqual({ tid, oid });
    expect(stats.requests).toBe(1);

    keys = { keys: [...oldIssuer.jwks().keys, ...newIssuer.jwks().keys] };
    expect(await verify(await mint(newIssuer))).toEqual({ tid, oid });
    expect(stats.requests).toBe(2);
  });

  it('refetches at most once per cooldown under a flood of unknown kids', async () => {
    const issuer = await LocalIssuer.create({ baseUrl: 'https://login.example.test', clock });
    const { url, stats } = await serveKeys(() => issuer.jwks());
    const verify = verifierFor(url, issuer, 60_000);
    expect(await verify(await mint(issuer))).toEqual({ tid, oid });
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await Promise.all(
      Array.from({ length: 50 }, () =>
        new SignJWT({ tid, oid, ver: '2.0', scp: 'access_as_user', azp: DEMO_API_CLIENT_ID })
          .setProtectedHeader({ alg: 'RS256', kid: randomUUID() })
          .setIssuer(issuer.issuerFor(tid))
          .setAudience(DEMO_API_CLIENT_ID)
          .setIssuedAt(now)
          .setNotBefore(now)
          .setExpirationTime(now + 600)
          .sign(privateKey),
      ),
    );
    for (const t of forged) expect(await reason(verify(t))).toBe('signature');
    expect(stats.requests).toBe(1);
  });

  it('refuses with keys-unavailable (503 at the API) when the key set cannot be fetched', async () => {
    const issuer = await LocalIssuer.create({ baseUrl: 'https://login.example.test', clock });
    const { url } = await serveKeys(() => null);
    expect(await reason(verifierFor(url, issuer)(await mint(issuer)))).toBe('keys-unavailable');
    const closed = verifierFor('http://127.0.0.1:1/keys', issuer);
    expect(await reason(closed(await mint(issuer)))).toBe('keys-unavailable');
  });
});
