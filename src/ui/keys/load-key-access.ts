/**
 * One KeyAccess per signed-in session (src/storage/key-access.ts), shared by the key screens, the
 * campaign runtime and reply tracking, so the key is never resolved or created twice at once.
 * Loaded by dynamic import: none of it is in the first-load bundle.
 */
import { createApiClient } from '../../api/client';
import { loadRoamingSettings } from '../../outlook/load-roaming-settings';
import type { RoamingSettings } from '../../outlook/roaming-settings';
import { systemClock } from '../../shared/clock';
import { openCandorDb } from '../../storage/db';
import { openKeyAccess, type KeyAccess } from '../../storage/key-access';
import { keyCrypto } from '../../storage/key-crypto';
import type { PaneSession } from '../pane-services';

export interface KeyAccessConfig {
  mode: 'demo' | 'entra';
  graphBaseUrl: string;
  apiBaseUrl: string;
}

interface KeySession extends PaneSession {
  getApiToken(): Promise<string>;
  account(): { tid: string; oid: string } | null;
}

export interface SessionKeys {
  access: KeyAccess;
  /** Outlook's roaming settings (or the demo's stand-in); null outside Outlook. */
  roaming: RoamingSettings | null;
}

const built = new WeakMap<PaneSession, Promise<SessionKeys>>();

/** The emulator's roaming-settings stand-in, next to its Graph endpoint (demo mode only). */
function demoRoamingUrl(graphBaseUrl: string): string {
  return graphBaseUrl.replace(/\/graph\/v1\.0\/?$/, '/roaming-settings');
}

export function loadSessionKeys(config: KeyAccessConfig, session: PaneSession): Promise<SessionKeys> {
  let keys = built.get(session);
  if (!keys) {
    keys = build(config, session).catch((error: unknown) => {
      built.delete(session);
      throw error;
    });
    built.set(session, keys);
  }
  return keys;
}

async function build(config: KeyAccessConfig, session: PaneSession): Promise<SessionKeys> {
  const s = session as Partial<KeySession>;
  if (typeof s.getApiToken !== 'function' || typeof s.account !== 'function')
    throw new Error('This sign-in cannot reach Candor’s service.');
  const identity = s.account();
  if (!identity) throw new Error('Sign in again to open your tracking data.');
  const getApiToken = () => (session as KeySession).getApiToken();
  const roaming = await loadRoamingSettings(
    config.mode === 'demo'
      ? { demo: { url: demoRoamingUrl(config.graphBaseUrl), getToken: () => session.getGraphToken() } }
      : {},
  );
  const access = openKeyAccess({
    db: await openCandorDb(),
    api: createApiClient({ baseUrl: config.apiBaseUrl, getApiToken }),
    identity,
    clock: systemClock,
    roaming,
    crypto: keyCrypto,
  });
  return { access, roaming };
}
