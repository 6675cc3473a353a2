import type { ExpiredDeltaAnswer, MailboxEmulatorOptions } from './mailbox';

const HEADER_MODES = ['returned', 'omitted', 'forbidden'] as const;
const EXPIRED_ANSWERS: readonly ExpiredDeltaAnswer[] = [
  'gone-syncStateNotFound',
  'gone-resyncRequired',
  'badRequest-syncStateNotFound',
  'badRequest-syncStateInvalid',
  'notFound-invalidSyncStateData',
];

/** Emulator options the demo reads from its environment, plus how many unrelated messages to preload. */
export interface EnvScenario {
  options: Partial<MailboxEmulatorOptions>;
  /** `CANDOR_EMULATOR_INBOX_SIZE`: unrelated messages put in the demo user's Inbox at start. */
  inboxSize: number;
  /**
   * `CANDOR_EMULATOR_ROAMING_SETTINGS`: `outlook` (default) — the demo pane behaves as in Outlook and
   * gets the roaming-settings stand-in; `none` — as a plain browser outside Outlook, without them.
   */
  roamingSettings: boolean;
}

function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

function oneOf<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw))
    throw new Error(`${name} must be one of ${allowed.join(', ')}`);
  return raw as T;
}

/**
 * Scenario switches for demo mode and the e2e tests (which start the server with extra environment):
 * `CANDOR_EMULATOR_HEADERS` (returned | omitted | forbidden), `CANDOR_EMULATOR_SENT_ITEMS_DELAY_MS`,
 * `CANDOR_EMULATOR_CLOCK_OFFSET_MS`, `CANDOR_EMULATOR_EXPIRED_DELTA` (an ExpiredDeltaAnswer),
 * `CANDOR_EMULATOR_DELTA_FILTER_REFUSED` (true | false), `CANDOR_EMULATOR_INBOX_SIZE`,
 * `CANDOR_EMULATOR_ROAMING_SETTINGS` (outlook | none), `CANDOR_EMULATOR_AMBIENT_MAIL_EVERY_MS` (0: none) and
 * `CANDOR_EMULATOR_DELTA_TOKEN_LIFETIME_MS` (simulated time: at a 20,000× demo clock the default 7 days
 * pass in 30 s, and unrelated mail arrives every 0.7 s).
 * Unset variables keep the emulator's defaults. A bad value throws (the server refuses to start).
 */
export function emulatorScenarioFromEnv(env: NodeJS.ProcessEnv): EnvScenario {
  const options: Partial<MailboxEmulatorOptions> = {};
  const headers = oneOf('CANDOR_EMULATOR_HEADERS', env.CANDOR_EMULATOR_HEADERS, HEADER_MODES);
  if (headers) options.internetMessageHeadersUnderReadBasic = headers;
  const sentDelay = integer(
    'CANDOR_EMULATOR_SENT_ITEMS_DELAY_MS',
    env.CANDOR_EMULATOR_SENT_ITEMS_DELAY_MS,
    0,
    86_400_000,
  );
  if (sentDelay !== undefined) options.sentItemsDelayMs = sentDelay;
  const offset = integer(
    'CANDOR_EMULATOR_CLOCK_OFFSET_MS',
    env.CANDOR_EMULATOR_CLOCK_OFFSET_MS,
    -86_400_000,
    86_400_000,
  );
  if (offset !== undefined) options.exchangeClockOffsetMs = offset;
  const expired = oneOf('CANDOR_EMULATOR_EXPIRED_DELTA', env.CANDOR_EMULATOR_EXPIRED_DELTA, EXPIRED_ANSWERS);
  if (expired) options.expiredDeltaAnswer = expired;
  const refused = oneOf('CANDOR_EMULATOR_DELTA_FILTER_REFUSED', env.CANDOR_EMULATOR_DELTA_FILTER_REFUSED, [
    'true',
    'false',
  ] as const);
  if (refused) options.deltaFilterRefused = refused === 'true';
  const ambient = integer(
    'CANDOR_EMULATOR_AMBIENT_MAIL_EVERY_MS',
    env.CANDOR_EMULATOR_AMBIENT_MAIL_EVERY_MS,
    0,
    365 * 86_400_000,
  );
  if (ambient !== undefined) options.ambientMailEveryMs = ambient;
  const lifetime = integer(
    'CANDOR_EMULATOR_DELTA_TOKEN_LIFETIME_MS',
    env.CANDOR_EMULATOR_DELTA_TOKEN_LIFETIME_MS,
    60_000,
    3650 * 86_400_000,
  );
  if (lifetime !== undefined) options.deltaTokenLifetimeMs = lifetime;
  return {
    options,
    inboxSize: integer('CANDOR_EMULATOR_INBOX_SIZE', env.CANDOR_EMULATOR_INBOX_SIZE, 0, 200_000) ?? 0,
    roamingSettings:
      oneOf('CANDOR_EMULATOR_ROAMING_SETTINGS', env.CANDOR_EMULATOR_ROAMING_SETTINGS, [
        'outlook',
        'none',
      ] as const) !== 'none',
  };
}
