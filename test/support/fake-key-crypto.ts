/**
 * Test stand-in for the key cryptography of issue #9 (src/crypto/key-material.ts and
 * src/crypto/key-backup/*), written against the contract's port (src/storage/key-ports.ts) with
 * real WebCrypto: P-256 key material, AES-GCM transfer copies, PBKDF2 in place of Argon2id (fast),
 * an HKDF split, ECDH+HKDF+AES-GCM where the real modules use HPKE, and the approval commitment and
 * code as the contract defines them. Wrong inputs fail as the real ones would: a wrong secret
 * gives another verifier, a tampered blob does not open, a reveal not matching its commitment
 * throws.
 */
import { resealEvent } from '../../src/crypto/reseal-event';
import type { UserIdentity, UserKey } from '../../src/crypto/keys';
import { fromBase64url, toBase64url } from '../../src/shared/base64url';
import { publicKeyId } from '../../src/shared/sealed-event';
import type { KeyCrypto, RoamingKeyShare } from '../../src/storage/key-ports';

const subtle = () => globalThis.crypto.subtle;
const enc = (s: string) => new TextEncoder().encode(s);
const rand = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const aad = (...parts: string[]) => enc(JSON.stringify(parts));

async function aesKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return subtle().importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function seal(key: CryptoKey, plaintext: Uint8Array, additionalData: Uint8Array<ArrayBuffer>) {
  const iv = rand(12);
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData }, key, new Uint8Array(plaintext));
  return concat(iv, new Uint8Array(ct));
}

async function open(key: CryptoKey, blob: Uint8Array, additionalData: Uint8Array<ArrayBuffer>) {
  const pt = await subtle().decrypt(
    { name: 'AES-GCM', iv: new Uint8Array(blob.subarray(0, 12)), additionalData },
    key,
    new Uint8Array(blob.subarray(12)),
  );
  return new Uint8Array(pt);
}

async function hkdf(ikm: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, info: string) {
  const base = await subtle().importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(
    await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: enc(info) }, base, 256),
  );
}

async function sha256(...parts: Uint8Array[]) {
  return new Uint8Array(await subtle().digest('SHA-256', concat(...parts)));
}

/** ECDH to `publicKey` with a fresh ephemeral pair, HKDF, AES-GCM: epk (65) ‖ iv ‖ ct. */
async function sealTo(publicKey: string, plaintext: Uint8Array, info: string, ad: Uint8Array<ArrayBuffer>) {
  const recipient = await subtle().importKey('raw', fromBase64url(publicKey), ECDH, false, []);
  const eph = await subtle().generateKey(ECDH, true, ['deriveBits']);
  const epk = new Uint8Array(await subtle().exportKey('raw', eph.publicKey));
  const shared = new Uint8Array(
    await subtle().deriveBits({ name: 'ECDH', public: recipient }, eph.privateKey, 256),
  );
  const key = await aesKey(await hkdf(shared, epk, info));
  return toBase64url(concat(epk, await seal(key, plaintext, ad)));
}

async function openFrom(sealed: string, privateKey: CryptoKey, info: string, ad: Uint8Array<ArrayBuffer>) {
  const bytes = fromBase64url(sealed);
  const epk = bytes.slice(0, 65);
  const pub = await subtle().importKey('raw', epk, ECDH, false, []);
  const shared = new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: pub }, privateKey, 256));
  return open(await aesKey(await hkdf(shared, epk, info)), bytes.subarray(65), ad);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class FakeApprovalMismatch extends Error {}

export interface FakeKeyCrypto extends KeyCrypto {
  /** The tenant's offline key pair, to check the tenant backup opens. */
  openTenantBackup(
    blob: string,
    tenant: CryptoKeyPair,
    identity: UserIdentity,
    keyId: string,
  ): Promise<Uint8Array>;
}

