import { createContext, useContext } from 'react';
import type { ResultsSource } from '../core/results/types';
import type { OfficeHost } from '../outlook';
import type { CampaignRuntime } from './campaign/runtime';
import type { CheckPassphrase, KeyAccess } from './keys/key-access-types';

/** The signed-in account as the pane shows it before /me answers. */
export interface PaneAccount {
  name?: string;
  username?: string;
}

/**
 * What the UI needs from the auth boundary (src/auth's AuthSession satisfies it). Kept narrow so
 * component tests can pass a fake.
 */
export interface PaneSession {
  /** Interactive sign-in (NAA, Office dialog, redirect or the demo identity). */
  signIn(): Promise<unknown>;
  /** Silent sign-in from cache; resolves null (or undefined) when there is nothing to restore. */
  restore(): Promise<unknown>;
  signOut(): Promise<void>;
  getGraphToken(): Promise<string>;
}

/** The recruiter's profile from Graph `/me`. */
export interface PaneProfile {
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
}

/** What the UI needs from the Graph boundary (src/graph's Graph satisfies it). */
export interface PaneGraph {
  getProfile(signal?: AbortSignal): Promise<PaneProfile>;
}

/**
 * Every outside system the UI reaches, injected at the top (src/taskpane/index.tsx builds the real
 * ones; tests pass fakes). Auth and Graph are loaders so their code is fetched only after the first
 * render.
 */
export interface PaneServices {
  mode: 'demo' | 'entra';
  /** `getComposeItem` is there for "Use this draft as the template" in the campaign screens. */
  office: Pick<OfficeHost, 'inOffice' | 'theme' | 'onThemeChange' | 'getComposeItem'>;
  loadSession(): Promise<PaneSession>;
  loadGraph(session: PaneSession): Promise<PaneGraph>;
  /**
   * Disconnect: Candor's backend deletes the user's rows and public key, then this device forgets
   * its key pair and tracking data. Rejects, leaving everything in place, if the backend cannot be
   * reached. No Disconnect action without it.
   */
  disconnect?(session: PaneSession): Promise<void>;
  /** The campaign screens' boundaries (src/ui/campaign/load-runtime.ts); no Campaigns screen without it. */
  loadCampaigns?(session: PaneSession): Promise<CampaignRuntime>;
  /**
   * Campaign results (reply sync and opened events) for the report screens; while absent, they say
   * that results are not available yet.
   */
  loadResults?(session: PaneSession): Promise<ResultsSource>;
  /**
   * The user's key on this device (src/storage/key-access.ts): after connecting, the pane resolves it
   * once in the background; a device without it gets the "Open your tracking data" screens. Absent:
   * no key screens (the campaign runtime manages the key as before).
   */
  loadKeyAccess?(session: PaneSession): Promise<KeyAccess>;
  /** Passphrase strength (src/crypto/key-backup/passphrase.ts); absent: only recovery codes are offered. */
  checkPassphrase?: CheckPassphrase;
}

const PaneServicesContext = createContext<PaneServices | null>(null);
export const PaneServicesProvider = PaneServicesContext.Provider;

export function usePaneServices(): PaneServices {
  const services = useContext(PaneServicesContext);
  if (!services) throw new Error('usePaneServices needs a PaneServicesProvider above it');
  return services;
}
