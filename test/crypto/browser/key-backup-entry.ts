/**
 * Bundled for headless Chromium by key-backup-browser.test.ts: the pane's real key-material and
 * key-backup modules, run under the pane's script CSP, exposed on `window`.
 */
import { generateKeyMaterial, importKeyMaterial } from '../../../src/crypto/key-material';
import { generateRecoveryCode } from '../../../src/crypto/key-backup/recovery-code';
import { deriveVerifier, wrapForRecovery } from '../../../src/crypto/key-backup/recovery-wrap';
import { checkPassphrase } from '../../../src/crypto/key-backup/passphrase';
import {
  approvalCode,
  openKeyFromDevice,
  responderNonce,
  sealKeyForDevice,
  startApproval,
} from '../../../src/crypto/key-backup/approval';

const me = { tid: 'tenant-browser', oid: 'user-browser' };

async function run() {
  const { key, d } = await generateKeyMaterial(me, 0);
  const code = generateRecoveryCode();
  const started = performance.now();
  const backup = await wrapForRecovery(d, code, me, key.keyId, 'code');
  const unlock = await deriveVerifier(code.toLowerCase(), backup.header, me);
  const argon2Ms = (performance.now() - started) / 2;
  const recovered = await importKeyMaterial(me, await unlock.unwrap(backup.wrapped), 0);
  let exportRefused = false;
  try {
    await crypto.subtle.exportKey('jwk', recovered.keyPair.privateKey);
  } catch {
    exportRefused = true;
  }

  const start = await startApproval();
  const theirs = responderNonce();
  const [newCode, oldCode] = await Promise.all([
    approvalCode({ ...start, responderNonce: theirs }),
    approvalCode({
      commitment: start.commitment,
      publicKey: start.publicKey,
      nonce: start.nonce,
      responderNonce: theirs,
    }),
  ]);
  const sealed = await sealKeyForDevice(d, start.publicKey, me, 'a1', key.keyId);
  const approved = await importKeyMaterial(
    me,
    await openKeyFromDevice(sealed, start.ephemeral, me, 'a1', key.keyId),
    0,
  );

  const weak = await checkPassphrase('password1234');
  return {
    recoveredSameKey: recovered.keyId === key.keyId,
    verifierMatches: unlock.verifier === backup.verifier,
    exportRefused,
    codesMatch: newCode === oldCode,
    approvedSameKey: approved.keyId === key.keyId,
    weakRefused: !weak.ok,
    argon2Ms: Math.round(argon2Ms),
  };
}

(window as unknown as { candor: unknown }).candor = { run };
