import { importRecipientPublicKey } from '../../../shared/sealed-event';
import { fromBase64url, toBase64url } from '../../../shared/base64url';
import type { ApiDeps } from '../deps';
import { HttpError, notFound } from '../http-error';
import { defineRoute } from '../route';
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
      },
      handler: async ({ principal, body }) => {
        let kid: string;
        try {
          // Importing checks the point is on the curve, not just its length.
          ({ kid } = await importRecipientPublicKey(body.publicKey));
        } catch {
          throw new HttpError(400, 'invalid-key');
        }
        const now = deps.clock.now();
        await deps.store.setUserKey(
          principal.tid,
          principal.oid,
          { keyId: kid, key: { format: 'raw', raw: fromBase64url(body.publicKey) } },
          now,
        );
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
        'Disconnect: delete every row of the caller (sends, events, campaign state) and their key, at once. Also accepted after the tenant contract has ended, until its data is purged.',
      forLeaving: true,
      responses: { 200: { description: 'Deleted; counts per table', schema: DisconnectResponse } },
      handler: async ({ principal }) => ({ deleted: await deps.disconnect(principal.tid, principal.oid) }),
    }),
  ];
}
