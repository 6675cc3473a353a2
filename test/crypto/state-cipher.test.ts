import { describe, expect, it } from 'vitest';
import { generateUserKey } from '../../src/crypto/keys';
import { createStateCipher, StateOpenError } from '../../src/crypto/state-cipher';
import { toBase64url } from '../../src/shared/base64url';

const me = { tid: 'tenant-1111', oid: 'user-aaaa' };
const binding = { ...me, campaignId: 'camp-1', version: 3 };
const campaign = {
  name: 'Q1 platform hiring',
  template: { subject: 'A role at Quillfeather you might like', body: '<p>Hi {{firstName}}</p>' },
  prospects: [
    { firstName: 'Sentinelia', lastName: 'Marchbanks', email: 'sentinelia.marchbanks@example.net' },
  ],
};
const SENTINELS = [
  'Quillfeather',
  'Sentinelia',
  'Marchbanks',
  'sentinelia.marchbanks',
  'example.net',
  'firstName',
];

async function cipherFor(key = generateUserKey(me, 0)) {
  const k = await key;
  return { key: k, cipher: await createStateCipher(k.keyPair, k.keyId) };
}

async function expectOpenError(p: Promise<unknown>, reason: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StateOpenError);
  expect((err as StateOpenError).reason).toBe(reason);
}

describe('campaign state cipher', () => {
  it('round-trips a campaign snapshot', async () => {
    const { cipher } = await cipherFor();
    expect(await cipher.decrypt(binding, await cipher.encrypt(binding, campaign))).toEqual(campaign);
  });

  it('gives the server bytes that contain none of the names, addresses or subject in clear', async () => {
    const { cipher } = await cipherFor();
    const blob = await cipher.encrypt(binding, campaign);
    // What the server stores (bytes) and what crosses the wire (base64url) alike.
    const views = [new TextDecoder('latin1').decode(blob), toBase64url(blob)];
    for (const view of views) for (const s of SENTINELS) expect(view).not.toContain(s);
    // and the same snapshot never encrypts to the same bytes twice (fresh IV per write)
    expect(toBase64url(await cipher.encrypt(binding, campaign))).not.toBe(toBase64url(blob));
  });

  it('detects any flipped bit in the IV, ciphertext or tag', async () => {
    const { cipher } = await cipherFor();
    const blob = await cipher.encrypt(binding, campaign);
    for (const at of [17, 25, 40, blob.length - 1]) {
      const bad = new Uint8Array(blob);
      bad[at]! ^= 0x80;
      await expectOpenError(cipher.decrypt(binding, bad), 'tampered');
    }
  });

  it('refuses a blob relabelled to another campaign, version, user or tenant', async () => {
    const { cipher } = await cipherFor();
    const blob = await cipher.encrypt(binding, campaign);
    for (const other of [
      { ...binding, campaignId: 'camp-2' },
      { ...binding, version: 2 },
      { ...binding, version: 4 },
      { ...binding, oid: 'user-bbbb' },
      { ...binding, tid: 'tenant-2222' },
    ]) {
      await expectOpenError(cipher.decrypt(other, blob), 'tampered');
    }
  });

  it('tells a blob from another key apart from a damaged one', async () => {
    const { cipher: mine } = await cipherFor();
    const { cipher: theirs } = await cipherFor();
    await expectOpenError(mine.decrypt(binding, await theirs.encrypt(binding, campaign)), 'other-key');
    await expectOpenError(mine.decrypt(binding, new Uint8Array(10)), 'malformed');
  });

  it('with a keyring, opens blobs written under an earlier key and writes new ones under the current key', async () => {
    const earlier = await generateUserKey(me, 0);
    const current = await generateUserKey(me, 1);
    const old = await createStateCipher(earlier.keyPair, earlier.keyId);
    const oldBlob = await old.encrypt(binding, campaign);
    const ring = new Map([[earlier.keyId, earlier.keyPair]]);
    const cipher = await createStateCipher(current.keyPair, current.keyId, ring);
    expect(await cipher.decrypt(binding, oldBlob)).toEqual(campaign);
    const fresh = await cipher.encrypt(binding, campaign);
    expect(toBase64url(fresh.subarray(1, 17))).toBe(current.keyId);
    await expectOpenError(old.decrypt(binding, fresh), 'other-key');
    // The earlier key's id on a blob that is not its own: damaged, not another key.
    const relabelled = new Uint8Array(fresh);
    relabelled.set(oldBlob.subarray(1, 17), 1);
    await expectOpenError(cipher.decrypt(binding, relabelled), 'tampered');
  });

  it('derives the same key from the same pair (another session reads what this one wrote)', async () => {
    const key = await generateUserKey(me, 0);
    const first = await createStateCipher(key.keyPair, key.keyId);
    const later = await createStateCipher(key.keyPair, key.keyId);
    expect(await later.decrypt(binding, await first.encrypt(binding, campaign))).toEqual(campaign);
  });

  it('rejects a nonsense version before encrypting', async () => {
    const { cipher } = await cipherFor();
    await expect(cipher.encrypt({ ...binding, version: 0 }, campaign)).rejects.toThrow(RangeError);
  });
});
