/**
 * What the task pane observes from each API route: shapes, limits, validation, versioning,
 * idempotency and disconnect — against both stores.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventSealer, importRecipientPublicKey } from '../../../src/shared/sealed-event';
import { toBase64url } from '../../../src/shared/base64url';
import { bearer, describeStores, id128, publicKeyB64, type Harness } from './harness';
import { opaqueStateBlob } from './sealed-uploads';

describeStores('API routes', (open) => {
  let h: Harness;
  let tid: string;

  beforeAll(async () => {
    h = await open({ env: { MAX_SENDS_PER_BATCH: '50', MAX_SENDS_PER_DAY: '50', MAX_STATE_BYTES: '4096' } });
    tid = await h.onboard();
  });
  afterAll(() => h.close());

  const user = async () => bearer(await h.token(tid, randomUUID()));

  it('registers, reads back and replaces the public key; refuses a point that is not on the curve', async () => {
    const headers = await user();
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me/key', headers })).statusCode).toBe(404);
    const k1 = await publicKeyB64();
    const put = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/me/key',
      headers,
      payload: { publicKey: k1 },
    });
    expect(put.statusCode).toBe(200);
    const { keyId } = put.json();
    expect(keyId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me/key', headers })).json()).toMatchObject({
      keyId,
      publicKey: k1,
    });
    const k2 = await publicKeyB64();
    await h.app.inject({ method: 'PUT', url: '/api/v1/me/key', headers, payload: { publicKey: k2 } });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me/key', headers })).json().publicKey).toBe(k2);

    const offCurve = toBase64url(new Uint8Array([4, ...new Array(64).fill(7)]));
    const bad = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/me/key',
      headers,
      payload: { publicKey: offCurve },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'invalid-key' });
  });

  it('registers a batch of sends and returns one pixel URL per send, in order', async () => {
    const headers = await user();
    const flags = [true, false, true, true, false];
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/spring-hiring/sends',
      headers,
      payload: { sends: flags.map((trackOpens) => ({ trackOpens })) },
    });
    expect(res.statusCode).toBe(201);
    const sends = res.json().sends as { sendId: string; pixelUrl: string | null }[];
    expect(sends).toHaveLength(5);
    expect(new Set(sends.map((s) => s.sendId)).size).toBe(5);
    sends.forEach((s, i) => {
      expect(s.sendId).toMatch(/^[A-Za-z0-9_-]{21}[AQgw]$/);
      if (flags[i]) expect(s.pixelUrl).toContain(s.sendId);
      else expect(s.pixelUrl).toBeNull();
    });
  });

  it('refuses sends past the daily cap with 429 send-limit and Retry-After', async () => {
    const oid = randomUUID();
    // A fresh token per call: the clock moves a day.
    const post = async (n: number) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/campaigns/capped/sends',
        headers: bearer(await h.token(tid, oid)),
        payload: { sends: Array.from({ length: n }, () => ({ trackOpens: true })) },
      });
    expect((await post(40)).statusCode).toBe(201);
    await h.clock.advance(3_600_000);
    const refused = await post(20);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: 'send-limit',
      limitPerDay: 50,
      remaining: 10,
      retryAfterSeconds: 23 * 3600,
    });
    expect(refused.headers['retry-after']).toBe(String(23 * 3600));
    expect((await post(10)).statusCode).toBe(201);
    await h.clock.advance(23 * 3_600_000);
    expect((await post(20)).statusCode).toBe(201);
  });

  it('bounds the batch and rejects unknown fields, wrong types and non-JSON bodies', async () => {
    const headers = await user();
    const post = (payload: unknown, extra: Record<string, string> = {}) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/campaigns/c/sends',
        headers: { ...headers, ...extra },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
    const json = { 'content-type': 'application/json' };
    expect((await post({ sends: new Array(51).fill({ trackOpens: true }) }, json)).statusCode).toBe(400);
    expect((await post({ sends: [] }, json)).statusCode).toBe(400);
    const unknown = await post({ sends: [{ trackOpens: true, email: 'x@y.z' }] }, json);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ error: 'invalid-request', fields: ['sends.0'] });
    expect(unknown.body).not.toContain('x@y.z');
    expect((await post({ sends: [{ trackOpens: 'yes' }] }, json)).statusCode).toBe(400);
    expect((await post({ sends: [{ trackOpens: true }], tenant: 'x' }, json)).statusCode).toBe(400);
    expect((await post('{"sends":[{"trackOpens":true}]}', { 'content-type': 'text/plain' })).statusCode).toBe(
      415,
    );
    expect((await post('{not json', json)).statusCode).toBe(400);
    const big = await post({ sends: [{ trackOpens: true }], pad: 'x'.repeat(70_000) }, json);
    expect(big.statusCode).toBe(413);
    const badCampaign = await h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/has%20space/sends',
      headers,
      payload: { sends: [{ trackOpens: true }] },
    });
    expect(badCampaign.statusCode).toBe(400);
  });

  it('stores campaign state with optimistic concurrency and a size limit', async () => {
    const headers = await user();
    const publicKey = await publicKeyB64();
    await h.app.inject({ method: 'PUT', url: '/api/v1/me/key', headers, payload: { publicKey } });
    const blob = (ciphertextBytes?: number) => opaqueStateBlob(publicKey, ciphertextBytes);
    const url = '/api/v1/campaigns/q3/state';
    const put = (expectedVersion: number | null, blob: string) =>
      h.app.inject({ method: 'PUT', url, headers, payload: { expectedVersion, blob } });
    const v1 = await put(null, await blob());
    expect(v1.statusCode).toBe(200);
    const version1 = v1.json().version as number;
    expect((await put(null, await blob())).statusCode).toBe(409);
    const blob2 = await blob();
    const v2 = await put(version1, blob2);
    expect(v2.statusCode).toBe(200);
    const stale = await put(version1, await blob());
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toEqual({ error: 'version-conflict', currentVersion: v2.json().version });
    const got = await h.app.inject({ method: 'GET', url, headers });
    expect(got.json()).toMatchObject({ campaignId: 'q3', version: v2.json().version, blob: blob2 });
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers });
    expect(list.json().campaigns).toEqual([
      { campaignId: 'q3', version: v2.json().version, updatedAt: expect.any(Number) },
    ]);

    const tooBig = await put(v2.json().version, toBase64url(new Uint8Array(4097)));
    expect(tooBig.statusCode).toBe(413);
    expect((await put(v2.json().version, await blob(4096 - 29))).statusCode).toBe(200);
    expect((await put(null, 'not base64!')).statusCode).toBe(400);
  });

  it('stores sealed replies once per event id and pages events in arrival order', async () => {
    const oid = randomUUID();
    const headers = bearer(await h.token(tid, oid));
    const publicKey = await publicKeyB64();
    await h.app.inject({ method: 'PUT', url: '/api/v1/me/key', headers, payload: { publicKey } });
    const sends = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/campaigns/c/sends',
        headers,
        payload: { sends: [{ trackOpens: true }, { trackOpens: true }, { trackOpens: true }] },
      })
    ).json().sends as { sendId: string }[];
    const sealer = await createEventSealer(await importRecipientPublicKey(publicKey));
    const ids: string[] = [];
    for (const { sendId } of sends) {
      const eventId = id128();
      ids.push(eventId);
      const sealed = await sealer.seal(
        { kind: 'reply', tid, oid, sendId, eventId },
        { subject: 's', from: 'a@b.c', receivedAt: 1, ip: null },
      );
      const payload = { eventId, sealed: toBase64url(sealed) };
      const first = await h.app.inject({
        method: 'POST',
        url: `/api/v1/sends/${sendId}/reply`,
        headers,
        payload,
      });
      expect(first.statusCode).toBe(201);
      const retry = await h.app.inject({
        method: 'POST',
        url: `/api/v1/sends/${sendId}/reply`,
        headers,
        payload,
      });
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual({ eventId, stored: false });
    }
    const page1 = (await h.app.inject({ method: 'GET', url: '/api/v1/events?limit=2', headers })).json();
    expect(page1.events.map((e: { eventId: string }) => e.eventId)).toEqual(ids.slice(0, 2));
    expect(page1.events[0]).toMatchObject({ kind: 'reply', verdict: null, sendId: sends[0]!.sendId });
    const page2 = (
      await h.app.inject({ method: 'GET', url: `/api/v1/events?limit=2&after=${page1.next}`, headers })
    ).json();
    expect(page2.events.map((e: { eventId: string }) => e.eventId)).toEqual(ids.slice(2));
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/events?limit=0', headers })).statusCode).toBe(
      400,
    );
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/events?after=bogus', headers })).statusCode,
    ).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/events?evil=1', headers })).statusCode).toBe(
      400,
    );

    const garbage = await h.app.inject({
      method: 'POST',
      url: `/api/v1/sends/${sends[0]!.sendId}/reply`,
      headers,
      payload: { eventId: id128(), sealed: 'AAAA' },
    });
    expect(garbage.statusCode).toBe(400);
    const unknownSend = await h.app.inject({
      method: 'POST',
      url: `/api/v1/sends/${id128()}/reply`,
      headers,
      payload: { eventId: id128(), sealed: toBase64url(new Uint8Array(200).fill(1)) },
    });
    expect(unknownSend.statusCode).toBe(404);
  });

  it('disconnect deletes every row of the user and the key, at once', async () => {
    const oid = randomUUID();
    const headers = bearer(await h.token(tid, oid));
    const publicKey = await publicKeyB64();
    await h.app.inject({ method: 'PUT', url: '/api/v1/me/key', headers, payload: { publicKey } });
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/c/sends',
      headers,
      payload: { sends: [{ trackOpens: true }, { trackOpens: false }] },
    });
    await h.app.inject({
      method: 'PUT',
      url: '/api/v1/campaigns/c/state',
      headers,
      payload: { expectedVersion: null, blob: await opaqueStateBlob(publicKey) },
    });
    const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().deleted).toMatchObject({ sends: 2, campaignStates: 1, users: 1, tenants: 0 });
    expect(await h.store.getUser(tid, oid)).toBeNull();
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers })).json()).toEqual({
      campaigns: [],
    });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me/key', headers })).statusCode).toBe(404);
    const records = await h.store.listDeletionRecords();
    const last = records[records.length - 1]!;
    expect(last).toMatchObject({ kind: 'user-disconnect', subjectRef: tid, counts: res.json().deleted });
    expect(JSON.stringify(last)).not.toContain(oid);
  });
});
