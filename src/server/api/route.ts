import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { principalOf, type RouteAccess } from '../auth/require-user';
import type { Principal } from '../auth/verify-token';
import { HttpError } from './http-error';
import { BadRequestResponse, ErrorResponse, NoQuery, RateLimitedResponse } from './schemas';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  /** Response headers worth documenting, by name. */
  headers?: Record<string, { description: string; schema: { type: string; minimum?: number } }>;
}

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
  /** The route's own answers; those every route can give are added by `responsesOf`. */
  responses: Record<number, RouteResponse>;
  /**
   * The route by which a user leaves (DELETE /me): also admits a user of a tenant whose contract
   * has ended but whose data still exists, and a user whose earlier disconnect did not finish.
   * Every other route refuses both like any bad token.
   */
  forLeaving?: boolean;
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

/**
 * Every status a route can answer: its own, plus what the layers in front of every handler give —
 * validation (400), the token check (401; 503 when the key set cannot be fetched or the server is
 * closing), the rate limits (429 with Retry-After), faults (500) and, for methods whose body
 * Fastify reads (all but GET), the body limit (413) and JSON-only parsing (415). A route that
 * declares one of these adds its own cases to the description.
 */
export function responsesOf(route: ApiRoute): Record<number, RouteResponse> {
  const common: Record<number, RouteResponse> = {
    400: {
      description:
        '`invalid-request`: the path, query or body fails the schema, or the body is not JSON (`fields` lists failing paths, never values).',
      schema: BadRequestResponse,
    },
    401: {
      description: 'Missing or invalid access token (the reason is never disclosed).',
      schema: ErrorResponse,
    },
    429: {
      description: '`rate-limited`: too many requests; wait the given seconds.',
      schema: RateLimitedResponse,
      headers: {
        'Retry-After': {
          description: 'Seconds to wait before retrying.',
          schema: { type: 'integer', minimum: 1 },
        },
      },
    },
    500: { description: '`internal`: a server fault (details are only logged).', schema: ErrorResponse },
    503: {
      description:
        "`unavailable`: the identity provider's key set cannot be fetched, or the server is shutting down.",
      schema: ErrorResponse,
    },
  };
  if (route.method !== 'GET') {
    common[413] = { description: '`too-large`: the body exceeds the size limit.', schema: ErrorResponse };
    common[415] = {
      description: '`unsupported-media-type`: the body is not `application/json`.',
      schema: ErrorResponse,
    };
  }
  const all: Record<number, RouteResponse> = { ...common };
  for (const [key, own] of Object.entries(route.responses)) {
    const status = Number(key);
    const shared = common[status];
    all[status] = shared
      ? { ...shared, ...own, description: `${shared.description} ${own.description}` }
      : own;
  }
  return all;
}

export function mountRoute(app: FastifyInstance, route: ApiRoute): void {
  app.route({
    method: route.method,
    url: route.url,
    ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
    config: { forLeaving: route.forLeaving === true } satisfies RouteAccess,
    handler: async (req, reply) => {
      const params = route.params ? route.params.parse(req.params ?? {}) : undefined;
      // A route without a query schema takes no query parameters, and one without a body schema no body.
      const query = (route.query ?? NoQuery).parse(req.query ?? {});
      if (!route.body && req.body !== undefined && req.body !== null)
        throw new HttpError(400, 'invalid-request', { fields: ['(body)'] });
      const body = route.body ? route.body.parse(req.body) : undefined;
      return route.handler({ principal: principalOf(req), params, query, body, req, reply });
    },
  });
}
