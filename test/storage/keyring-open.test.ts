import { describe, expect, it } from 'vitest';
import { generateUserKey } from '../../src/crypto/keys';
import { createStateCipher } from '../../src/crypto/state-cipher';
import { fromBase64url } from '../../src/shared/base64url';
import { createEventSealer, importRecipientPublicKey } from '../../src/shared/sealed-event';
import { createKeyringEventOpener, createKeyringStateCipher } from '../../src/storage/keyring-open';

const me = { tid: 't1', oid: 'u1' };

async function sealOpen(publicKey: string, eventId: string, version: 1 | 2 = 1) {
  const sealer = await createEventSealer(await importRecipientPublicKey(publicKey), { version });
  const sealed = await sealer.seal(
    { kind: 'open', ...me, sendId: 's1', eventId },
    { ip: null, at: 5, verdict: 'human' },
  );
  return { eventId, sendId: 's1', kind: 'open' as const, sealed };
}

async function threeKeys() {
  return [await generateUserKey(me, 1), await generateUserKey(me, 2), await generateUserKey(me, 3)] as const;
}

/** A v2 record relabelled to name another key id (0x02 ‖ keyId (16) ‖ …). */
function naming(v2: Uint8Array, keyId: string) {
  const out = new Uint8Array(v2);
  out.set(fromBase64url(keyId), 1);
  return out;
}

describe('keyring opener and cipher', () => {
  it('open v1 events of any key in the ring, v2 events by the key they name', async () => {
    const [older, current, stranger] = await threeKeys();
    const keyring = new Map([
      [current.keyId, current.keyPair],
      [older.keyId, older.keyPair],
    ]);
    const opener = createKeyringEventOpener({ identity: me, keyring, currentKeyId: current.keyId });
    const rows = [
      await sealOpen(older.publicKey, 'e-old'),
      await sealOpen(current.publicKey, 'e-new'),
      await sealOpen(stranger.publicKey, 'e-stranger'),
    ];
    expect((await Promise.all(rows.map((r) => opener.open(r)))).map((r) => r.ok)).toEqual([
      true,
      true,
      false,
    ]);

    const v2 = await sealOpen(older.publicKey, 'e-v2', 2);
    expect(v2.sealed[0]).toBe(2);
    expect(await opener.open(v2)).toMatchObject({ ok: true });
    // Named another key: reported exactly as such, not as damage.
    expect(await opener.open({ ...v2, sealed: naming(v2.sealed, stranger.keyId) })).toMatchObject({
      ok: false,
      reason: 'other-key',
    });
    // Named a key in the ring but altered: damage.
    const bad = new Uint8Array(v2.sealed);
    bad[bad.length - 1]! ^= 1;
    expect(await opener.open({ ...v2, sealed: bad })).toMatchObject({ ok: false, reason: 'tampered' });
  });

  it('writes campaign state with the current key and reads state of every key in the ring', async () => {
    const [older, current, stranger] = await threeKeys();
    const binding = { ...me, campaignId: 'c1', version: 1 };
    const oldBlob = await (await createStateCipher(older.keyPair, older.keyId)).encrypt(binding, { n: 1 });
    const strangerBlob = await (
      await createStateCipher(stranger.keyPair, stranger.keyId)
    ).encrypt(binding, { n: 2 });
    const cipher = await createKeyringStateCipher(
      new Map([
        [older.keyId, older.keyPair],
        [current.keyId, current.keyPair],
      ]),
      current.keyId,
    );
    expect(await cipher.decrypt(binding, oldBlob)).toEqual({ n: 1 });
    await expect(cipher.decrypt(binding, strangerBlob)).rejects.toMatchObject({ reason: 'other-key' });
    const fresh = await cipher.encrypt(binding, { n: 3 });
    expect(await (await createStateCipher(current.keyPair, current.keyId)).decrypt(binding, fresh)).toEqual({
      n: 3,
    });
  });
});
