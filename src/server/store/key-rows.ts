/** Row mapping of the key-backup and approval tables, shared by both backends. */
import type { Approval, ApprovalState, KeyBackup, NewKeyBackup } from './store';

type Row = Record<string, unknown>;

/** The key_backups columns of one backup; kinds leave the others null. */
export function backupColumns(b: NewKeyBackup): {
  kind: string;
  keyId: string;
  header: string | null;
  data: Buffer;
  verifierHash: Buffer | null;
  tenantKeyId: string | null;
} {
  return {
    kind: b.kind,
    keyId: b.keyId,
    header: b.kind === 'recovery' ? b.header : null,
    data: Buffer.from(b.data),
    verifierHash: b.kind === 'recovery' ? Buffer.from(b.verifierHash) : null,
    tenantKeyId: b.kind === 'tenant' ? b.tenantKeyId : null,
  };
}

export function toKeyBackup(row: Row): KeyBackup {
  const base = {
    keyId: row.key_id as string,
    data: new Uint8Array(row.data as Buffer),
    createdAt: Number(row.created_at),
  };
  switch (row.kind) {
    case 'recovery':
      return {
        ...base,
        kind: 'recovery',
        header: row.header as string,
        verifierHash: new Uint8Array(row.verifier_hash as Buffer),
      };
    case 'tenant':
      return { ...base, kind: 'tenant', tenantKeyId: row.tenant_key_id as string };
    default:
      return { ...base, kind: 'split' };
  }
}

export const toApproval = (row: Row): Approval => ({
  id: row.id as string,
  state: row.state as ApprovalState,
  commitment: row.commitment as string,
  responderNonce: (row.responder_nonce as string | null) ?? null,
  publicKey: (row.public_key as string | null) ?? null,
  nonce: (row.nonce as string | null) ?? null,
  keyId: (row.key_id as string | null) ?? null,
  sealedKey: (row.sealed_key as string | null) ?? null,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});
