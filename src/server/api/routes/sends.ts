import { sealedReplyProblem } from '../../crypto/ciphertext-shape';
import type { ApiDeps } from '../deps';
import { SendLimitError } from '../../store/store';
import { HttpError, notFound } from '../http-error';
import { defineRoute } from '../route';
import {
  CampaignParams,
  ReplyBody,
  ReplyResponse,
  SendsTooManyResponse,
  SendParams,
  SendsBody,
  SendsResponse,
} from '../schemas';

export function sendRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'POST',
      url: '/campaigns/:campaignId/sends',
      summary:
        'Register a batch of sends; returns one pixel URL per send (null when opens are not tracked), in order.',
      params: CampaignParams,
      body: SendsBody(deps.limits.maxSendsPerBatch),
      responses: {
        201: { description: 'Sends registered', schema: SendsResponse },
        429: {
          description:
            'send-limit: the batch would take the caller past their sends per rolling 24 hours (Exchange allows 10,000 recipients a day); `remaining` may still be sent now, Retry-After says when this batch fits (absent, and `retryAfterSeconds` null, if it never can, being larger than the limit)',
          schema: SendsTooManyResponse,
        },
      },
      handler: async ({ principal, params, body, reply }) => {
        const now = deps.clock.now();
        await deps.store.upsertUser(principal.tid, principal.oid, now);
        const sends = body.sends.map((s) => ({ sendId: deps.pixel.newSendId(), trackOpens: s.trackOpens }));
        await deps.store
          .registerSends(principal.tid, principal.oid, params.campaignId, sends, now, {
            maxPerDay: deps.limits.maxSendsPerDay,
          })
          .catch((e: unknown) => {
            if (!(e instanceof SendLimitError)) throw e;
            const retryAfterSeconds = e.retryAfterMs === null ? null : Math.ceil(e.retryAfterMs / 1000);
            throw new HttpError(
              429,
              'send-limit',
              { limitPerDay: e.maxPerDay, remaining: e.remaining, retryAfterSeconds },
              retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) },
            );
          });
        reply.code(201);
        return {
          sends: sends.map((s) => ({
            sendId: s.sendId,
            pixelUrl: s.trackOpens ? deps.pixel.pixelUrl(s.sendId) : null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/sends/:sendId/reply',
      summary:
        "Store reply metadata the task pane sealed to the user key; the send must be the caller's own.",
      params: SendParams,
      body: ReplyBody,
      responses: {
        201: { description: 'Stored', schema: ReplyResponse },
        200: { description: 'Already stored (same eventId)', schema: ReplyResponse },
        400: {
          description:
            '`not-sealed`: `sealed` cannot be a sealed event v1 or v2 (version, P-256 enc, length, not text); `wrong-key`: a v2 record names a key other than the registered one.',
        },
        404: { description: 'No such send for this user' },
      },
      handler: async ({ principal, params, body, reply }) => {
        const send = await deps.store.getSendForPixel(params.sendId);
        // Someone else's send looks exactly like a missing one.
        if (!send || send.tid !== principal.tid || send.oid !== principal.oid) throw notFound();
        const sealed = body.sealed;
        // A v2 reply names its key: it must be the one registered now (v1 names none, still accepted).
        const user = await deps.store.getUser(principal.tid, principal.oid);
        const problem = sealedReplyProblem(sealed, user?.key?.keyId ?? null);
        if (problem) throw new HttpError(400, problem, { fields: ['sealed'] });
        const { inserted } = await deps.store.appendEvents([
          {
            tid: principal.tid,
            oid: principal.oid,
            sendId: params.sendId,
            eventId: body.eventId,
            kind: 'reply',
            verdict: null,
            occurredAt: deps.clock.now(),
            sealed,
          },
        ]);
        reply.code(inserted ? 201 : 200);
        return { eventId: body.eventId, stored: inserted > 0 };
      },
    }),
  ];
}
