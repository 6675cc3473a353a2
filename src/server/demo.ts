import { join } from 'node:path';
import { acceleratedClock, type TimeScale } from '../shared/accelerated-clock';
import type { Clock } from '../shared/clock';
import { LocalIssuer } from '../emulator/identity/issuer';
import { localKeySource, type KeySource } from './auth/key-source';
import type { FastifyInstance } from 'fastify';
import { registerEmulator } from '../emulator/http';
import { emulatorScenarioFromEnv } from '../emulator/scenario-env';
import { createMailboxEmulator, jwksTokenVerifier, type UserRecord } from '../emulator/mailbox';
import { DEMO_CONTRACT_END, DEMO_TENANT_ID, DEMO_USER_OID, type Config } from './config';
import { allowedHostnames, requireAllowedHost } from './host-guard';
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
  /** Mounts the mailbox emulator, the issuer's key set and the demo sign-in under /emulator. */
  registerEmulator(app: FastifyInstance): Promise<void>;
}

/** The one user the demo signs in: a recruiter in the demo tenant. */
export const DEMO_USER: UserRecord = {
  tid: DEMO_TENANT_ID,
  oid: DEMO_USER_OID,
  displayName: 'Dana Recruiter',
  mail: 'dana@candor-demo.example',
  userPrincipalName: 'dana@candor-demo.example',
  givenName: 'Dana',
  surname: 'Recruiter',
  jobTitle: 'Talent Partner',
};

/**
 * Demo mode: the local issuer stands in for Entra (the API validates its tokens with the same code),
 * and the demo tenant is onboarded so the pane works on first start.
 */
export async function setupDemo(
  config: Config,
  store: Store,
  clock: Clock,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Demo> {
  const issuer = await openDemoIssuer(config, clock);
  const existing = await store.getTenant(DEMO_TENANT_ID);
  if (!existing) {
    await store.upsertTenant(
      { tid: DEMO_TENANT_ID, contractEndsAt: contractEndInstant(DEMO_CONTRACT_END) },
      clock.now(),
    );
  }
  // The fast demo clock moves the mailbox only; tokens keep real lifetimes (verified on `clock`).
  const timeScale: TimeScale | undefined =
    config.demoClockFactor > 1 ? { factor: config.demoClockFactor, anchor: clock.now() } : undefined;
  // Scenario switches (docs/emulator.md): e.g. CANDOR_EMULATOR_HEADERS=omitted for the without-headers run.
  const scenario = emulatorScenarioFromEnv(env);
  const emulator = createMailboxEmulator({
    clock: timeScale ? acceleratedClock(timeScale, () => clock.now()) : clock,
    verifyToken: jwksTokenVerifier(issuer.jwks(), clock),
    ...scenario.options,
  });
  emulator.addUser(DEMO_USER);
  if (scenario.inboxSize > 0) emulator.fillFolder(DEMO_USER.oid, 'inbox', scenario.inboxSize);
  return {
    issuer,
    keys: localKeySource(() => issuer.jwks()),
    // The demo sign-in hands out tokens to whoever asks: only to pages on our own host names, so a
    // DNS-rebinding page (any name resolving to 127.0.0.1) gets 403 rather than the demo user's tokens.
    registerEmulator: async (app) => {
      await app.register(async (scope) => {
        scope.addHook('onRequest', requireAllowedHost(allowedHostnames(config)));
        await registerEmulator(scope, {
          emulator,
          issuer,
          demoUser: DEMO_USER,
          api: { audience: config.auth.apiClientId, azp: config.auth.addinClientIds[0] as string },
          timeScale,
          ...(config.demoLeaseSeconds ? { leaseSeconds: config.demoLeaseSeconds } : {}),
          roamingSettings: scenario.roamingSettings,
        });
      });
    },
  };
}
