/** A scripted stand-in for fetch that records every request the Graph boundary makes. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

export type Responder = (req: RecordedRequest, index: number) => Response | Promise<Response>;

export interface FakeFetch {
  fetch: typeof fetch;
  calls: RecordedRequest[];
}

export function fakeFetch(responder: Responder): FakeFetch {
  const calls: RecordedRequest[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const req: RecordedRequest = {
      method: (init?.method ?? 'GET').toUpperCase(),
      url,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
      signal: init?.signal ?? undefined,
    };
    calls.push(req);
    return responder(req, calls.length - 1);
  };
  return { fetch: impl as typeof fetch, calls };
}

/** Answers each call with the next responder in the list (the last one repeats). */
export function sequence(...responders: Responder[]): Responder {
  return (req, i) => (responders[Math.min(i, responders.length - 1)] as Responder)(req, i);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function graphError(status: number, code: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: { code, message: `${code} (test)` } }, headers);
}

export const accepted = (): Response => new Response(null, { status: 202 });

/** A fetch that never answers until its signal aborts, like a hung connection. */
export function hang(req: RecordedRequest): Promise<Response> {
  return new Promise((_, reject) => {
    req.signal?.addEventListener('abort', () => reject(req.signal?.reason), { once: true });
  });
}
