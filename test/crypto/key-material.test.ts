import { describe, expect, it } from 'vitest';
import {
  KeyMaterialError,
  createTransferKey,
  generateKeyMaterial,
  importKeyMaterial,
  openTransferCopy,
  sealTransferCopy,
} from '../../src/crypto/key-material';
import { createEventSealer } from '../../src/shared/sealed-event';
import { createEventOpener } from '../../src/crypto/open-event';

const me = { tid: 'tenant-1111', oid: 'user-aaaa' };

describe('key material', () => {
  it('creates a pair whose private key cannot be exported, and 96 bytes that re-import to the same key id', async () => {
    const { key, d } = await generateKeyMaterial(me, 5);
    expect(d).toHaveLength(96);
    expect(key.keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', key.keyPair.privateKey)).rejects.toThrow();
    const again = await importKeyMaterial(me, d, 9);
    expect(again.keyId).toBe(key.keyId);
    expect(again.publicKey).toBe(key.publicKey);
    expect(again.keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', again.keyPair.privateKey)).rejects.toThrow();
    expect(again).toMatchObject({ ...me, createdAt: 9 });
  });

  it('an imported key opens what was sealed to the original', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    const sealer = await createEventSealer({ key: key.keyPair.publicKey });
    const ids = { kind: 'open' as const, ...me, sendId: 's', eventId: 'e' };
    const payload = { ip: null, at: 1, verdict: 'human' as const };
    const sealed = await sealer.seal(ids, payload);
    const imported = await importKeyMaterial(me, d, 0);
    const opened = await createEventOpener({ identity: me, keyPair: imported.keyPair }).open({
      ...ids,
      sealed,
    });
    expect(opened).toMatchObject({ ok: true, payload });
  });

  it('refuses bytes of the wrong length and a scalar that does not belong to its point', async () => {
    const { d } = await generateKeyMaterial(me, 0);
    await expect(importKeyMaterial(me, d.slice(0, 64), 0)).rejects.toBeInstanceOf(KeyMaterialError);
    const other = await generateKeyMaterial(me, 0);
    const mixed = new Uint8Array(d);
    mixed.set(other.d.subarray(0, 32), 0);
    await expect(importKeyMaterial(me, mixed, 0)).rejects.toBeInstanceOf(KeyMaterialError);
  });

  it('a transfer copy opens again for the same user and key id, and for nothing else', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    const transfer = await createTransferKey();
    expect(transfer.extractable).toBe(false);
    const blob = await sealTransferCopy(transfer, d, me, key.keyId);
    expect(blob).toHaveLength(12 + 96 + 16);
    expect(await openTransferCopy(transfer, blob, me, key.keyId)).toEqual(d);

    const otherDevice = await createTransferKey();
    const flipped = new Uint8Array(blob);
    flipped[40]! ^= 1;
    const refused = [
      () => openTransferCopy(transfer, blob, { ...me, oid: 'user-bbbb' }, key.keyId),
      () => openTransferCopy(transfer, blob, { ...me, tid: 'tenant-2222' }, key.keyId),
      () => openTransferCopy(transfer, blob, me, 'AAAAAAAAAAAAAAAAAAAAAA'),
      () => openTransferCopy(otherDevice, blob, me, key.keyId),
      () => openTransferCopy(transfer, flipped, me, key.keyId),
    ];
    for (const attempt of refused) await expect(attempt()).rejects.toBeInstanceOf(KeyMaterialError);
  });
});
