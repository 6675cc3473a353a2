/**
 * The part of RFC 9180 the pixel uses, synchronously on node:crypto: base mode, DHKEM(P-256,
 * HKDF-SHA256), HKDF-SHA256, AES-256-GCM (the suite of src/shared/sealed-event.ts), and only the
 * secret export (§5.3) — events are encrypted under keys derived from the exported group secret,
 * never with the context's own seal().
 *
 * Why not @hpke/core here: it runs on WebCrypto, whose every call is an asynchronous job with its
 * own key objects; starting one group took ~19 such calls (about 2.7 ms of CPU on a busy 2-core
 * machine). The same steps here are two P-256 scalar multiplications (OpenSSL, via ECDH) and seven
 * HMAC-SHA256s, with the constant parts of the key schedule computed once. The bytes are the same:
 * test/server/crypto/hpke-p256.test.ts checks, in both directions, that @hpke/core and this module
 * agree on `enc` and the exported secret for the same ephemeral key, and that what this module
 * seals opens in the task pane's opener (src/crypto/open-event.ts).
 *
 * The recipient's side (`receiveGroupSecret`) exists for those tests and the bench; the server
 * holds no private key of any user and never calls it.
 */
import { createECDH, createHmac, type ECDH } from 'node:crypto';

const NH = 32; // HKDF-SHA256 output
const KEM_ID = 0x0010; // DHKEM(P-256, HKDF-SHA256)
const KDF_ID = 0x0001; // HKDF-SHA256
const AEAD_ID = 0x0002; // AES-256-GCM
const MODE_BASE = 0x00;
export const P256_POINT_BYTES = 65;

const i2osp2 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const ascii = (s: string) => Buffer.from(s, 'ascii');
const HPKE_V1 = ascii('HPKE-v1');
const KEM_SUITE = Buffer.concat([ascii('KEM'), i2osp2(KEM_ID)]);
const HPKE_SUITE = Buffer.concat([ascii('HPKE'), i2osp2(KEM_ID), i2osp2(KDF_ID), i2osp2(AEAD_ID)]);
const EMPTY = Buffer.alloc(0);

const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm). */
const labeledExtract = (suite: Buffer, salt: Uint8Array, label: Buffer, ikm: Uint8Array): Buffer =>
  // HMAC pads a short key with zeros, so an empty salt is the RFC's string of Nh zeros.
  hmac(salt, HPKE_V1, suite, label, ikm);

/**
 * LabeledExpand(prk, label, info, L) = HKDF-Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label
 * ‖ info, L), for L ≤ Nh: one block, T(1) = HMAC(prk, labeled info ‖ 0x01).
 */
function labeledExpand(
  suite: Buffer,
  prk: Uint8Array,
  label: Buffer,
  info: Uint8Array,
  length: number,
): Buffer {
  if (length > NH) throw new RangeError('only one HKDF block is implemented');
  return hmac(prk, i2osp2(length), HPKE_V1, suite, label, info, ONE).subarray(0, length);
}
const ONE = Buffer.from([1]);

const EAE_PRK = ascii('eae_prk');
const SHARED_SECRET = ascii('shared_secret');
const SECRET = ascii('secret');
const EXP = ascii('exp');
const SEC = ascii('sec');

/**
 * key_schedule_context = mode ‖ LabeledExtract("", "psk_id_hash", "") ‖ LabeledExtract("",
 * "info_hash", info): constant for base mode with an empty info, so computed once.
 */
const KEY_SCHEDULE_CONTEXT = Buffer.concat([
  Buffer.from([MODE_BASE]),
  labeledExtract(HPKE_SUITE, EMPTY, ascii('psk_id_hash'), EMPTY),
  labeledExtract(HPKE_SUITE, EMPTY, ascii('info_hash'), EMPTY),
]);

/** From the DH output to the exported secret: ExtractAndExpand, KeySchedule (base), Export. */
function exportedSecret(
  dh: Uint8Array,
  enc: Uint8Array,
  pkR: Uint8Array,
  exporterContext: Uint8Array,
  length: number,
): Buffer {
  const kemContext = Buffer.concat([enc, pkR]);
  const eaePrk = labeledExtract(KEM_SUITE, EMPTY, EAE_PRK, dh);
  const sharedSecret = labeledExpand(KEM_SUITE, eaePrk, SHARED_SECRET, kemContext, NH);
  const secret = labeledExtract(HPKE_SUITE, sharedSecret, SECRET, EMPTY); // psk = ""
  const exporterSecret = labeledExpand(HPKE_SUITE, secret, EXP, KEY_SCHEDULE_CONTEXT, NH);
  const out = labeledExpand(HPKE_SUITE, exporterSecret, SEC, exporterContext, length);
  for (const b of [eaePrk, sharedSecret, secret, exporterSecret]) b.fill(0);
  return out;
}

/** The uncompressed point of a public key given raw or as a public JWK; throws if it is not P-256. */
export function p256PointOf(
  key: { format: 'raw'; raw: Uint8Array } | { format: 'jwk'; jwk: JsonWebKey },
): Buffer {
  if (key.format === 'raw') {
    if (key.raw.length !== P256_POINT_BYTES || key.raw[0] !== 0x04)
      throw new TypeError('not an uncompressed P-256 public key');
    return Buffer.from(key.raw);
  }
  const { kty, crv, x, y } = key.jwk;
  const xb = typeof x === 'string' ? Buffer.from(x, 'base64url') : EMPTY;
  const yb = typeof y === 'string' ? Buffer.from(y, 'base64url') : EMPTY;
  if (kty !== 'EC' || crv !== 'P-256' || xb.length !== 32 || yb.length !== 32)
    throw new TypeError('not a public P-256 JWK');
  return Buffer.concat([Buffer.from([0x04]), xb, yb]);
}

/**
 * SetupBaseS + Export: a fresh ephemeral key pair, Encap to the recipient, and the exported secret.
 * `ephemeral` is for tests only (a known key, to compare bytes with another implementation).
 * Throws if `pkR` is not a point on P-256 (OpenSSL checks it in computeSecret).
 */
export function sendGroupSecret(
  pkR: Uint8Array,
  exporterContext: Uint8Array,
  length: number,
  ephemeral?: ECDH,
): { enc: Buffer; secret: Buffer } {
  const eph = ephemeral ?? createECDH('prime256v1');
  if (!ephemeral) eph.generateKeys();
  const enc = eph.getPublicKey();
  const dh = eph.computeSecret(pkR);
  const secret = exportedSecret(dh, enc, pkR, exporterContext, length);
  dh.fill(0);
  return { enc, secret };
}

/** SetupBaseR + Export, for tests: the recipient's private scalar (32 bytes) recovers the secret. */
export function receiveGroupSecret(
  skR: Uint8Array,
  enc: Uint8Array,
  exporterContext: Uint8Array,
  length: number,
): Buffer {
  const me = createECDH('prime256v1');
  me.setPrivateKey(skR);
  const dh = me.computeSecret(enc);
  const secret = exportedSecret(dh, enc, me.getPublicKey(), exporterContext, length);
  dh.fill(0);
  return secret;
}
