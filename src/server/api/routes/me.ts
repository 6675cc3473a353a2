import { importRecipientPublicKey } from '../../../shared/sealed-event';
import { fromBase64url, toBase64url } from '../../../shared/base64url';
import type { ApiDeps } from '../deps';
import { HttpError, notFound } from '../http-error';
import { defineRoute } from '../route';
import { KeyChangedResponse } from '../key-schemas';
import { DisconnectResponse, KeyResponse, PutKeyBody } from '../schemas';

export function meRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'PUT',
      url: '/me/key',
      summary: "Register or replace the caller's P-256 public key (events are sealed to it from now on).",
      body: PutKeyBody,
      responses: {
        200: { description: 'Key stored', schema: KeyResponse },
        400: { description: '`invalid-key`: not an uncompressed P-256 point on the curve.' },
        409: {
          description:
            '`key-changed`: `expectedKeyId` was given and is not the registered key id (null: one is registered); nothing changed.',
          schema: KeyChangedResponse,
        },
      },
      handler: async ({ principal, body, reply }) => {
        let kid: string;
        try {
          // Importing checks the point is on the curve, not just its length.
          ({ kid } = await importRecipientPublicKey(body.publicKey));
        } catch {
          throw new HttpError(400, 'invalid-key');
        }
        const now = deps.clock.now();
        const key = { keyId: kid, key: { format: 'raw' as const, raw: fromBase64url(body.publicKey) } };
        if (body.expectedKeyId !== undefined) {
          const set = await deps.store.setUserKeyIf(
            principal.tid,
            principal.oid,
            key,
            body.expectedKeyId,
            now,
          );
          if (!set.ok) {
            reply.code(409);
            return { error: 'key-changed', keyId: set.keyId };
          }
        } else {
          await deps.store.setUserKey(principal.tid, principal.oid, key, now);
        }
        return { keyId: kid, publicKey: body.publicKey, updatedAt: now };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/me/key',
      summary:
        "The caller's registered public key (so a device can tell whether its key is the current one).",
      responses: {
        200: { description: 'The registered key', schema: KeyResponse },
        404: { description: 'No key registered' },
      },
      handler: async ({ principal }) => {
        const user = await deps.store.getUser(principal.tid, principal.oid);
        if (!user?.key || user.key.key.format !== 'raw') throw notFound();
        return {
          keyId: user.key.keyId,
          publicKey: toBase64url(user.key.key.raw),
          updatedAt: user.key.updatedAt,
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/me',
      summary:
        'Disconnect: delete every row of the caller (sends, events, campaign state, key backups, approvals, send leases, recovery attempts) and their key, at once. Also accepted after the tenant contract has ended, until its data is purged.',
      forLeaving: true,
      responses: { 200: { description: 'Deleted; counts per table', schema: DisconnectResponse } },
      handler: async ({ principal }) => ({ deleted: await deps.disconnect(principal.tid, principal.oid) }),
    }),
  ];
}
