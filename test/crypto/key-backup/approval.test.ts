import { describe, expect, it } from 'vitest';
import {
  ApprovalMismatch,
  approvalCode,
  openKeyFromDevice,
  responderNonce,
  sealKeyForDevice,
  startApproval,
} from '../../../src/crypto/key-backup/approval';
import { generateKeyMaterial } from '../../../src/crypto/key-material';

const me = { tid: 'tenant-1111', oid: 'user-aaaa' };

describe('device approval', () => {
  it('both devices show the same 6-digit code, and the new device opens the key the old one sealed', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    // New device: commits first; the relay sees only the commitment.
    const start = await startApproval();
    expect(start.ephemeral.privateKey.extractable).toBe(false);
    // Old device: its nonce, chosen after the commitment is fixed.
    const theirs = responderNonce();
    // New device reveals; each side computes the code from what it has.
    const onNew = await approvalCode({ ...start, responderNonce: theirs });
    const onOld = await approvalCode({
      commitment: start.commitment,
      publicKey: start.publicKey,
      nonce: start.nonce,
      responderNonce: theirs,
    });
    expect(onNew).toMatch(/^\d{3} \d{3}$/);
    expect(onOld).toBe(onNew);
    const sealed = await sealKeyForDevice(d, start.publicKey, me, 'approval-1', key.keyId);
    expect(await openKeyFromDevice(sealed, start.ephemeral, me, 'approval-1', key.keyId)).toEqual(d);
  });

  it('a reveal that does not match the commitment is an ApprovalMismatch (a relay swapping in its own key)', async () => {
    const start = await startApproval();
    const relays = await startApproval();
    const theirs = responderNonce();
    const cases = [
      { ...start, publicKey: relays.publicKey },
      { ...start, nonce: relays.nonce },
      { ...start, publicKey: relays.publicKey, nonce: relays.nonce },
      { ...start, nonce: 'short' },
    ];
    for (const reveal of cases) {
      await expect(approvalCode({ ...reveal, responderNonce: theirs })).rejects.toBeInstanceOf(
        ApprovalMismatch,
      );
    }
    // The relay's own, self-consistent reveal gives a code unrelated to the real one.
    expect(await approvalCode({ ...relays, responderNonce: theirs })).not.toBe(
      await approvalCode({ ...start, responderNonce: theirs }),
    );
  });

  it('a different responder nonce gives a different code', async () => {
    const start = await startApproval();
    const codes = new Set<string>();
    for (let i = 0; i < 8; i++) codes.add(await approvalCode({ ...start, responderNonce: responderNonce() }));
    expect(codes.size).toBeGreaterThan(1);
  });

  it('the sealed key opens only with that ephemeral pair, approval id, user and key id', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    const start = await startApproval();
    const other = await startApproval();
    const sealed = await sealKeyForDevice(d, start.publicKey, me, 'approval-1', key.keyId);
    const attempts = [
      () => openKeyFromDevice(sealed, other.ephemeral, me, 'approval-1', key.keyId),
      () => openKeyFromDevice(sealed, start.ephemeral, me, 'approval-2', key.keyId),
      () => openKeyFromDevice(sealed, start.ephemeral, { ...me, oid: 'user-bbbb' }, 'approval-1', key.keyId),
      () => openKeyFromDevice(sealed, start.ephemeral, me, 'approval-1', 'AAAAAAAAAAAAAAAAAAAAAA'),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ kind: 'does-not-open' });
  });
});
