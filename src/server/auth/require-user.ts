import type { FastifyRequest } from 'fastify';
import { HttpError } from '../api/http-error';
import { AuthError, type Principal, type TokenVerifier } from './verify-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireUser` on every authenticated API request. */
    principal?: Principal;
  }
}

/** Per-route access flags, set by mountRoute from the route's declaration. */
export interface RouteAccess {
  forLeaving?: boolean;
}

/**
 * Admits only a valid bearer token for Candor's API. Every refusal is the same bare 401 (503 if the
 * key set cannot be fetched, so an outage is not mistaken for a bad token); only the failure code
 * is logged, never the token.
 */
export function requireUser(verify: TokenVerifier) {
  return async function requireUserHook(req: FastifyRequest): Promise<void> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{1,16384})$/.exec(header) : null;
    // Only the route that declares it (DELETE /me) admits an ended contract or an unfinished disconnect.
    const forLeaving = (req.routeOptions.config as RouteAccess | undefined)?.forLeaving === true;
    try {
      req.principal = await verify(match?.[1] ?? '', { forLeaving });
    } catch (err) {
      // Only a verdict on the token (or the key set being unreachable) is answered here; anything
      // else, e.g. the store failing during the access check, is the server's own 500.
      if (!(err instanceof AuthError)) throw err;
      const reason = err.reason;
      req.log.info({ authFailure: reason }, 'api token rejected');
      if (reason === 'keys-unavailable') throw new HttpError(503, 'unavailable');
      throw new HttpError(401, 'unauthorized', {}, { 'www-authenticate': 'Bearer' });
    }
  };
}

/** The verified caller; only call inside routes guarded by `requireUser`. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('route is missing the requireUser hook');
  return req.principal;
}
