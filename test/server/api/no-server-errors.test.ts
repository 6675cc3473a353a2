/**
 * Property: no request that the published schemas accept makes either store fail (issue #8
 * item 1). Every valid input gets an answer from the 2xx/4xx range, never a 5xx.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, describeStores, type Harness } from './harness';

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
  beforeAll(async () => {
    h = await open({ env: { RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_IP_PER_MINUTE: '100000' } });
    headers = bearer(await h.token(await h.onboard(), randomUUID()));
  });
  afterAll(() => h.close());

  it('PUT campaign state: any version and blob the schema allows', async () => {
    await fc.assert(
      fc.asyncProperty(campaignId, expectedVersion, base64url(1, 200), async (id, version, blob) => {
        const res = await h.app.inject({
          method: 'PUT',
          url: `/api/v1/campaigns/${id}/state`,
          headers,
          payload: { expectedVersion: version, blob },
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    // The largest allowed version is a plain conflict on both stores.
    const big = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/campaigns/big/state',
      headers,
      payload: { expectedVersion: 2 ** 31, blob: 'AA' },
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
      fc.asyncProperty(id128, id128, base64url(1, 300), async (sendId, eventId, sealed) => {
        const res = await h.app.inject({
          method: 'POST',
          url: `/api/v1/sends/${sendId}/reply`,
          headers,
          payload: { eventId, sealed },
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
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
