import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_API_CLIENT_ID, loadConfig } from '../../../src/server/config';

const CLIENT = '11111111-2222-4333-8444-555555555555';
const ADDIN = '66666666-7777-4888-9999-000000000000';

describe('configuration', () => {
  it('defaults to a demo deployment on 127.0.0.1:3000 with embedded SQLite', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      mode: 'demo',
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
    });
    expect(c.database).toMatchObject({ kind: 'sqlite' });
    expect(c.database.kind === 'sqlite' && c.database.file.endsWith('.data/candor.sqlite')).toBe(true);
    expect(c.auth.apiClientId).toBe(DEMO_API_CLIENT_ID);
    expect(c.auth.issuerTemplate).toBe('http://127.0.0.1:3000/emulator/identity/{tenantid}/v2.0');
    expect(c.retention.graceDays).toBe(30);
  });

  it('switches to Entra with Microsoft endpoints when a client id is given', () => {
    const c = loadConfig({
      ENTRA_API_CLIENT_ID: CLIENT,
      ENTRA_ADDIN_CLIENT_IDS: ADDIN,
      DATABASE_URL: 'postgres://db/candor',
    });
    expect(c.mode).toBe('entra');
    expect(c.auth).toEqual({
      apiClientId: CLIENT,
      addinClientIds: [ADDIN],
      issuerTemplate: 'https://login.microsoftonline.com/{tenantid}/v2.0',
      jwksUrl: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://db/candor' });
    // The add-in defaults to the API's own registration.
    expect(loadConfig({ ENTRA_API_CLIENT_ID: CLIENT }).auth.addinClientIds).toEqual([CLIENT]);
  });

  it('refuses a grace period that would break the 60-day deletion promise', () => {
    expect(loadConfig({ PURGE_GRACE_DAYS: '60' }).retention.graceDays).toBe(60);
    expect(() => loadConfig({ PURGE_GRACE_DAYS: '61' })).toThrow(ConfigError);
    expect(() => loadConfig({ PURGE_GRACE_DAYS: '-1' })).toThrow(ConfigError);
  });

  it('refuses insecure or malformed Entra settings', () => {
    expect(() => loadConfig({ CANDOR_MODE: 'entra' })).toThrow(/ENTRA_API_CLIENT_ID/);
    expect(() => loadConfig({ ENTRA_API_CLIENT_ID: 'not-a-guid' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ENTRA_API_CLIENT_ID: CLIENT, ENTRA_JWKS_URL: 'http://keys.example/keys' }),
    ).toThrow(/https/);
    expect(() =>
      loadConfig({ ENTRA_API_CLIENT_ID: CLIENT, ENTRA_ISSUER_TEMPLATE: 'https://x/v2.0' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: 'not a url' })).toThrow(ConfigError);
  });

  it('normalises CORS origins to exact origins', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example/, https://b.example:8443/path' }).corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example:8443']);
  });
});
