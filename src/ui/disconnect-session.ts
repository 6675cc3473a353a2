/**
 * Disconnect for a signed-in session (PaneServices.disconnect): the campaign runtime is closed first,
 * then Candor's backend deletes the user's rows, keys' backups and approvals, this device forgets
 * its key pair and tracking data, and Candor's share of the key leaves Outlook's roaming settings
 * where the pane can reach them. Loaded on demand, like everything Disconnect needs.
 */
import { createApiClient } from '../api/client';
import { openCandorDb } from '../storage/db';
import { disconnect } from '../storage/disconnect';
import { closeCampaignRuntime } from './campaign/load-runtime';
import { loadSessionKeys, type KeyAccessConfig } from './keys/load-key-access';
import type { PaneSession } from './pane-services';

/** Disconnecting calls Candor's API, which needs the session's API token (src/auth's AuthSession has it). */
function apiTokenOf(session: PaneSession): () => Promise<string> {
  const s = session as PaneSession & { getApiToken?: () => Promise<string> };
  if (typeof s.getApiToken !== 'function') throw new Error('This sign-in cannot reach Candor’s service.');
  return () => s.getApiToken!();
}

export async function disconnectSession(config: KeyAccessConfig, session: PaneSession): Promise<void> {
  const getApiToken = apiTokenOf(session);
  // A campaign still open would save (and register its key) again after the deletion.
  await closeCampaignRuntime(session);
  const roaming = await loadSessionKeys(config, session)
    .then((k) => k.roaming)
    .catch(() => null);
  const db = await openCandorDb();
  try {
    await disconnect(db, createApiClient({ baseUrl: config.apiBaseUrl, getApiToken }), roaming);
  } finally {
    db.close();
  }
}
