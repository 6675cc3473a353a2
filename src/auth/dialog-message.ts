import { isAccount } from './account';
import type { TokenGrant } from './token-grant';
import { AuthError, type Account, type AuthConfig } from './types';

/**
 * What the Office dialog page sends the pane with `messageParent`: the account and the two tokens, each
 * from its own request, or an error code (never a message that could carry personal data).
 */
export type DialogMessage =
  { ok: true; account: Account; graph: TokenGrant; api: TokenGrant } | { ok: false; error: string };

/** The settings the dialog page needs, carried in its URL (they are public: ids and scope names). */
export type DialogConfig = Pick<AuthConfig, 'clientId' | 'authority' | 'apiScope'>;

export function dialogUrlFor(config: AuthConfig): string {
  const url = new URL(config.dialogUrl);
  url.searchParams.set('clientId', config.clientId);
  if (config.authority) url.searchParams.set('authority', config.authority);
  url.searchParams.set('apiScope', config.apiScope);
  return url.href;
}

export function dialogConfigFrom(search: string): DialogConfig | null {
  const params = new URLSearchParams(search);
  const clientId = params.get('clientId');
  const apiScope = params.get('apiScope');
  if (!clientId || !apiScope) return null;
  const authority = params.get('authority');
  return { clientId, apiScope, ...(authority ? { authority } : {}) };
}

function isGrant(v: unknown): v is TokenGrant {
  const g = v as Partial<TokenGrant> | null;
  return typeof g?.token === 'string' && g.token !== '' && typeof g.expiresOn === 'number';
}

export function parseDialogMessage(text: string): DialogMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    throw new AuthError('dialog_failed', 'The sign-in dialog sent an unreadable message');
  }
  const m = msg as { ok?: unknown; error?: unknown; account?: unknown; graph?: unknown; api?: unknown };
  if (m?.ok === false) return { ok: false, error: typeof m.error === 'string' ? m.error : 'unknown_error' };
  if (m?.ok === true && isAccount(m.account) && isGrant(m.graph) && isGrant(m.api)) {
    if (m.graph.token === m.api.token)
      throw new AuthError('dialog_failed', 'The dialog returned one token for two audiences');
    return { ok: true, account: m.account, graph: m.graph, api: m.api };
  }
  throw new AuthError('dialog_failed', 'The sign-in dialog sent an unexpected message');
}
