import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { EXPIRY_MARGIN_MS, isFresh, jwtExpiry } from '../../src/auth/token-grant';

describe('token expiry', () => {
  it('reads exp from a JWT, and null from anything else', async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(1_900_000_000)
      .sign(new Uint8Array(32));
    expect(jwtExpiry(jwt)).toBe(1_900_000_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeNull();
    expect(jwtExpiry('a.%%%.c')).toBeNull();
  });

  it('treats a token as stale a margin before it expires', () => {
    const clock = new ManualClock();
    const grant = { token: 't', expiresOn: clock.now() + EXPIRY_MARGIN_MS + 1 };
    expect(isFresh(grant, clock)).toBe(true);
    expect(isFresh({ ...grant, expiresOn: clock.now() + EXPIRY_MARGIN_MS }, clock)).toBe(false);
    expect(isFresh(null, clock)).toBe(false);
  });
});