export function fakeKeyCrypto(): FakeKeyCrypto {
  const kc: FakeKeyCrypto = {
    async generateKeyMaterial(identity, now) {
      const pair = await subtle().generateKey(ECDH, true, ['deriveBits']);
      const jwk = await subtle().exportKey('jwk', pair.privateKey);
      const d = concat(fromBase64url(jwk.d!), fromBase64url(jwk.x!), fromBase64url(jwk.y!));
      return { key: await kc.importKeyMaterial(identity, d, now), d };
    },
    async importKeyMaterial(identity, d, now): Promise<UserKey> {
      if (d.length !== 96) throw new TypeError('key material must be 96 bytes');
      const [dd, x, y] = [d.subarray(0, 32), d.subarray(32, 64), d.subarray(64, 96)].map((b) =>
        toBase64url(b),
      );
      const privateKey = await subtle().importKey(
        'jwk',
        { kty: 'EC', crv: 'P-256', d: dd, x, y },
        ECDH,
        false,
        ['deriveBits'],
      );
      const raw = concat(new Uint8Array([4]), d.subarray(32, 96));
      const publicKey = await subtle().importKey('raw', raw, ECDH, true, []);
      return {
        ...identity,
        keyPair: { privateKey, publicKey },
        publicKey: toBase64url(raw),
        keyId: await publicKeyId(raw),
        createdAt: now,
      };
    },
    createTransferKey: () =>
      subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ]) as Promise<CryptoKey>,
    sealTransferCopy: (key, d, id, keyId) =>
      seal(key, d, aad('candor/transfer-copy/v1', id.tid, id.oid, keyId)),
    openTransferCopy: (key, blob, id, keyId) =>
      open(key, blob, aad('candor/transfer-copy/v1', id.tid, id.oid, keyId)),
    generateRecoveryCode() {
      const bytes = rand(17);
      let bits = '';
      for (const b of bytes) bits += b.toString(2).padStart(8, '0');
      const chars = Array.from(
        { length: 26 },
        (_, i) => CROCKFORD[parseInt(bits.slice(i * 5, i * 5 + 5), 2)],
      );
      return (chars.join('').match(/.{1,4}/g) ?? []).join('-');
    },
    normaliseRecoveryCode(input) {
      const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
      return s.length === 26 && [...s].every((c) => CROCKFORD.includes(c)) ? s : null;
    },
    async wrapForRecovery(d, secret, id, keyId, kind) {
      const salt = rand(16);
      const header = toBase64url(
        enc(
          JSON.stringify({
            v: 1,
            keyId,
            secret: kind,
            kdf: { alg: 'pbkdf2-test', salt: toBase64url(salt) },
            // The fake binds the user through the header; the real header format is the crypto module's.
            tid: id.tid,
            oid: id.oid,
          }),
        ),
      );
      const { verifier, kek } = await derive(secret, kind, salt);
      const wrapped = toBase64url(await seal(kek, d, aad('candor/key-backup/v1', id.tid, id.oid, keyId)));
      return { header, wrapped, verifier };
    },
    async deriveVerifier(secret, header, _identity) {
      const h = JSON.parse(new TextDecoder().decode(fromBase64url(header))) as {
        keyId: string;
        secret: 'code' | 'passphrase';
        kdf: { salt: string };
        tid: string;
        oid: string;
      };
      const { verifier, kek } = await derive(secret, h.secret, fromBase64url(h.kdf.salt));
      return {
        verifier,
        unwrap: (wrapped: string) =>
          open(kek, fromBase64url(wrapped), aad('candor/key-backup/v1', h.tid, h.oid, h.keyId)),
      };
    },
    async splitWrap(d, id, keyId) {
      const share = rand(32);
      const serverShare = rand(32);
      const kek = await aesKey(
        await hkdf(concat(share, serverShare), fromBase64url(keyId), 'candor/key-split/v1'),
      );
      const wrapped = await seal(kek, d, aad('candor/key-split/v1', id.tid, id.oid, keyId));
      const roaming: RoamingKeyShare = {
        v: 1,
        tid: id.tid,
        oid: id.oid,
        keyId,
        share: toBase64url(share),
        wrapped: toBase64url(wrapped),
      };
      return { roaming, serverShare: toBase64url(serverShare) };
    },
    async splitUnwrap(roaming, serverShare, id) {
      const ikm = concat(fromBase64url(roaming.share), fromBase64url(serverShare));
      const kek = await aesKey(await hkdf(ikm, fromBase64url(roaming.keyId), 'candor/key-split/v1'));
      return open(
        kek,
        fromBase64url(roaming.wrapped),
        aad('candor/key-split/v1', id.tid, id.oid, roaming.keyId),
      );
    },
    sealToTenant: (d, tenantPublicKey, id, keyId) =>
      sealTo(
        tenantPublicKey,
        d,
        'candor/tenant-recovery/v1',
        aad('candor/tenant-recovery/v1', id.tid, id.oid, keyId),
      ),
    openTenantBackup: (blob, tenant, id, keyId) =>
      openFrom(
        blob,
        tenant.privateKey,
        'candor/tenant-recovery/v1',
        aad('candor/tenant-recovery/v1', id.tid, id.oid, keyId),
      ),
    async startApproval() {
      const ephemeral = await subtle().generateKey(ECDH, false, ['deriveBits']);
      const raw = new Uint8Array(await subtle().exportKey('raw', ephemeral.publicKey));
      const nonce = rand(32);
      const commitment = toBase64url(await sha256(enc('candor/approval-commit/v1'), raw, nonce));
      return { ephemeral, publicKey: toBase64url(raw), nonce: toBase64url(nonce), commitment };
    },
    responderNonce: () => toBase64url(rand(32)),
    async approvalCode({ commitment, publicKey, nonce, responderNonce }) {
      const raw = fromBase64url(publicKey);
      const n = fromBase64url(nonce);
      const check = toBase64url(await sha256(enc('candor/approval-commit/v1'), raw, n));
      if (check !== commitment) throw new FakeApprovalMismatch('reveal does not match the commitment');
      const h = await sha256(enc('candor/approval-code/v1'), raw, n, fromBase64url(responderNonce));
      const code = (new DataView(h.buffer).getUint32(0) % 1_000_000).toString().padStart(6, '0');
      return `${code.slice(0, 3)} ${code.slice(3)}`;
    },
    sealKeyForDevice: (d, publicKey, id, approvalId, keyId) =>
      sealTo(
        publicKey,
        d,
        'candor/device-approval/v1',
        aad('candor/device-approval/v1', id.tid, id.oid, approvalId, keyId),
      ),
    openKeyFromDevice: (sealed, ephemeral, id, approvalId, keyId) =>
      openFrom(
        sealed,
        ephemeral.privateKey,
        'candor/device-approval/v1',
        aad('candor/device-approval/v1', id.tid, id.oid, approvalId, keyId),
      ),
    // The real re-sealer: it is plain WebCrypto/HPKE, nothing to stand in for.
    resealEvent,
  };

  async function derive(secret: string, kind: 'code' | 'passphrase', salt: Uint8Array<ArrayBuffer>) {
    const normalised =
      kind === 'code' ? (kc.normaliseRecoveryCode(secret) ?? secret) : secret.normalize('NFKC');
    const base = await subtle().importKey('raw', enc(normalised), 'PBKDF2', false, ['deriveBits']);
    const bits = new Uint8Array(
      await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1000 }, base, 512),
    );
    return { kek: await aesKey(bits.slice(0, 32)), verifier: toBase64url(bits.slice(32)) };
  }

  return kc;
}
