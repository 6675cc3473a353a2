import { createContext, useContext } from 'react';
import type { OfficeHost } from '../outlook';
import type { CampaignRuntime } from './campaign/runtime';
import type { ResultsSource } from '../core/results/types';

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
  /** Opens and replies of sent campaigns (src/ui/results/load-results.ts); starts reply sync. */
  loadResults?(session: PaneSession): Promise<ResultsSource>;
}

const PaneServicesContext = createContext<PaneServices | null>(null);
export const PaneServicesProvider = PaneServicesContext.Provider;

export function usePaneServices(): PaneServices {
  const services = useContext(PaneServicesContext);
  if (!services) throw new Error('usePaneServices needs a PaneServicesProvider above it');
  return services;
}
