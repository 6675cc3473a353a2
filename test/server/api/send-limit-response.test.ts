/**
 * The daily send cap's 429 is what the OpenAPI document says: its body matches the documented
 * `send-limit` schema, with Retry-After when the batch will fit later, and without it (and
 * `retryAfterSeconds: null`, `remaining` kept) when the batch is larger than the cap itself.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SendLimitResponse, SendsTooManyResponse } from '../../../src/server/api/schemas';
import { bearer, describeStores, type Harness } from './harness';

describeStores('send-limit answers', (open) => {
  let h: Harness;
  let tid: string;
  beforeAll(async () => {
    h = await open({ env: { MAX_SENDS_PER_BATCH: '20', MAX_SENDS_PER_DAY: '10' } });
    tid = await h.onboard();
  });
  afterAll(() => h.close());

  const post = async (oid: string, n: number) =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/capped/sends',
      headers: bearer(await h.token(tid, oid)),
      payload: { sends: Array.from({ length: n }, () => ({ trackOpens: false })) },
    });

  it('documents the send-limit body on POST sends', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json();
    const tooMany = doc.paths['/api/v1/campaigns/{campaignId}/sends'].post.responses['429'];
    expect(JSON.stringify(tooMany.content['application/json'].schema)).toContain('limitPerDay');
  });

  it('gives the wait when the batch fits later', async () => {
    const oid = randomUUID();
    expect((await post(oid, 8)).statusCode).toBe(201);
    const refused = await post(oid, 5);
    expect(refused.statusCode).toBe(429);
    const body = SendLimitResponse.parse(refused.json());
    expect(SendsTooManyResponse.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ error: 'send-limit', limitPerDay: 10, remaining: 2 });
    expect(refused.headers['retry-after']).toBe(String(body.retryAfterSeconds));
  });

  it('keeps remaining and gives no wait when the batch is larger than the cap', async () => {
    const oid = randomUUID();
    expect((await post(oid, 3)).statusCode).toBe(201);
    const refused = await post(oid, 15);
    expect(refused.statusCode).toBe(429);
    expect(SendLimitResponse.parse(refused.json())).toEqual({
      error: 'send-limit',
      limitPerDay: 10,
      remaining: 7,
      retryAfterSeconds: null,
    });
    expect(refused.headers['retry-after']).toBeUndefined();
  });
});
