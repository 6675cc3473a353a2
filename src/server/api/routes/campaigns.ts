import { toBase64url } from '../../../shared/base64url';
import { stateBlobProblem } from '../../crypto/ciphertext-shape';
import type { ApiDeps } from '../deps';
import { HttpError, notFound } from '../http-error';
import { defineRoute } from '../route';
import {
  CampaignParams,
  CampaignsResponse,
  ConflictResponse,
  PutStateBody,
  PutStateResponse,
  StateResponse,
} from '../schemas';

export function campaignRoutes(deps: ApiDeps) {
  const maxBytes = deps.limits.maxStateBytes;
  return [
    defineRoute({
      method: 'PUT',
      url: '/campaigns/:campaignId/state',
      summary:
        'Store the encrypted campaign state; expectedVersion must match the stored version (optimistic concurrency).',
      params: CampaignParams,
      body: PutStateBody,
      // base64url grows 4/3; leave room for the JSON around it.
      bodyLimit: Math.ceil((maxBytes * 4) / 3) + 1024,
      responses: {
        200: { description: 'Stored; the new version', schema: PutStateResponse },
        400: {
          description:
            '`not-sealed`: `blob` cannot be a state blob v1; `wrong-key`: it names a key other than the registered one.',
        },
        409: { description: 'Someone stored a newer version first', schema: ConflictResponse },
        413: { description: `Blob larger than ${maxBytes} bytes` },
      },
      handler: async ({ principal, params, body, reply }) => {
        const blob = body.blob;
        if (blob.length > maxBytes) throw new HttpError(413, 'too-large');
        const user = await deps.store.getUser(principal.tid, principal.oid);
        const problem = stateBlobProblem(blob, user?.key?.keyId ?? null);
        if (problem) throw new HttpError(400, problem, { fields: ['blob'] });
        const now = deps.clock.now();
        await deps.store.upsertUser(principal.tid, principal.oid, now);
        const result = await deps.store.putCampaignState(
          principal.tid,
          principal.oid,
          params.campaignId,
          blob,
          body.expectedVersion,
          now,
        );
        if (!result.ok) {
          reply.code(409);
          return { error: 'version-conflict', currentVersion: result.currentVersion };
        }
        return { version: result.version };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/campaigns/:campaignId/state',
      summary: 'The encrypted campaign state and its version.',
      params: CampaignParams,
      responses: {
        200: { description: 'The state', schema: StateResponse },
        404: { description: 'No state stored for this campaign' },
      },
      handler: async ({ principal, params }) => {
        const state = await deps.store.getCampaignState(principal.tid, principal.oid, params.campaignId);
        if (!state) throw notFound();
        return {
          campaignId: state.campaignId,
          version: state.version,
          blob: toBase64url(state.blob),
          updatedAt: state.updatedAt,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/campaigns',
      summary: "The caller's campaigns with stored state: ids and versions.",
      responses: { 200: { description: 'Campaigns', schema: CampaignsResponse } },
      handler: async ({ principal }) => {
        // One query, no blobs: a user with many large campaign states lists them cheaply.
        return { campaigns: await deps.store.listCampaigns(principal.tid, principal.oid) };
      },
    }),
  ];
}
