import { argon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { KeyBackupError } from '../../../src/crypto/key-backup/errors';
import { generateRecoveryCode } from '../../../src/crypto/key-backup/recovery-code';
import {
  deriveVerifier,
  parseRecoveryHeader,
  wrapForRecovery,
  type RecoveryHeader,
} from '../../../src/crypto/key-backup/recovery-wrap';
import { generateKeyMaterial, importKeyMaterial } from '../../../src/crypto/key-material';
import { fromBase64url, toBase64url } from '../../../src/shared/base64url';

const me = { tid: 'tenant-1111', oid: 'user-aaaa' };
// Small parameters keep these tests fast; one test below runs the defaults.
const small = { m: 64, t: 1, p: 1 };
const testFloor = { floor: { m: 8, t: 1 } };

const encodeHeader = (h: RecoveryHeader) => toBase64url(new TextEncoder().encode(JSON.stringify(h)));
const decodeHeader = (h: string) => JSON.parse(new TextDecoder().decode(fromBase64url(h))) as RecoveryHeader;

async function backedUp(secret = generateRecoveryCode(), kind: 'code' | 'passphrase' = 'code') {
  const { key, d } = await generateKeyMaterial(me, 0);
  const backup = await wrapForRecovery(d, secret, me, key.keyId, kind, small, testFloor);
  return { key, d, secret, backup };
}

describe('recovery backup', () => {
  it('opens with the recovery code however it is typed, and gives back the same key', async () => {
    const { key, d, secret, backup } = await backedUp();
    expect(fromBase64url(backup.wrapped)).toHaveLength(124);
    expect(fromBase64url(backup.verifier)).toHaveLength(32);
    const typed = ` ${secret.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o')} `;
    const unlock = await deriveVerifier(typed, backup.header, me, testFloor);
    expect(unlock.verifier).toBe(backup.verifier);
    const opened = await unlock.unwrap(backup.wrapped);
    expect(opened).toEqual(d);
    expect((await importKeyMaterial(me, opened, 0)).keyId).toBe(key.keyId);
  });

  it('normalises a passphrase to NFKC, so the same words typed on another keyboard still open', async () => {
    const { d, backup } = await backedUp('ﬁne ﬁsh swim upstream quietly', 'passphrase');
    const unlock = await deriveVerifier('fine fish swim upstream quietly', backup.header, me, testFloor);
    expect(await unlock.unwrap(backup.wrapped)).toEqual(d);
  });

  it('a wrong secret gives another verifier and does not unwrap', async () => {
    const { backup } = await backedUp();
    const wrong = await deriveVerifier(generateRecoveryCode(), backup.header, me, testFloor);
    expect(wrong.verifier).not.toBe(backup.verifier);
    await expect(wrong.unwrap(backup.wrapped)).rejects.toMatchObject({ kind: 'does-not-open' });
    await expect(deriveVerifier('not a code', backup.header, me, testFloor)).rejects.toMatchObject({
      kind: 'invalid-code',
    });
  });

  it('a flipped bit anywhere in the wrapped key does not unwrap', async () => {
    const { secret, backup } = await backedUp();
    const unlock = await deriveVerifier(secret, backup.header, me, testFloor);
    const bytes = fromBase64url(backup.wrapped);
    for (const at of [0, 11, 12, 60, 107, 108, 123]) {
      const flipped = new Uint8Array(bytes);
      flipped[at]! ^= 0x01;
      await expect(unlock.unwrap(toBase64url(flipped)), `byte ${at}`).rejects.toBeInstanceOf(KeyBackupError);
    }
  });

  it('does not open for another user, or under a header relabelled with another key id', async () => {
    const { secret, backup } = await backedUp();
    for (const who of [
      { ...me, oid: 'user-bbbb' },
      { ...me, tid: 'tenant-2222' },
    ]) {
      const unlock = await deriveVerifier(secret, backup.header, who, testFloor);
      await expect(unlock.unwrap(backup.wrapped)).rejects.toMatchObject({ kind: 'does-not-open' });
    }
    const other = await generateKeyMaterial(me, 0);
    const relabelled = encodeHeader({ ...decodeHeader(backup.header), keyId: other.key.keyId });
    const unlock = await deriveVerifier(secret, relabelled, me, testFloor);
    expect(unlock.verifier).toBe(backup.verifier); // same KDF input…
    await expect(unlock.unwrap(backup.wrapped)).rejects.toMatchObject({ kind: 'does-not-open' }); // …other AAD
  });

  it('derives with exactly the parameters stored in the header', async () => {
    const params = { m: 128, t: 2, p: 2 };
    const { d, key } = await generateKeyMaterial(me, 0);
    const secret = 'a long enough passphrase for this';
    const backup = await wrapForRecovery(d, secret, me, key.keyId, 'passphrase', params, testFloor);
    const header = parseRecoveryHeader(backup.header, testFloor);
    expect(header).toMatchObject({ v: 1, keyId: key.keyId, secret: 'passphrase' });
    expect(header.kdf).toMatchObject({ alg: 'argon2id', v: 19, ...params });
    expect(fromBase64url(header.kdf.salt)).toHaveLength(16);
    const direct = await argon2id({
      password: secret,
      salt: fromBase64url(header.kdf.salt),
      memorySize: 128,
      iterations: 2,
      parallelism: 2,
      hashLength: 64,
      outputType: 'binary',
    });
    expect(backup.verifier).toBe(toBase64url(direct.subarray(32)));
    // A second backup of the same key gets a fresh salt and so a different verifier.
    const again = await wrapForRecovery(d, secret, me, key.keyId, 'passphrase', params, testFloor);
    expect(again.verifier).not.toBe(backup.verifier);
  });

  it('refuses a header that lowers the KDF below the floor, or names another algorithm', async () => {
    const { secret, backup } = await backedUp();
    const header = decodeHeader(backup.header);
    const downgraded = [
      { ...header, kdf: { ...header.kdf, m: 19_455, t: 3 } },
      { ...header, kdf: { ...header.kdf, m: 65_536, t: 1 } },
      { ...header, kdf: { ...header.kdf, m: 65_536, t: 3, p: 0 } },
      { ...header, kdf: { ...header.kdf, m: 65_536, t: 3, salt: 'AAAA' } },
      { ...header, kdf: { ...header.kdf, m: 65_536, t: 3, alg: 'argon2i' } },
      { ...header, kdf: { ...header.kdf, m: 65_536, t: 3, v: 16 } },
      { ...header, v: 2 },
      { ...header, kdf: { ...header.kdf, m: 8_388_608, t: 3 } }, // 8 GiB: more than a pane can run
    ] as RecoveryHeader[];
    for (const h of downgraded) {
      await expect(deriveVerifier(secret, encodeHeader(h), me), JSON.stringify(h.kdf)).rejects.toMatchObject({
        kind: 'bad-header',
      });
    }
    await expect(deriveVerifier(secret, 'not-a-header', me)).rejects.toMatchObject({ kind: 'bad-header' });
    // The test's small parameters are themselves refused without the test floor.
    await expect(deriveVerifier(secret, backup.header, me)).rejects.toMatchObject({ kind: 'bad-header' });
    const { d, key } = await generateKeyMaterial(me, 0);
    await expect(wrapForRecovery(d, secret, me, key.keyId, 'code', small)).rejects.toMatchObject({
      kind: 'bad-header',
    });
  });

  it('uses Argon2id m=64 MiB, t=3, p=1 by default, and opens with them', async () => {
    const { key, d } = await generateKeyMaterial(me, 0);
    const code = generateRecoveryCode();
    const backup = await wrapForRecovery(d, code, me, key.keyId, 'code');
    expect(parseRecoveryHeader(backup.header).kdf).toMatchObject({
      alg: 'argon2id',
      v: 19,
      m: 65_536,
      t: 3,
      p: 1,
    });
    const unlock = await deriveVerifier(code, backup.header, me);
    expect(unlock.verifier).toBe(backup.verifier);
    expect(await unlock.unwrap(backup.wrapped)).toEqual(d);
  });
});
