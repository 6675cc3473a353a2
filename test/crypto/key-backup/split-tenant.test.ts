import { describe, expect, it } from 'vitest';
import { splitUnwrap, splitWrap } from '../../../src/crypto/key-backup/split';
import { openTenantBackup, sealToTenant } from '../../../src/crypto/key-backup/tenant';
import { generateKeyMaterial } from '../../../src/crypto/key-material';
import { fromBase64url, toBase64url } from '../../../src/shared/base64url';

const me = { tid: 'tenant-1111', oid: 'user-aaaa' };

async function tenantPair() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const publicKey = toBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  return { pair, publicKey };
}

describe('roaming split', () => {
  it('opens with both shares, and the shares are random and 32 bytes each', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    const { roaming, serverShare } = await splitWrap(d, me, key.keyId);
    expect(roaming).toMatchObject({ v: 1, ...me, keyId: key.keyId });
    expect(fromBase64url(roaming.share)).toHaveLength(32);
    expect(fromBase64url(serverShare)).toHaveLength(32);
    expect(roaming.share).not.toBe(serverShare);
    // What roaming settings hold survives JSON, as it is stored.
    expect(await splitUnwrap(JSON.parse(JSON.stringify(roaming)), serverShare, me)).toEqual(d);
  });

  it('does not open with another share, for another user, relabelled, or altered', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    const { roaming, serverShare } = await splitWrap(d, me, key.keyId);
    const other = await splitWrap(d, me, key.keyId);
    const otherKey = await generateKeyMaterial(me, 0);
    const wrapped = fromBase64url(roaming.wrapped);
    wrapped[30]! ^= 1;
    const attempts = [
      () => splitUnwrap(roaming, other.serverShare, me),
      () => splitUnwrap({ ...roaming, share: other.roaming.share }, serverShare, me),
      () => splitUnwrap(roaming, serverShare, { ...me, oid: 'user-bbbb' }),
      () => splitUnwrap({ ...roaming, oid: 'user-bbbb' }, serverShare, { ...me, oid: 'user-bbbb' }),
      () => splitUnwrap({ ...roaming, keyId: otherKey.key.keyId }, serverShare, me),
      () => splitUnwrap({ ...roaming, wrapped: toBase64url(wrapped) }, serverShare, me),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ kind: 'does-not-open' });
  });
});

describe('tenant recovery backup', () => {
  it('opens with the tenant key pair, and not with another, for another user or key id', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    const tenant = await tenantPair();
    const blob = await sealToTenant(d, tenant.publicKey, me, key.keyId);
    expect(fromBase64url(blob)).toHaveLength(65 + 96 + 16);
    expect(await openTenantBackup(blob, tenant.pair, me, key.keyId)).toEqual(d);

    const otherTenant = await tenantPair();
    const otherKey = await generateKeyMaterial(me, 0);
    const flipped = fromBase64url(blob);
    flipped[100]! ^= 1;
    const attempts = [
      () => openTenantBackup(blob, otherTenant.pair, me, key.keyId),
      () => openTenantBackup(blob, tenant.pair, { ...me, oid: 'user-bbbb' }, key.keyId),
      () => openTenantBackup(blob, tenant.pair, me, otherKey.key.keyId),
      () => openTenantBackup(toBase64url(flipped), tenant.pair, me, key.keyId),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ kind: 'does-not-open' });
  });

  it('opens reliably with many fresh non-extractable tenant keys (@hpke/core P-256 parity bug)', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    for (let i = 0; i < 24; i++) {
      const tenant = await tenantPair();
      const blob = await sealToTenant(d, tenant.publicKey, me, key.keyId);
      expect(await openTenantBackup(blob, tenant.pair, me, key.keyId), `key ${i}`).toEqual(d);
    }
  });
});
