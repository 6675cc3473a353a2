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

/**
 * One error shape for the whole backend: `{ error: <code> }`, plus the failing field paths for
 * validation errors. Messages never echo input values (they could be tokens or addresses), and
 * server faults say only "internal".
 */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof HttpError) {
    void reply
      .code(err.statusCode)
      .headers(err.headers)
      .send({ error: err.code, ...err.extra });
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
