import { createHash, timingSafeEqual } from 'node:crypto';
import { toBase64url } from '../../../shared/base64url';
import { RECOVERY_ATTEMPT_POLICY } from '../../store/recovery-limit';
import type { KeyBackup } from '../../store/store';
import type { ApiDeps } from '../deps';
import { HttpError, notFound, rateLimited } from '../http-error';
import {
  KeyBackupsResponse,
  KeyChangedResponse,
  PutRecoveryBody,
  PutSplitBody,
  PutTenantBody,
  SplitResponse,
  StoredResponse,
  TenantKeyChangedResponse,
  UnlockBody,
  UnlockResponse,
  WrongSecretResponse,
} from '../key-schemas';
import { defineRoute } from '../route';
import type { Principal } from '../../auth/verify-token';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

const keyChanged = {
  description:
    '`key-changed`: `keyId` is not the registered key id (another device registered a newer key); nothing stored.',
  schema: KeyChangedResponse,
};

/**
 * Backups of the user's private key (docs/key-recovery-admin.md): the server keeps ciphertext and
 * a share, never anything that opens the key alone, and only SHA-256 of the recovery verifier.
 */
export function keyBackupRoutes(deps: ApiDeps) {
  /** Backups are only taken of the registered key: a stale device cannot overwrite a newer one's. */
  async function requireRegisteredKey(p: Principal, keyId: string): Promise<void> {
    const user = await deps.store.getUser(p.tid, p.oid);
    const registered = user?.key?.keyId ?? null;
    if (registered !== keyId) throw new HttpError(409, 'key-changed', { keyId: registered });
  }
  const backupOf = <K extends KeyBackup['kind']>(all: KeyBackup[], kind: K) =>
    all.find((b): b is Extract<KeyBackup, { kind: K }> => b.kind === kind) ?? null;

  return [
    defineRoute({
      method: 'GET',
      url: '/me/key/backups',
      summary:
        "Which backups of the caller's private key exist, for which key, and the tenant's recovery public key if set.",
      responses: { 200: { description: 'The backups (no key material)', schema: KeyBackupsResponse } },
      handler: async ({ principal }) => {
        const [user, all, tenantKey] = await Promise.all([
          deps.store.getUser(principal.tid, principal.oid),
          deps.store.getKeyBackups(principal.tid, principal.oid),
          deps.store.getTenantRecoveryKey(principal.tid),
        ]);
        const recovery = backupOf(all, 'recovery');
        const split = backupOf(all, 'split');
        const tenant = backupOf(all, 'tenant');
        return {
          keyId: user?.key?.keyId ?? null,
          recovery: recovery
            ? { keyId: recovery.keyId, header: recovery.header, createdAt: recovery.createdAt }
            : null,
          split: split ? { keyId: split.keyId, createdAt: split.createdAt } : null,
          tenant: tenant
            ? { keyId: tenant.keyId, tenantKeyId: tenant.tenantKeyId, createdAt: tenant.createdAt }
            : null,
          tenantRecoveryKey: tenantKey
            ? { keyId: tenantKey.keyId, publicKey: toBase64url(tenantKey.publicKey) }
            : null,
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/me/key/backups/recovery',
      summary:
        'Store the private key wrapped under a key derived (Argon2id) from the recovery code or passphrase; replaces any earlier one. The server keeps SHA-256 of the verifier, never the verifier.',
      body: PutRecoveryBody,
      responses: { 200: { description: 'Stored', schema: StoredResponse }, 409: keyChanged },
      handler: async ({ principal, body }) => {
        await requireRegisteredKey(principal, body.keyId);
        const now = deps.clock.now();
        await deps.store.putKeyBackup(
          principal.tid,
          principal.oid,
          {
            kind: 'recovery',
            keyId: body.keyId,
            header: body.header,
            data: body.wrapped,
            verifierHash: sha256(body.verifier),
          },
          now,
        );
        return { keyId: body.keyId, createdAt: now };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/me/key/backups/recovery/unlock',
      summary:
        'Prove the recovery secret (its Argon2id verifier) and receive the wrapped key. Wrong answers are limited per user: 5 per 15 minutes and 20 per 24 hours.',
      body: UnlockBody,
      responses: {
        200: { description: 'The wrapped key', schema: UnlockResponse },
        403: {
          description: '`wrong-secret`: the verifier does not match; attempts left now.',
          schema: WrongSecretResponse,
        },
        404: { description: 'No recovery backup stored' },
        429: {
          description:
            '`too-many-attempts`: too many wrong answers lately; the next attempt is counted after the given seconds.',
        },
      },
      handler: async ({ principal, body, reply }) => {
        const presented = sha256(body.verifier);
        const result = await deps.store.tryRecoveryUnlock(
          principal.tid,
          principal.oid,
          deps.clock.now(),
          RECOVERY_ATTEMPT_POLICY,
          (stored) => stored.length === presented.length && timingSafeEqual(stored, presented),
        );
        switch (result.kind) {
          case 'no-backup':
            throw notFound();
          case 'too-many-attempts':
            throw rateLimited(result.retryAfterMs / 1000, 'too-many-attempts');
          case 'wrong-secret':
            reply.code(403);
            return { error: 'wrong-secret', attemptsLeft: result.attemptsLeft };
          case 'unlocked':
            return { keyId: result.keyId, wrapped: toBase64url(result.wrapped) };
        }
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/me/key/backups/split',
      summary:
        "Store Candor's share of the split backup (the other share and the wrapped key live in the user's mailbox roaming settings).",
      body: PutSplitBody,
      responses: { 200: { description: 'Stored', schema: StoredResponse }, 409: keyChanged },
      handler: async ({ principal, body }) => {
        await requireRegisteredKey(principal, body.keyId);
        const now = deps.clock.now();
        await deps.store.putKeyBackup(
          principal.tid,
          principal.oid,
          { kind: 'split', keyId: body.keyId, data: body.share },
          now,
        );
        return { keyId: body.keyId, createdAt: now };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/me/key/backups/split',
      summary: "Candor's share of the split backup, released only to the user's own token.",
      responses: {
        200: { description: 'The share', schema: SplitResponse },
        404: { description: 'No share stored' },
      },
      handler: async ({ principal }) => {
        const all = await deps.store.getKeyBackups(principal.tid, principal.oid);
        const split = backupOf(all, 'split');
        if (!split) throw notFound();
        return { keyId: split.keyId, share: toBase64url(split.data) };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/me/key/backups/tenant',
      summary:
        "Store the private key sealed (HPKE) to the tenant's recovery public key, whose private half only the customer holds.",
      body: PutTenantBody,
      responses: {
        200: { description: 'Stored', schema: StoredResponse },
        409: {
          description:
            "`key-changed`: `keyId` is not the registered key id; `tenant-key-changed`: `tenantKeyId` is not the tenant's current recovery key (or it has none). Nothing stored.",
          schema: KeyChangedResponse.or(TenantKeyChangedResponse),
        },
      },
      handler: async ({ principal, body }) => {
        await requireRegisteredKey(principal, body.keyId);
        const current = await deps.store.getTenantRecoveryKey(principal.tid);
        if (current?.keyId !== body.tenantKeyId)
          throw new HttpError(409, 'tenant-key-changed', { tenantKeyId: current?.keyId ?? null });
        const now = deps.clock.now();
        await deps.store.putKeyBackup(
          principal.tid,
          principal.oid,
          { kind: 'tenant', keyId: body.keyId, tenantKeyId: body.tenantKeyId, data: body.blob },
          now,
        );
        return { keyId: body.keyId, createdAt: now };
      },
    }),
  ];
}
