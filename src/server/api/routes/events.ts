import { toBase64url } from '../../../shared/base64url';
import type { ApiDeps } from '../deps';
import { InvalidCursorError } from '../../store/cursor';
import { HttpError } from '../http-error';
import { defineRoute } from '../route';
import { EventsQuery, EventsResponse } from '../schemas';

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
  ];
}
