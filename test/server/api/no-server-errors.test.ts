/**
 * Property: no request that the published schemas accept makes either store fail (issue #8
 * item 1). Every valid input gets an answer from the 2xx/4xx range, never a 5xx. Inputs mix
 * arbitrary schema-valid bytes (which the ciphertext check may refuse with 400 `not-sealed` or
 * `wrong-key`) with well-formed blobs under the caller's registered key, which reach the store.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, describeStores, type Harness } from './harness';
import { opaqueSealedReply, opaqueStateBlob, registeredUserKey } from './sealed-uploads';

const campaignId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const base64url = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));
const expectedVersion = fc.oneof(
  fc.constant(null),
  fc.nat({ max: 3 }),
  fc.maxSafeNat(),
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1),
);

describeStores('no 5xx for schema-valid input', (open) => {
  let h: Harness;
  let headers: Record<string, string>;
  let publicKey: string;
  beforeAll(async () => {
    h = await open({ env: { RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_IP_PER_MINUTE: '100000' } });
    const tid = await h.onboard();
    const oid = randomUUID();
    headers = bearer(await h.token(tid, oid));
    ({ publicKey } = await registeredUserKey(h.app, { tid, oid }, headers));
  });
  afterAll(() => h.close());

  it('PUT campaign state: any version and blob the schema allows', async () => {
    await fc.assert(
      fc.asyncProperty(
        campaignId,
        expectedVersion,
        fc.oneof(
          base64url(1, 200).map((blob) => ({ blob, wellFormed: false })),
          fc.nat({ max: 300 }).map((n) => ({ n, wellFormed: true })),
        ),
        async (id, version, input) => {
          const blob = 'blob' in input ? input.blob : await opaqueStateBlob(publicKey, 32 + input.n);
          const res = await h.app.inject({
            method: 'PUT',
            url: `/api/v1/campaigns/${id}/state`,
            headers,
            payload: { expectedVersion: version, blob },
          });
          expect(res.statusCode, res.body).toBeLessThan(500);
          // A well-formed blob passes the ciphertext check and reaches the store.
          if (input.wellFormed) expect([200, 409], res.body).toContain(res.statusCode);
        },
      ),
      { numRuns: 60 },
    );
    // The largest allowed version is a plain conflict on both stores.
    const big = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/campaigns/big/state',
      headers,
      payload: { expectedVersion: 2 ** 31, blob: await opaqueStateBlob(publicKey) },
    });
    expect(big.statusCode).toBe(409);
  });

  it('GET events: any cursor string and limit the schema allows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ maxLength: 64 }), { nil: undefined }),
        fc.integer({ min: 1, max: 500 }),
        async (after, limit) => {
          const query = new URLSearchParams({
            limit: String(limit),
            ...(after === undefined ? {} : { after }),
          });
          const res = await h.app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers });
          expect(res.statusCode, res.body).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('POST reply and PUT key: any ids, sealed bytes and key the schema allows', async () => {
    const id128 = fc.stringMatching(/^[A-Za-z0-9_-]{21}[AQgw]$/);
    await fc.assert(
      fc.asyncProperty(
        id128,
        id128,
        fc.oneof(
          base64url(1, 300),
          fc.nat({ max: 300 }).map((n) => opaqueSealedReply(publicKey, 96 + n)),
        ),
        async (sendId, eventId, sealed) => {
          const res = await h.app.inject({
            method: 'POST',
            url: `/api/v1/sends/${sendId}/reply`,
            headers,
            payload: { eventId, sealed },
          });
          expect(res.statusCode, res.body).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(base64url(87, 87), async (publicKey) => {
        const res = await h.app.inject({
          method: 'PUT',
          url: '/api/v1/me/key',
          headers,
          payload: { publicKey },
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
