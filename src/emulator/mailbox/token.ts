import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWK } from 'jose';
import { GRAPH_AUDIENCE } from '../identity/issuer';
import { systemClock, type Clock } from '../../shared/clock';
import type { TokenClaims, TokenVerifier } from './types';

/** A token Graph would refuse with 401 InvalidAuthenticationToken; `message` is Graph's wording. */
export class TokenError extends Error {}

/**
 * Verifies Graph access tokens the way Graph does for the emulator: RS256 signature against a local
 * key set (the LocalIssuer's), expiry by the injected clock, `aud` = Graph, `iss` equal to the
 * signing key's issuer for the token's tenant, and a delegated user (`oid`, `tid`, `scp`).
 */
export function jwksTokenVerifier(jwks: { keys: JWK[] }, clock: Clock = systemClock): TokenVerifier {
  const keySet = createLocalJWKSet(jwks);
  return async (token) => {
    if (!token) throw new TokenError('Access token is empty.');
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenError('IDX14100: JWT is not well formed, there are no dots (.).');
    }
    try {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: ['RS256'],
        currentDate: new Date(clock.now()),
      });
      if (payload.aud !== GRAPH_AUDIENCE)
        throw new TokenError('Access token validation failure. Invalid audience.');
      const tid = typeof payload.tid === 'string' ? payload.tid : '';
      const oid = typeof payload.oid === 'string' ? payload.oid : '';
      const template = jwks.keys.find((k) => k.kid === kid) as (JWK & { issuer?: string }) | undefined;
      if (template?.issuer && payload.iss !== template.issuer.replace('{tenantid}', tid)) {
        throw new TokenError('Access token validation failure. Invalid issuer.');
      }
      if (!tid || !oid || typeof payload.scp !== 'string') {
        // App-only tokens carry `roles`, not `scp`; /me needs a signed-in user.
        throw new TokenError('Access token validation failure.');
      }
      return {
        tid,
        oid,
        scopes: new Set(payload.scp.split(' ').filter(Boolean)),
        azp: typeof payload.azp === 'string' ? payload.azp : '',
        iat: typeof payload.iat === 'number' ? payload.iat : 0,
      } satisfies TokenClaims;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof errors.JWTExpired)
        throw new TokenError('Lifetime validation failed, the token is expired.');
      if (err instanceof errors.JWTClaimValidationFailed)
        throw new TokenError('Lifetime validation failed, the token is not yet valid.');
      throw new TokenError('Access token validation failure. Invalid signature.');
    }
  };
}
