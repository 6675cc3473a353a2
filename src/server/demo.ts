import { join } from 'node:path';
import type { Clock } from '../shared/clock';
import { LocalIssuer } from '../emulator/identity/issuer';
import { localKeySource, type KeySource } from './auth/key-source';
import { DEMO_CONTRACT_END, DEMO_TENANT_ID, type Config } from './config';
import { contractEndInstant } from './retention/contract';
import type { Store } from './store/store';

/** The local issuer of demo mode; its signing key persists in the data directory (git-ignored). */
export function openDemoIssuer(config: Config, clock: Clock): Promise<LocalIssuer> {
  return LocalIssuer.create({
    baseUrl: `${config.publicUrl}/emulator/identity`,
    keyFile: join(config.dataDir, 'issuer-key.json'),
    clock,
  });
}

export interface Demo {
  issuer: LocalIssuer;
  keys: KeySource;
}

/**
 * Demo mode: the local issuer stands in for Entra (the API validates its tokens with the same code),
 * and the demo tenant is onboarded so the pane works on first start.
 */
export async function setupDemo(config: Config, store: Store, clock: Clock): Promise<Demo> {
  const issuer = await openDemoIssuer(config, clock);
  const existing = await store.getTenant(DEMO_TENANT_ID);
  if (!existing) {
    await store.upsertTenant(
      { tid: DEMO_TENANT_ID, contractEndsAt: contractEndInstant(DEMO_CONTRACT_END) },
      clock.now(),
    );
  }
  return { issuer, keys: localKeySource(() => issuer.jwks()) };
}
