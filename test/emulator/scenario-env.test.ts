import { describe, expect, it } from 'vitest';
import { emulatorScenarioFromEnv } from '../../src/emulator/scenario-env';

describe('emulator scenario from the environment (demo and e2e)', () => {
  it('keeps the defaults when nothing is set', () => {
    expect(emulatorScenarioFromEnv({})).toEqual({ options: {}, inboxSize: 0, roamingSettings: true });
  });

  it('reads every switch', () => {
    expect(
      emulatorScenarioFromEnv({
        CANDOR_EMULATOR_HEADERS: 'omitted',
        CANDOR_EMULATOR_SENT_ITEMS_DELAY_MS: '300000',
        CANDOR_EMULATOR_CLOCK_OFFSET_MS: '-240000',
        CANDOR_EMULATOR_EXPIRED_DELTA: 'gone-resyncRequired',
        CANDOR_EMULATOR_DELTA_FILTER_REFUSED: 'true',
        CANDOR_EMULATOR_INBOX_SIZE: '50000',
        CANDOR_EMULATOR_ROAMING_SETTINGS: 'none',
        CANDOR_EMULATOR_AMBIENT_MAIL_EVERY_MS: '0',
        CANDOR_EMULATOR_DELTA_TOKEN_LIFETIME_MS: String(365 * 86_400_000),
      }),
    ).toEqual({
      options: {
        internetMessageHeadersUnderReadBasic: 'omitted',
        sentItemsDelayMs: 300_000,
        exchangeClockOffsetMs: -240_000,
        expiredDeltaAnswer: 'gone-resyncRequired',
        deltaFilterRefused: true,
        ambientMailEveryMs: 0,
        deltaTokenLifetimeMs: 365 * 86_400_000,
      },
      inboxSize: 50_000,
      roamingSettings: false,
    });
  });

  it('refuses values it does not know, so a typo never silently runs the wrong scenario', () => {
    expect(() => emulatorScenarioFromEnv({ CANDOR_EMULATOR_HEADERS: 'ommited' })).toThrow(
      /CANDOR_EMULATOR_HEADERS/,
    );
    expect(() => emulatorScenarioFromEnv({ CANDOR_EMULATOR_INBOX_SIZE: 'lots' })).toThrow(/INBOX_SIZE/);
    expect(() => emulatorScenarioFromEnv({ CANDOR_EMULATOR_ROAMING_SETTINGS: 'off' })).toThrow(/ROAMING/);
    expect(() => emulatorScenarioFromEnv({ CANDOR_EMULATOR_DELTA_TOKEN_LIFETIME_MS: '5' })).toThrow(
      /DELTA_TOKEN_LIFETIME/,
    );
  });
});
