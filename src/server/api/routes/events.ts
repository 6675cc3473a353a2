import { toBase64url } from '../../../shared/base64url';
import type { ApiDeps } from '../deps';
import { InvalidCursorError } from '../../store/cursor';
import { HttpError, notFound } from '../http-error';
import { defineRoute } from '../route';
import { EventsQuery, EventsResponse } from '../schemas';
import { EventParams, ResealBody, ResealResponse } from '../reseal-schemas';
import { resealedEventProblem } from '../../crypto/ciphertext-shape';

export function eventRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/events',
      summary: "The caller's sealed open and reply events in arrival order, after a cursor.",
      query: EventsQuery,
      responses: {
        200: { description: 'A page of events', schema: EventsResponse },
        400: {
          description:
            "invalid-cursor: not a cursor this API gave the caller (another user's, altered or outdated); list again from the start",
        },
      },
      handler: async ({ principal, query }) => {
        const page = await deps.store
          .listEvents(principal.tid, principal.oid, { after: query.after || null, limit: query.limit })
          .catch((e: unknown) => {
            // The pane starts over from the beginning on this code (src/storage/event-sync.ts).
            if (e instanceof InvalidCursorError) throw new HttpError(400, 'invalid-cursor');
            throw e;
          });
        return {
          events: page.events.map((e) => ({
            eventId: e.eventId,
            sendId: e.sendId,
            kind: e.kind,
            verdict: e.verdict,
            occurredAt: e.occurredAt,
            sealed: toBase64url(e.sealed),
          })),
          next: page.next,
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/events/:eventId',
      summary:
        "Replace the ciphertext of one of the caller's events with one sealed to their current key (re-seal after a key rotation).",
      params: EventParams,
      body: ResealBody,
      responses: {
        200: { description: 'Replaced', schema: ResealResponse },
        400: {
          description:
            '`not-sealed`: `sealed` cannot be a sealed event v2; `wrong-key`: it names a key other than the registered one.',
        },
        404: { description: 'No such event for this user' },
      },
      handler: async ({ principal, params, body }) => {
        const user = await deps.store.getUser(principal.tid, principal.oid);
        const problem = resealedEventProblem(body.sealed, user?.key?.keyId ?? null);
        if (problem) throw new HttpError(400, problem, { fields: ['sealed'] });
        // Someone else's event looks exactly like a missing one.
        if (!(await deps.store.replaceEventSealed(principal.tid, principal.oid, params.eventId, body.sealed)))
          throw notFound();
        return { eventId: params.eventId };
      },
    }),
  ];
}
