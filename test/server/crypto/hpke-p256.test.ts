/**
 * The pixel's synchronous HPKE (src/server/crypto/hpke-p256.ts, node:crypto) against @hpke/core
 * (WebCrypto, what the task pane opens with), in both directions and byte for byte, and end to
 * end through the pane's own opener (src/crypto/open-event.ts).
 */
import 'fake-indexeddb/auto';
import { createECDH, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateUserKey } from '../../../src/crypto/keys';
import { createEventOpener } from '../../../src/crypto/open-event';
import { fromBase64url } from '../../../src/shared/base64url';
import { ManualClock } from '../../../src/shared/clock';
import { GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES, sealedEventSuite } from '../../../src/shared/sealed-event';
import { p256PointOf, receiveGroupSecret, sendGroupSecret } from '../../../src/server/crypto/hpke-p256';
import { EventSealer } from '../../../src/server/pixel/seal';

const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** A node:crypto key pair and the very same pair as WebCrypto keys (for @hpke/core). */
async function twinPair(): Promise<{ ecdh: ECDH; point: Buffer; web: CryptoKeyPair }> {
  const ecdh = createECDH('prime256v1');
  const point = ecdh.generateKeys();
  const x = b64u(point.subarray(1, 33));
  const y = b64u(point.subarray(33));
  const d = b64u(ecdh.getPrivateKey());
  const web = {
    privateKey: await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y, d }, P256, true, [
      'deriveBits',
    ]),
    publicKey: await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y }, P256, true, []),
  };
  return { ecdh, point, web };
}

const secretBytes = async (ctx: { export(c: ArrayBuffer | Uint8Array, n: number): Promise<ArrayBuffer> }) =>
  Buffer.from(await ctx.export(GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES));

describe('synchronous HPKE DHKEM(P-256) export, against @hpke/core', () => {
  it('gives the same enc and exported secret as @hpke/core for the same ephemeral key', async () => {
    for (let i = 0; i < 10; i++) {
      const recipient = await twinPair();
      const ephemeral = await twinPair();
      const theirs = await sealedEventSuite().createSenderContext({
        recipientPublicKey: recipient.web.publicKey,
        ekm: ephemeral.web,
      });
      const ours = sendGroupSecret(recipient.point, GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES, ephemeral.ecdh);
      expect(b64u(ours.enc)).toBe(b64u(new Uint8Array(theirs.enc)));
      expect(ours.enc).toEqual(ephemeral.point);
      expect(b64u(ours.secret)).toBe(b64u(await secretBytes(theirs)));
    }
  });

  it('what this module sends, @hpke/core receives (same secret)', async () => {
    for (let i = 0; i < 10; i++) {
      const recipient = await twinPair();
      const ours = sendGroupSecret(recipient.point, GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES);
      const theirs = await sealedEventSuite().createRecipientContext({
        recipientKey: recipient.web,
        enc: new Uint8Array(ours.enc),
      });
      expect(b64u(await secretBytes(theirs))).toBe(b64u(ours.secret));
    }
  });

  it('what @hpke/core sends, this module receives (same secret)', async () => {
    for (let i = 0; i < 10; i++) {
      const recipient = await twinPair();
      const theirs = await sealedEventSuite().createSenderContext({
        recipientPublicKey: recipient.web.publicKey,
      });
      const ours = receiveGroupSecret(
        recipient.ecdh.getPrivateKey(),
        new Uint8Array(theirs.enc),
        GROUP_EXPORT_CONTEXT,
        GROUP_SECRET_BYTES,
      );
      expect(b64u(ours)).toBe(b64u(await secretBytes(theirs)));
    }
  });

  it('a fresh ephemeral key per group: two groups to one recipient share neither enc nor secret', () => {
    const { point } = { point: createECDH('prime256v1').generateKeys() };
    const a = sendGroupSecret(point, GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES);
    const b = sendGroupSecret(point, GROUP_EXPORT_CONTEXT, GROUP_SECRET_BYTES);
    expect(a.enc.equals(b.enc)).toBe(false);
    expect(a.secret.equals(b.secret)).toBe(false);
  });

  it('refuses a key that is not a point on P-256, raw or JWK', () => {
    const offCurve = Buffer.concat([Buffer.from([4]), randomBytes(64)]);
    expect(() => sendGroupSecret(offCurve, GROUP_EXPORT_CONTEXT, 32)).toThrow();
    expect(() => p256PointOf({ format: 'raw', raw: new Uint8Array(33) })).toThrow(TypeError);
    expect(() => p256PointOf({ format: 'jwk', jwk: { kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' } })).toThrow(
      TypeError,
    );
  });

  it('a JWK and the raw point of one key are the same point', async () => {
    const { point, web } = await twinPair();
    const jwk = await crypto.subtle.exportKey('jwk', web.publicKey);
    expect(p256PointOf({ format: 'jwk', jwk }).equals(point)).toBe(true);
  });
});

describe('the pixel sealer on node:crypto, opened by the task pane', () => {
  it('opens, in the pane, events of 30 users each sealed in a group of its own (the 10,000-user shape)', async () => {
    const clock = new ManualClock();
    const sealer = new EventSealer({ clock, epochMs: 0 });
    for (let i = 0; i < 30; i++) {
      const me = { tid: randomUUID(), oid: randomUUID() };
      const key = await generateUserKey(me, 0);
      const ids = { ...me, sendId: b64u(randomBytes(16)), eventId: b64u(randomBytes(16)) };
      const payload = { ip: `198.51.100.${i}`, at: 1000 + i, verdict: 'human' as const };
      const sealed = sealer.sealNow(
        { keyId: key.keyId, key: { format: 'raw', raw: fromBase64url(key.publicKey) }, updatedAt: 1 },
        ids,
        payload,
      );
      const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
      expect(await opener.open({ ...ids, kind: 'open', sealed })).toEqual({
        ok: true,
        kind: 'open',
        eventId: ids.eventId,
        sendId: ids.sendId,
        payload,
      });
    }
    expect(sealer.groupsStarted).toBe(30);
  });
});
