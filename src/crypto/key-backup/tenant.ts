/**
 * The optional tenant recovery backup: key material sealed (HPKE base mode, the events' suite) to
 * a public key the customer's IT admin registered; its private half stays offline with the
 * customer (src/recovery-tool). Candor stores only the sealed blob and cannot open it.
 *
 *   info = "candor/tenant-recovery/v1", AAD = JSON ["candor/tenant-recovery/v1", tid, oid, keyId]
 *   blob = base64url(enc (65) ‖ ciphertext ‖ tag)
 */
import type { UserIdentity } from '../keys';
import { KEY_MATERIAL_BYTES } from '../key-material';
import { hpkeOpenWith, hpkeSealTo } from './hpke';

const INFO = 'candor/tenant-recovery/v1';
const aad = (identity: UserIdentity, keyId: string) => [INFO, identity.tid, identity.oid, keyId];

export function sealToTenant(
  d: Uint8Array,
  tenantPublicKey: string,
  identity: UserIdentity,
  keyId: string,
): Promise<string> {
  if (d.length !== KEY_MATERIAL_BYTES) throw new TypeError('key material must be 96 bytes');
  return hpkeSealTo(tenantPublicKey, INFO, aad(identity, keyId), d);
}

/** Throws KeyBackupError `does-not-open` for another tenant key, user or key id, or an alteration. */
export function openTenantBackup(
  blob: string,
  tenantKeyPair: CryptoKeyPair,
  identity: UserIdentity,
  keyId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  return hpkeOpenWith(blob, tenantKeyPair, INFO, aad(identity, keyId));
}
