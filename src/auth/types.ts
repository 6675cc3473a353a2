/** Who is signed in. Identity is (tid, oid); name and username are for display only. */
export interface Account {
  tid: string;
  oid: string;
  name: string;
  username: string;
}

export type AuthStrategy = 'naa' | 'office-dialog' | 'redirect' | 'demo';

export interface AuthConfig {
  /** `demo` uses the local identity emulator; `entra` uses Microsoft Entra ID through MSAL. */
  mode: 'entra' | 'demo';
  /** The add-in's Entra application (client) id. */
  clientId: string;
  /** Default `https://login.microsoftonline.com/organizations` (work and school accounts, any tenant). */
  authority?: string;
  /** Full scope of Candor's API: `api://<host>/<client-id>/access_as_user`. */
  apiScope: string;
  /** Where Entra returns in the plain-browser redirect flow (the task pane page). */
  redirectUri: string;
  /** The Office dialog page that runs the redirect flow when NAA is unavailable. */
  dialogUrl: string;
  /** Demo only: same-origin token endpoint of the identity emulator. */
  demoTokenUrl: string;
}

/** What the Office.js boundary (src/outlook) tells auth about the host, and the one Office call auth needs. */
export interface AuthHost {
  inOffice: boolean;
  /** `Office.context.requirements.isSetSupported('NestedAppAuth', '1.1')`. */
  naaSupported: boolean;
  /** Opens an Office dialog at `url`; resolves with the message the dialog page sends back. */
  openAuthDialog?(url: string): Promise<string>;
}

/** A Microsoft Graph access token. Only Graph can validate it: never send it to Candor's backend. */
export type GraphAccessToken = string & { readonly __audience: 'graph' };
/** An access token for Candor's own API (`access_as_user`). Never send it to Graph. */
export type CandorApiToken = string & { readonly __audience: 'candor-api' };

export interface AuthSession {
  readonly strategy: AuthStrategy;
  /** Interactive sign-in; call from a user gesture (popups and dialogs need one). */
  signIn(): Promise<Account>;
  /** The account from an earlier sign-in or a completed redirect, without interaction; null if none. */
  restore(): Promise<Account | null>;
  /** A token for Microsoft Graph only (the six Graph scopes). */
  getGraphToken(): Promise<GraphAccessToken>;
  /** A token for Candor's tracking API only (its `access_as_user` scope). */
  getApiToken(): Promise<CandorApiToken>;
  /** Forgets the user locally (MSAL cache, tokens) and runs `onSignedOut` (the UI wipes IndexedDB there). */
  signOut(): Promise<void>;
  account(): Account | null;
}

export interface AuthOptions {
  /** Called after sign-out cleared auth state; the UI wipes local data here. */
  onSignedOut?: () => Promise<void> | void;
}

export type AuthErrorCode =
  | 'interaction_required'
  | 'redirecting'
  | 'dialog_failed'
  | 'dialog_unavailable'
  | 'demo_unavailable'
  | 'not_signed_in';

/**
 * Why a token could not be had. `interaction_required`: call `signIn()` from a user gesture.
 * `redirecting`: the page is leaving for Microsoft's sign-in; nothing to show.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
