import type { AuthConfig } from '../auth';
import type { OfficeHost } from '../outlook';
import type { PaneServices } from './pane-services';

export interface BoundaryConfig extends AuthConfig {
  graphBaseUrl: string;
  apiBaseUrl: string;
}

/**
 * The real boundaries for the pane. Auth (and MSAL behind it) and the Graph client are dynamic
 * imports: webpack splits them into chunks fetched after the first render, keeping the first load
 * inside its budget.
 */
export function createPaneServices(config: BoundaryConfig, office: OfficeHost): PaneServices {
  return {
    mode: config.mode,
    office,
    async loadSession() {
      const { loadAuth } = await import('../auth');
      const createAuth = await loadAuth();
      return createAuth(config, office);
    },
    async loadGraph(session) {
      const { createGraph } = await import('../graph');
      return createGraph({ baseUrl: config.graphBaseUrl, getAccessToken: () => session.getGraphToken() });
    },
    async disconnect(session) {
      const { disconnectSession } = await import('./disconnect-session');
      await disconnectSession(config, session);
    },
    async loadCampaigns(session) {
      const { loadCampaignRuntime } = await import('./campaign/load-runtime');
      return loadCampaignRuntime(config, session);
    },
    async loadResults(session) {
      const { loadResultsSource } = await import('./results/load-results');
      return loadResultsSource(config, session);
    },
    async loadKeyAccess(session) {
      const { loadSessionKeys } = await import('./keys/load-key-access');
      return (await loadSessionKeys(config, session)).access;
    },
    async checkPassphrase(passphrase) {
      const { checkPassphrase } = await import('../crypto/key-backup/passphrase');
      return checkPassphrase(passphrase);
    },
  };
}
