import type { EmulatorCore } from './context';
import { GraphFailure, badRequest, graphError, parseJsonPayload } from './errors';
import type { InternalRequest, InternalResponse } from './types';

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

/** Graph runs up to 4 requests of a batch in parallel against Outlook (throttling-limits.md). */
const PARALLEL = 4;

function parseItems(text: string, maxRequests: number): BatchItem[] {
  const payload = parseJsonPayload(text);
  const requests = (payload as { requests?: unknown })?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw badRequest('Invalid batch payload format.');
  // json-batching.md: "JSON batch requests are currently limited to 20 individual requests."
  if (requests.length > maxRequests)
    throw badRequest(`Number of requests in the batch exceeds the limit of ${maxRequests}.`);
  const seen = new Set<string>();
  const items = requests.map((r): BatchItem => {
    const o = (r ?? {}) as Record<string, unknown>;
    if (typeof o.id !== 'string' || typeof o.method !== 'string' || typeof o.url !== 'string') {
      throw badRequest('Invalid batch payload format.');
    }
    // "Not case-sensitive. Must be unique in the batch, otherwise, the batch request fails with a 400."
    const key = o.id.toLowerCase();
    if (seen.has(key)) throw badRequest(`Request id '${o.id}' is not unique in the batch.`);
    seen.add(key);
    const headers = (typeof o.headers === 'object' && o.headers ? o.headers : {}) as Record<string, string>;
    if (o.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      throw badRequest(
        `Content-Type header must be specified for the request with id '${o.id}' because it has a body.`,
      );
    }
    return {
      id: o.id,
      method: o.method.toUpperCase(),
      url: o.url,
      headers,
      body: o.body,
      dependsOn: Array.isArray(o.dependsOn) ? o.dependsOn.map(String) : [],
    };
  });
  for (const item of items) {
    for (const d of item.dependsOn)
      if (!seen.has(d.toLowerCase()))
        throw badRequest(`Request '${item.id}' depends on unknown request '${d}'.`);
  }
  return items;
}

function innerRequest(outer: InternalRequest, item: BatchItem): InternalRequest {
  const rel = item.url.replace(/^https?:\/\/[^/]+\/v1\.0/i, '').replace(/^\/+/, '');
  const q = rel.indexOf('?');
  const headers = new Headers(item.headers);
  const auth = outer.headers.get('authorization');
  if (auth) headers.set('authorization', auth);
  return {
    method: item.method,
    path: `/${q >= 0 ? rel.slice(0, q) : rel}`,
    query: new URLSearchParams(q >= 0 ? rel.slice(q + 1) : ''),
    headers,
    body:
      item.body === undefined ? '' : typeof item.body === 'string' ? item.body : JSON.stringify(item.body),
    base: outer.base,
    inBatch: true,
  };
}

/**
 * POST /$batch: at most 20 requests, each evaluated on its own (auth, throttling, permissions), up to
 * 4 at a time; a request whose dependency failed gets 424 (json-batching.md).
 */
export async function runBatch(
  core: EmulatorCore,
  outer: InternalRequest,
  requestId: string,
): Promise<InternalResponse> {
  const items = parseItems(outer.body, core.limits.limits.batchSize);
  const results = new Map<string, InternalResponse>();
  const running = new Map<string, Promise<void>>();
  const waiting = [...items];
  while (waiting.length || running.size) {
    for (let i = 0; i < waiting.length && running.size < PARALLEL;) {
      const item = waiting[i]!;
      const deps = item.dependsOn.map(
        (d) => [...results.entries()].find(([k]) => k.toLowerCase() === d.toLowerCase())?.[1],
      );
      if (deps.some((d) => d === undefined)) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      if (deps.some((d) => d!.status >= 400)) {
        const failed = graphError(424, 'FailedDependency', 'A request this request depends on failed.', {
          now: core.clock.now(),
          requestId,
        });
        results.set(item.id, failed);
        continue;
      }
      const inner = innerRequest(outer, item);
      const task = (
        inner.path.toLowerCase() === '/$batch'
          ? Promise.reject(new GraphFailure(400, 'BadRequest', 'A batch cannot contain another batch.'))
          : core.dispatch(inner)
      )
        .catch((err: unknown) =>
          err instanceof GraphFailure
            ? graphError(err.status, err.code, err.message, { now: core.clock.now(), requestId })
            : graphError(500, 'InternalServerError', 'The request failed.', {
                now: core.clock.now(),
                requestId,
              }),
        )
        .then((res) => {
          results.set(item.id, res);
          running.delete(item.id);
        });
      running.set(item.id, task);
    }
    if (running.size) await Promise.race(running.values());
    else if (waiting.length) throw badRequest('The dependsOn graph of the batch has a cycle.');
  }
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: {
      responses: items.map((item) => {
        const r = results.get(item.id)!;
        return {
          id: item.id,
          status: r.status,
          headers: r.headers,
          ...(r.body === null ? {} : { body: r.body }),
        };
      }),
    },
  };
}
