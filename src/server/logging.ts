import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The backend's one logger. Logs are operator-readable, so they hold no personal data: no client IP,
 * user agent, token, address, subject, query string or raw URL (a pixel URL's path is a token).
 * Requests are logged by their route pattern only (`/o/:token`), never the URL as sent; the serializers
 * below are an allow-list, and `redact` removes the usual suspects should anything log them anyway.
 */

function routeOf(req: FastifyRequest): string {
  return req.routeOptions?.url ?? '(no route)';
}

const serializers = {
  req: (req: FastifyRequest) => ({ method: req.method, route: routeOf(req) }),
  res: (res: FastifyReply) => ({ statusCode: res.statusCode }),
  err: (err: Error & { code?: unknown; statusCode?: unknown }) => {
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    // Messages can quote input or row values (a driver error, a parser complaint), so only the
    // error's type, code and — for server faults — its stack frames (without the message line).
    return status >= 500
      ? {
          type: err.name,
          code: err.code,
          statusCode: status,
          frames: stackFrames(err.stack),
        }
      : { type: err.name, code: err.code, statusCode: status };
  },
};

/** Only the `    at …` lines: a multi-line message would otherwise continue into the stack text. */
function stackFrames(stack: string | undefined): string | undefined {
  return stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .join('\n');
}

/** Paths removed from every log line, in case some code logs a whole request or payload. */
const REDACT = [
  'ip',
  'ips',
  'remoteAddress',
  'userAgent',
  'headers',
  'authorization',
  'token',
  'url',
  'query',
  'body',
  'subject',
  'email',
  'from',
  '*.ip',
  '*.ips',
  '*.remoteAddress',
  '*.userAgent',
  '*.headers',
  '*.authorization',
  '*.token',
  '*.url',
  '*.query',
  '*.body',
  '*.subject',
  '*.email',
  '*.from',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers,
    redact: { paths: REDACT, remove: true },
    base: undefined,
  };
}

/** Builds the process logger; tests pass a destination to capture every line. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
