/**
 * The task pane's build-time configuration. webpack's DefinePlugin replaces `__CANDOR_PANE_CONFIG__`
 * with values derived from the CANDOR_* environment variables (see webpack.config.js and
 * docs/deploy.md). URLs may be relative there ("same origin as the pane"); they are resolved here
 * against the pane's own origin so every consumer gets absolute URLs.
 */
export interface PaneConfig {
  /** `demo`: local identity and mailbox emulator; `entra`: Microsoft Entra ID and Microsoft Graph. */
  mode: 'demo' | 'entra';
  /** The add-in's Entra application (client) id. */
  clientId: string;
  /** MSAL authority, e.g. `https://login.microsoftonline.com/organizations`. */
  authority: string;
  /** Origin of Candor's tracking backend (API under `/api`, pixels under `/o`). */
  apiBaseUrl: string;
  /** The delegated scope for Candor's API: `api://<host>/<client-id>/access_as_user`. */
  apiScope: string;
  /** Microsoft Graph v1.0 root, or the emulator's in demo mode. */
  graphBaseUrl: string;
  /** Demo mode only: where the local issuer mints tokens for the demo user; empty in entra mode. */
  demoTokenUrl: string;
  /** The Office dialog page that runs the MSAL redirect flow when NAA is unavailable. */
  dialogUrl: string;
  /** MSAL redirect URI for the plain-browser redirect flow. */
  redirectUri: string;
}

declare const __CANDOR_PANE_CONFIG__: PaneConfig | undefined;

/**
 * What a build without any CANDOR_* variable produces. Used where no bundler defined the config
 * (component tests); must equal webpack.config.js's demo derivation (test/build checks it).
 */
export const DEMO_PANE_CONFIG: PaneConfig = {
  mode: 'demo',
  clientId: 'c0ffee00-0000-4000-8000-00000000c4d0',
  authority: '/emulator/identity/organizations/v2.0',
  apiBaseUrl: '',
  apiScope: 'api://localhost:3000/c0ffee00-0000-4000-8000-00000000c4d0/access_as_user',
  graphBaseUrl: '/emulator/graph/v1.0',
  demoTokenUrl: '/emulator/identity/demo/token',
  dialogUrl: '/dialog.html',
  redirectUri: '/taskpane.html',
};

const URL_FIELDS = [
  'authority',
  'apiBaseUrl',
  'graphBaseUrl',
  'demoTokenUrl',
  'dialogUrl',
  'redirectUri',
] as const;

/** Makes every relative URL absolute against `origin`; empty `demoTokenUrl` stays empty (entra mode). */
export function resolvePaneConfig(raw: PaneConfig, origin: string): PaneConfig {
  const out = { ...raw };
  for (const field of URL_FIELDS) {
    const value = raw[field];
    if (field === 'demoTokenUrl' && value === '') continue;
    out[field] = new URL(value, `${origin}/`).href.replace(/\/+$/, '');
  }
  return out;
}

function currentOrigin(): string {
  const origin = globalThis.location?.origin;
  return origin && origin !== 'null' ? origin : 'https://localhost:3000';
}

export const paneConfig: PaneConfig = resolvePaneConfig(
  typeof __CANDOR_PANE_CONFIG__ !== 'undefined' ? __CANDOR_PANE_CONFIG__ : DEMO_PANE_CONFIG,
  currentOrigin(),
);
