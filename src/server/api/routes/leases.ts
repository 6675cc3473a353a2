import type { ApiDeps } from '../deps';
import { defineRoute } from '../route';
import {
  LeaseBody,
  LeaseParams,
  LeaseQuery,
  LeaseResponse,
  LeasedResponse,
  ReleasedResponse,
} from '../key-schemas';

/**
 * The send lease: which of the user's devices may send a campaign, until when (metadata only).
 * Taken, renewed and taken over in one database statement, so it holds across instances.
 */
export function leaseRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'PUT',
      url: '/campaigns/:campaignId/lease',
      summary:
        "Take or renew the campaign's send lease for this device; granted when free, lapsed or already this device's.",
      params: LeaseParams,
      body: LeaseBody,
      responses: {
        200: { description: 'This device holds the lease until expiresAt', schema: LeaseResponse },
        409: {
          description: '`leased`: another device holds it; it lapses after the given seconds unless renewed.',
          schema: LeasedResponse,
          headers: {
            'Retry-After': {
              description: 'Seconds until the lease lapses unless renewed.',
              schema: { type: 'integer', minimum: 1 },
            },
          },
        },
      },
      handler: async ({ principal, params, body, reply }) => {
        const now = deps.clock.now();
        const lease = await deps.store.takeLease(principal.tid, principal.oid, params.campaignId, body, now);
        if (!lease.granted) {
          const retryAfterSeconds = Math.max(1, Math.ceil((lease.expiresAt - now) / 1000));
          reply.code(409).header('retry-after', String(retryAfterSeconds));
          return { error: 'leased', retryAfterSeconds };
        }
        return { deviceId: lease.deviceId, expiresAt: lease.expiresAt, seconds: lease.seconds };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/campaigns/:campaignId/lease',
      summary: "Release the campaign's send lease if this device holds it.",
      params: LeaseParams,
      query: LeaseQuery,
      responses: { 200: { description: 'released: whether this device held it', schema: ReleasedResponse } },
      handler: async ({ principal, params, query }) => ({
        released: await deps.store.releaseLease(
          principal.tid,
          principal.oid,
          params.campaignId,
          query.deviceId,
        ),
      }),
    }),
  ];
}
