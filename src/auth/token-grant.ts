import { fromBase64url } from '../shared/base64url';
import type { Clock } from '../shared/clock';

/** An access token held in memory with the time it stops being usable. */
export interface TokenGrant {
  token: string;
  /** Milliseconds since the epoch. */
  expiresOn: number;
}

/** Refresh this long before expiry so a token never dies mid-request. */
export const EXPIRY_MARGIN_MS = 2 * 60_000;

export function isFresh(grant: TokenGrant | null, clock: Clock): grant is TokenGrant {
  return grant !== null && grant.expiresOn - EXPIRY_MARGIN_MS > clock.now();
}

/** Reads `exp` from a JWT without verifying it (only the issuer's audience verifies); null if unreadable. */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp * 1000 : null;
  } catch {
    return null;
  }
}
