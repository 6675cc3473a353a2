import type { AuthConfig } from '../auth';
import type { OfficeHost } from '../outlook';
import type { PaneServices, PaneSession } from './pane-services';

/** Disconnecting calls Candor's API, which needs the session's API token (src/auth's AuthSession has it). */
function apiTokenOf(session: PaneSession): () => Promise<string> {
  const s = session as PaneSession & { getApiToken?: () => Promise<string> };
  if (typeof s.getApiToken !== 'function') throw new Error('This sign-in cannot reach Candor’s service.');
  return () => s.getApiToken!();
}

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
      const getApiToken = apiTokenOf(session);
      const [{ createApiClient }, { openCandorDb }, { disconnect }, { closeCampaignRuntime }] =
        await Promise.all([
          import('../api/client'),
          import('../storage/db'),
          import('../storage/disconnect'),
          import('./campaign/load-runtime'),
        ]);
      // A campaign still open would save (and register its key) again after the deletion.
      await closeCampaignRuntime(session);
      const db = await openCandorDb();
      try {
        await disconnect(db, createApiClient({ baseUrl: config.apiBaseUrl, getApiToken }));
      } finally {
        db.close();
      }
    },
    async loadCampaigns(session) {
      const { loadCampaignRuntime } = await import('./campaign/load-runtime');
      return loadCampaignRuntime(config, session);
    },
    async loadResults(session) {
      const { loadResultsSource } = await import('./results/load-results');
      return loadResultsSource(config, session);
    },
  };
}
