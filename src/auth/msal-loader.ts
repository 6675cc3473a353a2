import type { MsalClient, MsalConfig, MsalFactory } from './msal-types';

/**
 * The one place that loads @azure/msal-browser, on demand, so it stays out of the first-load bundle.
 * v4 on purpose: Microsoft's NAA sample pins v4, and v5's popup fallback needs a redirect-bridge page.
 */
export const msalFactory: MsalFactory = {
  async nestable(config: MsalConfig): Promise<MsalClient> {
    const msal = await import('@azure/msal-browser');
    const pca: MsalClient = await msal.createNestablePublicClientApplication(config);
    return pca;
  },
  async standard(config: MsalConfig): Promise<MsalClient> {
    const msal = await import('@azure/msal-browser');
    const pca: MsalClient = await msal.createStandardPublicClientApplication(config);
    return pca;
  },
};
