import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { principalOf, type RouteAccess } from '../auth/require-user';
import type { Principal } from '../auth/verify-token';

/**
 * One API route, declared once: its zod schemas validate requests at runtime and also produce the
 * OpenAPI document (openapi.ts), so the published contract cannot drift from what is enforced.
 */
export interface ApiRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Fastify path under /api/v1, e.g. `/campaigns/:campaignId/sends`. */
  url: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Bytes; defaults to the API's limit. */
  bodyLimit?: number;
  /**
   * The route by which a user leaves (DELETE /me): also admits a user of a tenant whose contract
   * has ended but whose data still exists, and a user whose earlier disconnect did not finish.
   * Every other route refuses both like any bad token.
   */
  forLeaving?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handler: (ctx: {
    principal: Principal;
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    req: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<unknown>;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  route: ApiRoute<P, Q, B>,
): ApiRoute {
  return route as unknown as ApiRoute;
}

export function mountRoute(app: FastifyInstance, route: ApiRoute): void {
  app.route({
    method: route.method,
    url: route.url,
    ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
    config: { forLeaving: route.forLeaving === true } satisfies RouteAccess,
    handler: async (req, reply) => {
      const params = route.params ? route.params.parse(req.params ?? {}) : undefined;
      const query = route.query ? route.query.parse(req.query ?? {}) : undefined;
      // A route without a body schema takes no body at all.
      const body = route.body ? route.body.parse(req.body) : undefined;
      return route.handler({ principal: principalOf(req), params, query, body, req, reply });
    },
  });
}
