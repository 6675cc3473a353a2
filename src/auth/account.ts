import type { MsalAccount } from './msal-types';
import type { Account } from './types';

/**
 * MSAL's account → Candor's. Without the `profile` scope Entra's ID token may lack `name` and
 * `preferred_username`; the `email` claim (from the `email` scope) fills in the display name.
 */
export function toAccount(a: MsalAccount): Account {
  const claims = a.idTokenClaims ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const username = a.username || str(claims.preferred_username) || str(claims.email);
  return {
    tid: a.tenantId || str(claims.tid),
    oid: str(claims.oid) || a.localAccountId,
    name: a.name || str(claims.name) || username,
    username,
  };
}

export function isAccount(v: unknown): v is Account {
  const a = v as Partial<Account> | null;
  return (
    typeof a?.tid === 'string' &&
    typeof a.oid === 'string' &&
    typeof a.name === 'string' &&
    typeof a.username === 'string' &&
    a.tid !== '' &&
    a.oid !== ''
  );
}
