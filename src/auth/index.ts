/**
 * Auth's public face, kept tiny: types and the strategy rule load eagerly; MSAL and the sessions load
 * only when `loadAuth()` is awaited, so the first screen's bundle stays small.
 */
export { AuthError } from './types';
export type {
  Account,
  AuthConfig,
  AuthErrorCode,
  AuthHost,
  AuthOptions,
  AuthSession,
  AuthStrategy,
  CandorApiToken,
  GraphAccessToken,
} from './types';
export { chooseStrategy } from './strategy';
export type { AuthDependencies } from './create-auth';

export async function loadAuth(): Promise<typeof import('./create-auth').createAuth> {
  return (await import('./create-auth')).createAuth;
}
