import type { AuthConfig, AuthHost, AuthStrategy } from './types';

/**
 * How this pane signs in. Nested app authentication where Outlook offers it (NestedAppAuth 1.1);
 * otherwise, inside Office, a redirect flow in an Office dialog (the pane's iframe cannot navigate to
 * Entra); in a plain browser, a redirect flow in the page itself. Demo mode never talks to Entra.
 */
export function chooseStrategy(
  mode: AuthConfig['mode'],
  host: Pick<AuthHost, 'inOffice' | 'naaSupported'>,
): AuthStrategy {
  if (mode === 'demo') return 'demo';
  if (host.inOffice && host.naaSupported) return 'naa';
  if (host.inOffice) return 'office-dialog';
  return 'redirect';
}
