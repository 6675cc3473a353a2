/**
 * Cross-tenant and cross-user isolation on every route (security.md §7 test 2): user A1 owns data;
 * A2 (same tenant) and B1 (another tenant) can neither read nor change it, and their own requests
 * never touch it. Run against both stores.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventSealer, importRecipientPublicKey } from '../../../src/shared/sealed-event';
import { toBase64url } from '../../../src/shared/base64url';
import { bearer, describeStores, id128, publicKeyB64, type Harness } from './harness';
import { opaqueSealedReply, opaqueStateBlob } from './sealed-uploads';

describeStores('API isolation', (open) => {
  let h: Harness;
  const A = randomUUID();
  const B = randomUUID();
  const a1 = randomUUID();
  const a2 = randomUUID();
  const b1 = randomUUID();
  let tokens: Record<'a1' | 'a2' | 'b1', string>;
  let a1Send: string;
  let a1Key: string;
  let a1Blob: string;
  let a1Event: string;

  const as = (who: keyof typeof tokens) => bearer(tokens[who]);

  async function a1Snapshot() {
    const [state, events, campaigns, key] = await Promise.all([
      h.app.inject({ method: 'GET', url: '/api/v1/campaigns/shared/state', headers: as('a1') }),
      h.app.inject({ method: 'GET', url: '/api/v1/events', headers: as('a1') }),
      h.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers: as('a1') }),
      h.app.inject({ method: 'GET', url: '/api/v1/me/key', headers: as('a1') }),
    ]);
    return { state: state.json(), events: events.json(), campaigns: campaigns.json(), key: key.json() };
  }

  beforeAll(async () => {
    h = await open();
    await h.onboard(A);
    await h.onboard(B);
    tokens = { a1: await h.token(A, a1), a2: await h.token(A, a2), b1: await h.token(B, b1) };
    // A1: a key, a campaign "shared" with state and a send, and a reply event on it.
    a1Key = await publicKeyB64();
    expect(
      (
        await h.app.inject({
          method: 'PUT',
          url: '/api/v1/me/key',
          headers: as('a1'),
          payload: { publicKey: a1Key },
        })
      ).statusCode,
    ).toBe(200);
    const sends = await h.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns/shared/sends',
      headers: as('a1'),
      payload: { sends: [{ trackOpens: true }] },
    });
    a1Send = sends.json().sends[0].sendId;
    a1Blob = await opaqueStateBlob(a1Key);
    const state = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/campaigns/shared/state',
      headers: as('a1'),
      payload: { expectedVersion: null, blob: a1Blob },
    });
    expect(state.statusCode).toBe(200);
    a1Event = id128();
    const sealer = await createEventSealer(await importRecipientPublicKey(a1Key));
    const sealed = await sealer.seal(
      { kind: 'reply', tid: A, oid: a1, sendId: a1Send, eventId: a1Event },
      { subject: 'x', from: 'x@y.z', receivedAt: 1, ip: null },
    );
    const reply = await h.app.inject({
      method: 'POST',
      url: `/api/v1/sends/${a1Send}/reply`,
      headers: as('a1'),
      payload: { eventId: a1Event, sealed: toBase64url(sealed) },
    });
    expect(reply.statusCode).toBe(201);
  });
  afterAll(() => h.close());

  for (const other of ['a2', 'b1'] as const) {
    it(`${other} cannot read A1's state, events, campaigns or key`, async () => {
      const state = await h.app.inject({
        method: 'GET',
        url: '/api/v1/campaigns/shared/state',
        headers: as(other),
      });
      expect(state.statusCode).toBe(404);
      const events = await h.app.inject({ method: 'GET', url: '/api/v1/events', headers: as(other) });
      expect(events.json()).toEqual({ events: [], next: null });
      const campaigns = await h.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers: as(other) });
      expect(campaigns.json()).toEqual({ campaigns: [] });
      const key = await h.app.inject({ method: 'GET', url: '/api/v1/me/key', headers: as(other) });
      expect(key.statusCode).toBe(404);
    });

    it(`${other} cannot attach a reply to A1's send (404, nothing stored)`, async () => {
      const before = await a1Snapshot();
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/sends/${a1Send}/reply`,
        headers: as(other),
        payload: { eventId: id128(), sealed: opaqueSealedReply(await publicKeyB64()) },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'not-found' });
      expect(await a1Snapshot()).toEqual(before);
    });

    it(`${other}'s writes land in its own space and leave A1's untouched`, async () => {
      const before = await a1Snapshot();
      // Same campaign id, same key endpoint, sends under the same campaign id.
      const otherKey = await publicKeyB64();
      await h.app.inject({
        method: 'PUT',
        url: '/api/v1/me/key',
        headers: as(other),
        payload: { publicKey: otherKey },
      });
      const put = await h.app.inject({
        method: 'PUT',
        url: '/api/v1/campaigns/shared/state',
        headers: as(other),
        payload: { expectedVersion: null, blob: await opaqueStateBlob(otherKey) },
      });
      expect(put.statusCode).toBe(200);
      // A1's version does not conflict with theirs, and vice versa.
      const overwrite = await h.app.inject({
        method: 'PUT',
        url: '/api/v1/campaigns/shared/state',
        headers: as(other),
        payload: { expectedVersion: before.state.version, blob: await opaqueStateBlob(otherKey) },
      });
      expect([200, 409]).toContain(overwrite.statusCode);
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/campaigns/shared/sends',
        headers: as(other),
        payload: { sends: [{ trackOpens: true }] },
      });
      const after = await a1Snapshot();
      expect(after).toEqual(before);
      expect(after.state.blob).toBe(a1Blob);
      expect(after.key.publicKey).toBe(a1Key);
    });

    it(`${other} reusing A1's event id stores its own event normally and learns nothing of A1's`, async () => {
      const mine = await h.app.inject({
        method: 'POST',
        url: '/api/v1/campaigns/own/sends',
        headers: as(other),
        payload: { sends: [{ trackOpens: false }] },
      });
      const sendId = mine.json().sends[0].sendId as string;
      const before = await a1Snapshot();
      // v1: it names no key, so it is accepted whatever key the user has (v2 must name the registered one).
      const sealer = await createEventSealer(await importRecipientPublicKey(await publicKeyB64()), {
        version: 1,
      });
      const sealed = toBase64url(
        await sealer.seal(
          {
            kind: 'reply',
            tid: other === 'a2' ? A : B,
            oid: other === 'a2' ? a2 : b1,
            sendId,
            eventId: a1Event,
          },
          { subject: 'y', from: 'y@y.z', receivedAt: 2, ip: null },
        ),
      );
      const post = () =>
        h.app.inject({
          method: 'POST',
          url: `/api/v1/sends/${sendId}/reply`,
          headers: as(other),
          payload: { eventId: a1Event, sealed },
        });
      // Exactly what a fresh id gets (201, stored) — ids are unique per user, not per tenant.
      const first = await post();
      expect(first.statusCode).toBe(201);
      expect(first.json()).toEqual({ eventId: a1Event, stored: true });
      expect((await post()).json()).toEqual({ eventId: a1Event, stored: false });
      const events = await h.app.inject({ method: 'GET', url: '/api/v1/events', headers: as(other) });
      expect(
        events.json().events.map((e: { eventId: string; sendId: string }) => [e.eventId, e.sendId]),
      ).toEqual([[a1Event, sendId]]);
      expect(await a1Snapshot()).toEqual(before);
    });
  }

  it("refuses A1's event cursor to A2 and B1, and an altered one to A1 (400 invalid-cursor)", async () => {
    const page = await h.app.inject({ method: 'GET', url: '/api/v1/events?limit=1', headers: as('a1') });
    const next = page.json().next as string;
    expect(next).toEqual(expect.any(String));
    const list = (who: keyof typeof tokens, after: string) =>
      h.app.inject({ method: 'GET', url: `/api/v1/events?after=${after}`, headers: as(who) });
    expect((await list('a1', next)).statusCode).toBe(200);
    for (const other of ['a2', 'b1'] as const) {
      const res = await list(other, next);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'invalid-cursor' });
    }
    const altered = Buffer.from(next, 'base64url');
    altered[20]! ^= 0x80;
    expect((await list('a1', altered.toString('base64url'))).json()).toEqual({ error: 'invalid-cursor' });
  });

  it("disconnecting A2 and B1 deletes only their own rows; A1's data and tenant stay", async () => {
    const before = await a1Snapshot();
    for (const other of ['a2', 'b1'] as const) {
      const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: as(other) });
      expect(res.statusCode).toBe(200);
      expect(res.json().deleted.users).toBe(1);
    }
    expect(await a1Snapshot()).toEqual(before);
    expect((await h.store.countTenantRows(A)).sends).toBe(1);
    expect((await h.store.countTenantRows(B)).tenants).toBe(1);
  });
});
