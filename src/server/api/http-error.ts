import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { InvalidInputError } from '../store/store';

/** An error whose status and short code are safe to show the caller. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
  }
}

export const notFound = () => new HttpError(404, 'not-found');

/** Used when a 429 arrives without a known wait (a limiter that did not say). */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/**
 * 429 with the wait in both places: the `Retry-After` header (RFC 9110 §10.2.3, what HTTP clients
 * and proxies read) and `retryAfterSeconds` in the body. Every 429 the API gives goes through here.
 */
export function rateLimited(retryAfterSeconds: number, code = 'rate-limited'): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new HttpError(429, code, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
}

/**
 * One error shape for the whole backend: `{ error: <code> }`, plus the failing field paths for
 * validation errors. Messages never echo input values (they could be tokens or addresses), and
 * server faults say only "internal".
 */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof HttpError) {
    let e = err;
    // A 429 that states `retryAfterSeconds: null` (a send batch larger than the daily cap) has no
    // wait to give; it keeps its body and goes without Retry-After.
    if (e.statusCode === 429 && !e.headers['retry-after'] && e.extra.retryAfterSeconds !== null) {
      const seconds = e.extra.retryAfterSeconds;
      e = rateLimited(typeof seconds === 'number' ? seconds : DEFAULT_RETRY_AFTER_SECONDS, e.code);
    }
    void reply
      .code(e.statusCode)
      .headers(e.headers)
      .send({ error: e.code, ...e.extra });
    return;
  }
  if (err instanceof ZodError) {
    const fields = [...new Set(err.issues.map((i) => i.path.join('.') || '(body)'))].slice(0, 20);
    void reply.code(400).send({ error: 'invalid-request', fields });
    return;
  }
  if (err instanceof InvalidInputError) {
    void reply.code(400).send({ error: 'invalid-request' });
    return;
  }
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 500) {
    req.log.error({ err }, 'request failed');
    void reply.code(500).send({ error: 'internal' });
    return;
  }
  if (status === 429) {
    const limited = rateLimited(DEFAULT_RETRY_AFTER_SECONDS);
    void reply
      .code(429)
      .headers(limited.headers)
      .send({ error: limited.code, ...limited.extra });
    return;
  }
  const code =
    {
      404: 'not-found',
      405: 'method-not-allowed',
      413: 'too-large',
      415: 'unsupported-media-type',
      429: 'rate-limited',
    }[status] ?? 'bad-request';
  void reply.code(status).send({ error: code });
}
