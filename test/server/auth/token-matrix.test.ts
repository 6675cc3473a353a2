/**
 * The API token matrix (security.md §1.2, §7 test 1): every way a token can be wrong is refused
 * with the same bare 401 and no data; a good token gets 200. Runs against the real app.
 */
import { randomUUID, generateKeyPairSync, createHmac } from 'node:crypto';
import { SignJWT, generateKeyPair, base64url } from 'jose';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../../src/emulator/identity/issuer';
import { localKeySource } from '../../../src/server/auth/key-source';
import { DEMO_API_CLIENT_ID } from '../../../src/server/config';
import { contractEndInstant } from '../../../src/server/retention/contract';
import { bearer, openHarness, type Harness } from '../api/harness';
import { registeredUserKey } from '../api/sealed-uploads';

const CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GRAPH_AUDIENCE = '00000003-0000-0000-c000-000000000000';

let h: Harness;
let tid: string;
const oid = randomUUID();

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk, _enc, done) {
    logLines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

beforeAll(async () => {
  h = await openHarness('sqlite', '', { logStream });
  tid = await h.onboard();
  // Seed data for the user so a leak would be visible in a response.
  const headers = bearer(await h.token(tid, oid));
  const key = await registeredUserKey(h.app, { tid, oid }, headers);
  const seeded = await h.app.inject({
    method: 'PUT',
    url: '/api/v1/campaigns/c1/state',
    headers,
    payload: { expectedVersion: null, blob: await key.stateBlob('c1', 1) },
  });
  expect(seeded.statusCode).toBe(200);
});
afterAll(() => h.close());

async function call(token: string | undefined, raw?: string) {
  const headers: Record<string, string> = {};
  if (raw !== undefined) headers.authorization = raw;
  else if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return h.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers });
}

/** The failure code the server logged for the last refusal (proves WHICH check refused it). */
function lastReason(): string | undefined {
  for (let i = logLines.length - 1; i >= 0; i--) {
    const entry = JSON.parse(logLines[i]!) as { authFailure?: string };
    if (entry.authFailure) return entry.authFailure;
  }
  return undefined;
}

function expectRefused(res: Awaited<ReturnType<typeof call>>, reason?: string) {
  expect(res.statusCode).toBe(401);
  if (reason) expect(lastReason()).toBe(reason);
  expect(res.json()).toEqual({ error: 'unauthorized' });
  expect(res.body).not.toContain('c1');
  expect(res.headers['www-authenticate']).toBe('Bearer');
}

