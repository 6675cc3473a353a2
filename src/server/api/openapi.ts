import { z } from 'zod';
import { responsesOf, type ApiRoute } from './route';

/**
 * The OpenAPI 3.1 document, built from the same zod schemas the routes enforce (zod 4's own
 * JSON Schema output). Hand-built rather than @fastify/swagger: no second schema language, no extra
 * dependency, and the document is exactly what the validators accept.
 */
export function buildOpenApi(
  routes: readonly ApiRoute[],
  info: { version: string; serverUrl: string },
): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `/api/v1${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const parameters = [...objectParams(route.params, 'path'), ...objectParams(route.query, 'query')];
    // Every answer the route can give, including those of the layers in front of it (route.ts).
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(responsesOf(route))) {
      responses[status] = {
        description: r.description,
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.schema ? { content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } } } : {}),
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      security: [{ entra: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Candor tracking API',
      version: info.version,
      description:
        "Task-pane API of the Candor tracking backend. Event and reply contents are sealed to the user's own public key; the server stores ciphertext only.",
    },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: {
        entra: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Entra ID v2 access token for the API scope access_as_user.',
        },
      },
    },
    paths,
  };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): object {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function objectParams(schema: z.ZodType | undefined, where: 'path' | 'query'): object[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}
