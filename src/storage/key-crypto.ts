/**
 * The real KeyCrypto port for key access: the crypto modules (src/crypto/key-material.ts and
 * src/crypto/key-backup/*), with Argon2id and the passphrase checker loaded only when used.
 */
import {
  createTransferKey,
  generateKeyMaterial,
  importKeyMaterial,
  openTransferCopy,
  sealTransferCopy,
} from '../crypto/key-material';
import {
  approvalCode,
  openKeyFromDevice,
  responderNonce,
  sealKeyForDevice,
  startApproval,
} from '../crypto/key-backup/approval';
import { generateRecoveryCode, normaliseRecoveryCode } from '../crypto/key-backup/recovery-code';
import { splitUnwrap, splitWrap } from '../crypto/key-backup/split';
import { sealToTenant } from '../crypto/key-backup/tenant';
import { resealEvent } from '../crypto/reseal-event';
import type { KeyCrypto } from './key-ports';

/** Argon2id (hash-wasm, WebAssembly) is fetched the first time a recovery secret is used. */
const recoveryWrap = () =>
  import(/* webpackChunkName: "recovery-wrap" */ '../crypto/key-backup/recovery-wrap');

export const keyCrypto: KeyCrypto = {
  generateKeyMaterial,
  importKeyMaterial,
  createTransferKey,
  sealTransferCopy,
  openTransferCopy,
  generateRecoveryCode,
  normaliseRecoveryCode,
  async wrapForRecovery(d, secret, identity, keyId, kind) {
    return (await recoveryWrap()).wrapForRecovery(d, secret, identity, keyId, kind);
  },
  async deriveVerifier(secret, header, identity) {
    return (await recoveryWrap()).deriveVerifier(secret, header, identity);
  },
  splitWrap,
  splitUnwrap,
  sealToTenant,
  startApproval,
  responderNonce,
  approvalCode,
  sealKeyForDevice,
  openKeyFromDevice,
  resealEvent: (row, keyring, to, identity) => resealEvent(row, keyring, to, identity),
};