/** Signs arbitrary claims with an arbitrary key and header (forgeries). */
async function forge(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
) {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

function goodClaims(now = h.clock.now()) {
  const s = Math.floor(now / 1000);
  return {
    aud: DEMO_API_CLIENT_ID,
    azp: DEMO_API_CLIENT_ID,
    iss: h.issuer.issuerFor(tid),
    ver: '2.0',
    tid,
    oid,
    scp: 'access_as_user',
    iat: s,
    nbf: s,
    exp: s + 3600,
  };
}

describe('API token validation', () => {
  it('accepts a good token', async () => {
    const res = await call(await h.token(tid, oid));
    expect(res.statusCode).toBe(200);
    expect(res.json().campaigns.map((c: { campaignId: string }) => c.campaignId)).toEqual(['c1']);
  });

  it('refuses a missing token, a non-Bearer scheme and garbage', async () => {
    expectRefused(await call(undefined), 'missing');
    expectRefused(await call(undefined, `Basic ${Buffer.from('a:b').toString('base64')}`));
    for (const junk of ['', 'abc', 'a.b.c', '...', 'eyJhbGciOiJSUzI1NiJ9.e30.', '%%%', 'x'.repeat(20000)]) {
      expectRefused(await call(junk));
    }
  });

  it('refuses a token for another audience (Graph, the api:// URI)', async () => {
    expectRefused(await call(await h.token(tid, oid, { audience: GRAPH_AUDIENCE })), 'audience');
    expectRefused(
      await call(await h.token(tid, oid, { audience: `api://localhost/${DEMO_API_CLIENT_ID}` })),
      'audience',
    );
  });

  it('refuses a v1 token (ver 1.0, sts.windows.net issuer)', async () => {
    expectRefused(await call(await h.token(tid, oid, { claims: { ver: '1.0' } })), 'version');
    const key = await h.signingKey();
    const v1 = await forge(
      { alg: 'RS256', kid: h.issuer.kid },
      { ...goodClaims(), ver: '1.0', iss: `https://sts.windows.net/${tid}/` },
      key,
    );
    expectRefused(await call(v1), 'version');
  });

  it('refuses a token whose iss is for another tenant than its tid', async () => {
    const other = await h.onboard();
    // Issued (iss) for tenant `tid`, but claiming to be `other`.
    expectRefused(await call(await h.token(tid, oid, { claims: { tid: other } })), 'issuer');
  });

  it('refuses a non-GUID or consumer tenant id', async () => {
    const key = await h.signingKey();
    for (const bad of ['common', CONSUMER_TENANT]) {
      await h.onboard(bad);
      const token = await forge(
        { alg: 'RS256', kid: h.issuer.kid },
        { ...goodClaims(), tid: bad, iss: h.issuer.issuerFor(bad) },
        key,
      );
      expectRefused(await call(token), 'tenant-id');
    }
  });

  it('refuses a tenant that is not onboarded, and one whose contract has ended', async () => {
    expectRefused(await call(await h.token(randomUUID(), oid)), 'tenant-inactive');
    const ended = await h.onboard(randomUUID(), contractEndInstant('2026-10-31'));
    expect(h.clock.now()).toBeGreaterThan(contractEndInstant('2026-10-31'));
    expectRefused(await call(await h.token(ended, oid)), 'tenant-inactive');
  });

  it('refuses a token without access_as_user, or with a different client (azp)', async () => {
    expectRefused(await call(await h.token(tid, oid, { scopes: ['Mail.Read'] })), 'scope');
    expectRefused(await call(await h.token(tid, oid, { scopes: ['access_as_user_x'] })), 'scope');
    expectRefused(await call(await h.token(tid, oid, { azp: randomUUID() })), 'client');
    expectRefused(await call(await h.token(tid, oid, { claims: { azp: undefined } })), 'client');
  });

  it('refuses app-only tokens (roles without scp, idtyp=app)', async () => {
    expectRefused(
      await call(await h.token(tid, oid, { claims: { scp: undefined, roles: ['access_as_user'] } })),
      'app-only',
    );
    expectRefused(await call(await h.token(tid, oid, { claims: { idtyp: 'app' } })), 'app-only');
  });

  it('refuses expired and not-yet-valid tokens (beyond 60 s of skew)', async () => {
    const expired = await h.token(tid, oid, { lifetimeSeconds: 600 });
    await h.clock.advance(600_000 + 61_000);
    expectRefused(await call(expired), 'expired');
    // Within the skew it is still fine.
    const fresh = await h.token(tid, oid, { lifetimeSeconds: 30 });
    await h.clock.advance(60_000);
    expect((await call(fresh)).statusCode).toBe(200);

    const key = await h.signingKey();
    const claims = goodClaims(h.clock.now() + 5 * 60_000);
    expectRefused(await call(await forge({ alg: 'RS256', kid: h.issuer.kid }, claims, key)), 'expired');
  });

  it('refuses a token signed by another key, even one reusing our kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expectRefused(
      await call(await forge({ alg: 'RS256', kid: h.issuer.kid }, goodClaims(), privateKey)),
      'signature',
    );
    expectRefused(
      await call(await forge({ alg: 'RS256', kid: 'unknown' }, goodClaims(), privateKey)),
      'signature',
    );
    const stranger = await LocalIssuer.create({ baseUrl: h.issuer.baseUrl, clock: h.clock });
    expectRefused(
      await call(
        await stranger.mintApiToken({ tid, oid, audience: DEMO_API_CLIENT_ID, azp: DEMO_API_CLIENT_ID }),
      ),
    );
  });

  it('refuses alg none and the HS256-with-the-public-key confusion', async () => {
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', kid: h.issuer.kid }))}.${base64url.encode(
      JSON.stringify(goodClaims()),
    )}.`;
    expectRefused(await call(none), 'signature');
    const jwk = h.issuer.jwks().keys[0]!;
    for (const secret of [JSON.stringify(jwk), String(jwk.n)]) {
      const hs = await forge(
        { alg: 'HS256', kid: h.issuer.kid },
        goodClaims(),
        new TextEncoder().encode(secret),
      );
      expectRefused(await call(hs), 'signature');
    }
    // Same confusion with the PEM form of the public key, signed by hand.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const head = base64url.encode(JSON.stringify({ alg: 'HS256', kid: h.issuer.kid }));
    const body = base64url.encode(JSON.stringify(goodClaims()));
    const sig = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
    expectRefused(await call(`${head}.${body}.${sig}`), 'signature');
  });
});

describe('signing key issuer', () => {
  it("refuses a token when the signing key's own issuer is for another tenant", async () => {
    const other = randomUUID();
    const pinned = await openHarness('sqlite', '', {
      keys: (issuer) =>
        localKeySource(() => ({
          keys: issuer.jwks().keys.map((k) => ({ ...k, issuer: issuer.issuerFor(other) })),
        })),
    });
    try {
      const t = await pinned.onboard();
      const res = await pinned.app.inject({
        method: 'GET',
        url: '/api/v1/campaigns',
        headers: bearer(await pinned.token(t, oid)),
      });
      expect(res.statusCode).toBe(401);
      // The same key published with the {tenantid} template is accepted (control).
      const ok = await h.app.inject({
        method: 'GET',
        url: '/api/v1/campaigns',
        headers: bearer(await h.token(tid, oid)),
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await pinned.close();
    }
  });

  it('refuses a token when the key carries no issuer at all', async () => {
    const bare = await openHarness('sqlite', '', {
      keys: (issuer) =>
        localKeySource(() => ({ keys: issuer.jwks().keys.map((k) => ({ ...k, issuer: undefined })) })),
    });
    try {
      const t = await bare.onboard();
      const res = await bare.app.inject({
        method: 'GET',
        url: '/api/v1/campaigns',
        headers: bearer(await bare.token(t, oid)),
      });
      expect(res.statusCode).toBe(401);
    } finally {
      await bare.close();
    }
  });
});
