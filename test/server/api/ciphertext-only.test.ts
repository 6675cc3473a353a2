/**
 * The server stores ciphertext only, and refuses what cannot be ciphertext: a pane bug that
 * uploads plaintext (or filler with plaintext behind it) gets a loud 400, and nothing is stored.
 * Real blobs come from the pane's own state cipher and sealer (./sealed-uploads.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStateCipher } from '../../../src/crypto/state-cipher';
import { fromBase64url, toBase64url } from '../../../src/shared/base64url';
import { bearer, id128, openHarness, type Harness } from './harness';
import { newUserKey, registeredUserKey, type TestUserKey } from './sealed-uploads';

const bytes = (...parts: (Uint8Array | number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : [...p])));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Another spelling of the same bytes: sets an unused low bit of the last character. */
const nonCanonical = (s: string) => s.slice(0, -1) + B64[B64.indexOf(s.at(-1)!) + 1];
const replyJson = JSON.stringify({
  subject: 'Re: Senior engineer role',
  from: 'cand@example.com',
  receivedAt: 1,
  ip: null,
});

describe('uploads must be ciphertext', () => {
  let h: Harness;
  let tid: string;

  beforeAll(async () => {
    h = await openHarness('sqlite', '');
    tid = await h.onboard();
  });
  afterAll(() => h.close());

  async function signedIn() {
    const oid = randomUUID();
    const headers = bearer(await h.token(tid, oid));
    const key = await registeredUserKey(h.app, { tid, oid }, headers);
    return { oid, headers, key };
  }

  describe('sealed replies', () => {
    let headers: Record<string, string>;
    let key: TestUserKey;
    let sendId: string;

    beforeAll(async () => {
      ({ headers, key } = await signedIn());
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/campaigns/c/sends',
        headers,
        payload: { sends: [{ trackOpens: true }] },
      });
      sendId = res.json().sends[0].sendId;
    });

    const post = (eventId: string, sealed: string) =>
      h.app.inject({
        method: 'POST',
        url: `/api/v1/sends/${sendId}/reply`,
        headers,
        payload: { eventId, sealed },
      });
    const stored = async () =>
      (await h.app.inject({ url: '/api/v1/events', headers })).json().events as { eventId: string }[];

    it('accepts a reply sealed by the pane', async () => {
      const eventId = id128();
      const res = await post(eventId, await key.sealReply(sendId, eventId));
      expect(res.statusCode).toBe(201);
      expect((await stored()).map((e) => e.eventId)).toContain(eventId);
    });

    it('refuses a v2 reply that names a key other than the registered one (400 wrong-key)', async () => {
      const before = (await stored()).length;
      const stranger = await newUserKey({ tid, oid: randomUUID() });
      const eventId = id128();
      const sealed = fromBase64url(await key.sealReply(sendId, eventId));
      expect(sealed[0]).toBe(2);
      // The same record relabelled to name another key id: the server can tell, without opening it.
      sealed.set(fromBase64url(stranger.keyId), 1);
      const res = await post(eventId, toBase64url(sealed));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'wrong-key', fields: ['sealed'] });
      expect((await stored()).length).toBe(before);
    });

    it('refuses forgeries and plaintext with 400 not-sealed, storing nothing', async () => {
      const before = (await stored()).length;
      const realPoint = fromBase64url(key.publicKey);
      const real = fromBase64url(await key.sealReply(sendId, id128()));
      const offCurve = bytes([4], new Array(64).fill(7));
      const forgeries: Record<string, Uint8Array> = {
        'version byte, 65 filler bytes, plaintext JSON': bytes([1], new Array(65).fill(0x41), replyJson),
        'a real P-256 point, then plaintext JSON': bytes([1], realPoint, replyJson),
        'a point off the curve': bytes([1], offCurve, real.subarray(66)),
        'a hybrid (0x06) point encoding': bytes([1, 6], real.subarray(2)),
        'an unknown version byte': bytes([3], real.subarray(1)),
        'UTF-8 text after a real point': bytes([1], realPoint, 'Grüße — ' + replyJson),
      };
      for (const [what, sealed] of Object.entries(forgeries)) {
        const res = await post(id128(), toBase64url(sealed));
        expect(res.statusCode, what).toBe(400);
        expect(res.json(), what).toEqual({ error: 'not-sealed', fields: ['sealed'] });
      }
      for (const [what, sealed] of Object.entries({
        'shorter than the smallest sealed reply': toBase64url(real.subarray(0, 133)),
        'plaintext JSON': toBase64url(new TextEncoder().encode(replyJson)),
        'non-canonical base64url': nonCanonical(toBase64url(real.subarray(0, 136))),
        'padded base64': `${toBase64url(real.subarray(0, 134))}==`,
      })) {
        const res = await post(id128(), sealed);
        expect(res.statusCode, what).toBe(400);
        expect(res.json().fields, what).toEqual(['sealed']);
      }
      expect(await stored()).toHaveLength(before);
    });
  });

  describe('campaign state blobs', () => {
    it("accepts the pane's blob and hands back the same bytes, which open", async () => {
      const { oid, headers, key } = await signedIn();
      const blob = await key.stateBlob('q3', 1, { prospects: ['p1'] });
      const put = await h.app.inject({
        method: 'PUT',
        url: '/api/v1/campaigns/q3/state',
        headers,
        payload: { expectedVersion: null, blob },
      });
      expect(put.statusCode).toBe(200);
      const got = (await h.app.inject({ url: '/api/v1/campaigns/q3/state', headers })).json();
      expect(got.blob).toBe(blob);
      const cipher = await createStateCipher(key.keyPair, key.keyId);
      expect(
        await cipher.decrypt({ tid, oid, campaignId: 'q3', version: 1 }, fromBase64url(got.blob)),
      ).toEqual({
        prospects: ['p1'],
      });
    });

    it('refuses plaintext, forged headers and blobs under a key the user did not register', async () => {
      const { oid, headers, key } = await signedIn();
      const put = (blob: string) =>
        h.app.inject({
          method: 'PUT',
          url: '/api/v1/campaigns/q4/state',
          headers,
          payload: { expectedVersion: null, blob },
        });
      const real = fromBase64url(await key.stateBlob('q4', 1));
      const header = real.subarray(0, 29);
      const snapshot = JSON.stringify({ prospects: [{ email: 'cand@example.com', name: 'Cand Idate' }] });

      const notSealed: Record<string, Uint8Array> = {
        'plaintext JSON that happens to start with 0x01': bytes([1], snapshot),
        'a real header, then plaintext JSON': bytes(header, snapshot),
        'an unknown version byte': bytes([2], real.subarray(1)),
      };
      for (const [what, blob] of Object.entries(notSealed)) {
        const res = await put(toBase64url(blob));
        expect(res.statusCode, what).toBe(400);
        expect(res.json(), what).toEqual({ error: 'not-sealed', fields: ['blob'] });
      }
      for (const [what, blob] of Object.entries({
        'plaintext JSON': toBase64url(new TextEncoder().encode(snapshot)),
        'shorter than any blob': toBase64url(real.subarray(0, 60)),
      })) {
        const res = await put(blob);
        expect(res.statusCode, what).toBe(400);
        expect(res.json().fields, what).toEqual(['blob']);
      }

      const other = await newUserKey({ tid, oid });
      const wrongKey = await put(await other.stateBlob('q4', 1));
      expect(wrongKey.statusCode).toBe(400);
      expect(wrongKey.json()).toEqual({ error: 'wrong-key', fields: ['blob'] });
      expect((await h.app.inject({ url: '/api/v1/campaigns/q4/state', headers })).statusCode).toBe(404);
    });

    it('refuses state from a user who has registered no key (no device could open it)', async () => {
      const oid = randomUUID();
      const headers = bearer(await h.token(tid, oid));
      const key = await newUserKey({ tid, oid });
      const res = await h.app.inject({
        method: 'PUT',
        url: '/api/v1/campaigns/q5/state',
        headers,
        payload: { expectedVersion: null, blob: await key.stateBlob('q5', 1) },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'wrong-key', fields: ['blob'] });
    });

    it('accepts random ciphertext of the smallest size', async () => {
      const { headers, key } = await signedIn();
      const blob = bytes([1], fromBase64url(key.keyId), randomBytes(12), randomBytes(32));
      const res = await h.app.inject({
        method: 'PUT',
        url: '/api/v1/campaigns/q6/state',
        headers,
        payload: { expectedVersion: null, blob: toBase64url(blob) },
      });
      expect(res.statusCode).toBe(200);
    });
  });
});
