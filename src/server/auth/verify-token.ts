import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../../shared/clock';
import { API_SCOPE_NAME } from '../../shared/scopes';
import type { AuthConfig } from '../config';
import { isContractActive } from '../retention/contract';
import type { KeySource } from './key-source';

/** The caller of the API: Entra tenant id and object id. Never an email or UPN (security.md §1.2 row 9). */
export interface Principal {
  tid: string;
  oid: string;
  /**
   * Set only for the leaving route (`forLeaving`): the tenant's contract ended at this
   * instant but its data is not purged yet.
   */
  contractEndedAt?: number;
}

/**
 * Why a token was refused. Only this code is ever logged; the response is the same bare 401 for all
 * of them so a caller learns nothing about which check failed.
 */
export type AuthFailure =
  | 'missing'
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'claims'
  | 'audience'
  | 'version'
  | 'tenant-id'
  | 'issuer'
  | 'key-issuer'
  | 'app-only'
  | 'scope'
  | 'client'
  | 'tenant-inactive'
  | 'user-leaving'
  | 'keys-unavailable';

export class AuthError extends Error {
  override name = 'AuthError';
  constructor(readonly reason: AuthFailure) {
    super(`token rejected: ${reason}`);
  }
}

export type TokenVerifier = (
  token: string,
  options?: {
    /**
     * The route by which a user leaves (DELETE /me): also admit a tenant whose contract has ended
     * but whose data still exists (the principal then carries `contractEndedAt`), and a user whose
     * earlier disconnect did not finish.
     */
    forLeaving?: boolean;
  },
) => Promise<Principal>;

export interface TokenVerifierOptions {
  auth: AuthConfig;
  keys: KeySource;
  clock: Clock;
  /**
   * The onboarded tenant's contract end (null: open-ended) and whether this user's disconnect is
   * under way; null if the tenant is not onboarded (never was, or already purged). Looked up on
   * every call (Store.getAccess: one query).
   */
  access: (tid: string, oid: string) => Promise<{ contractEndsAt: number | null; leaving: boolean } | null>;
  /** Allowed clock skew for exp/nbf, seconds. */
  clockToleranceSeconds?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Microsoft's consumer (MSA) tenant: personal accounts are never customers. */
const CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * Validates an Entra v2 access token for Candor's API, exactly per security.md §1.2: RS256 only,
 * audience, version, per-tenant issuer bound to `tid` and to the signing key's own issuer, an
 * onboarded tenant with a running contract, the delegated scope, the calling client, and never an
 * app-only token.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { auth, keys, clock } = options;
  const tolerance = options.clockToleranceSeconds ?? 60;
  const addins = new Set(auth.addinClientIds.map((x) => x.toLowerCase()));

  return async (token, verifyOptions = {}) => {
    if (!token) throw new AuthError('missing');
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new AuthError('malformed');
    }

    const now = clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.getKey, {
        algorithms: ['RS256'],
        audience: auth.apiClientId,
        currentDate: new Date(now),
        clockTolerance: tolerance,
        requiredClaims: ['iss', 'aud', 'exp', 'nbf', 'tid', 'oid', 'ver'],
      }));
    } catch (err) {
      throw new AuthError(classify(err));
    }

    if (payload.ver !== '2.0') throw new AuthError('version');
    const tid = String(payload.tid).toLowerCase();
    const oid = String(payload.oid).toLowerCase();
    if (!GUID.test(tid) || tid === CONSUMER_TENANT || !GUID.test(oid)) throw new AuthError('tenant-id');

    const expectedIssuer = auth.issuerTemplate.replace('{tenantid}', tid);
    if (payload.iss !== expectedIssuer) throw new AuthError('issuer');

    // "Validate the signing key issuer": the key that signed must itself be issued for this tenant.
    const jwk = keys.keys()?.keys.find((k) => k.kid === kid) as { issuer?: unknown } | undefined;
    if (typeof jwk?.issuer !== 'string' || jwk.issuer.replace(/\{tenantid\}/i, tid) !== payload.iss) {
      throw new AuthError('key-issuer');
    }

    // Delegated user tokens only: app-only tokens carry roles and no scp, and (optionally) idtyp=app.
    if (payload.idtyp === 'app' || typeof payload.scp !== 'string') throw new AuthError('app-only');
    if (!payload.scp.split(' ').includes(API_SCOPE_NAME)) throw new AuthError('scope');
    if (typeof payload.azp !== 'string' || !addins.has(payload.azp.toLowerCase()))
      throw new AuthError('client');

    // Authorization state is checked server-side on every request, not inferred from the token.
    const tenant = await options.access(tid, oid);
    if (!tenant) throw new AuthError('tenant-inactive');
    // A disconnect that stopped part-way (crash) is only ever finished, never used again.
    if (tenant.leaving && !verifyOptions.forLeaving) throw new AuthError('user-leaving');
    if (!isContractActive(tenant, now)) {
      if (!verifyOptions.forLeaving) throw new AuthError('tenant-inactive');
      return { tid, oid, contractEndedAt: tenant.contractEndsAt as number };
    }
    return { tid, oid };
  };
}

function classify(err: unknown): AuthFailure {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'audience';
    if (err.claim === 'nbf') return 'expired';
    return 'claims';
  }
  // The bare JOSEError class is only thrown for a key-set HTTP response that is not 200 + JSON.
  const keySetFailed = err instanceof errors.JOSEError && err.constructor === errors.JOSEError;
  if (keySetFailed || err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return 'keys-unavailable';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  if (err instanceof errors.JOSEError) return 'signature';
  // Anything else is the key set's transport failing (network, HTTP status): never a pass.
  return 'keys-unavailable';
}
