import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import webpackConfig, { paneConfigFromEnv, paths } from '../../webpack.config.js';
import { DEMO_PANE_CONFIG, resolvePaneConfig } from '../../src/taskpane/config';
import { apiScope } from '../../src/shared/scopes';

const CLIENT_ID = '8a1c7e52-0d5f-4b7a-9e43-2f6b1c0d9e11';

describe('paneConfigFromEnv (build-time configuration of the task pane)', () => {
  it('builds demo mode against the same-origin emulator when no client id is set', () => {
    expect(paneConfigFromEnv({})).toEqual(DEMO_PANE_CONFIG);
    expect(paneConfigFromEnv({ CANDOR_CLIENT_ID: '  ' }).mode).toBe('demo');
  });

  it('builds entra mode against Microsoft when a client id is set', () => {
    const config = paneConfigFromEnv({
      CANDOR_CLIENT_ID: CLIENT_ID,
      CANDOR_PUBLIC_URL: 'https://candor.contoso.com/',
    });
    expect(config).toEqual({
      mode: 'entra',
      clientId: CLIENT_ID,
      authority: 'https://login.microsoftonline.com/organizations',
      apiBaseUrl: '',
      apiScope: apiScope(`api://candor.contoso.com/${CLIENT_ID}`),
      graphBaseUrl: 'https://graph.microsoft.com/v1.0',
      demoTokenUrl: '',
      dialogUrl: 'https://candor.contoso.com/dialog.html',
      redirectUri: 'https://candor.contoso.com/taskpane.html',
    });
  });

  it('takes the API URL, Application ID URI and authority from the environment', () => {
    const config = paneConfigFromEnv({
      CANDOR_CLIENT_ID: CLIENT_ID,
      CANDOR_PUBLIC_URL: 'https://candor.contoso.com',
      CANDOR_API_URL: 'https://track.contoso.com/',
      CANDOR_API_APP_ID_URI: 'api://auth.contoso.com/candor',
      CANDOR_AUTHORITY: 'https://login.microsoftonline.com/7f3c1a2b-0000-4000-8000-000000000001',
    });
    expect(config.apiBaseUrl).toBe('https://track.contoso.com');
    expect(config.apiScope).toBe('api://auth.contoso.com/candor/access_as_user');
    expect(config.authority).toBe('https://login.microsoftonline.com/7f3c1a2b-0000-4000-8000-000000000001');
  });
});

describe('resolvePaneConfig (in the browser)', () => {
  it('makes same-origin URLs absolute against the pane origin and leaves absolute ones alone', () => {
    const demo = resolvePaneConfig(DEMO_PANE_CONFIG, 'https://127.0.0.1:3000');
    expect(demo.apiBaseUrl).toBe('https://127.0.0.1:3000');
    expect(demo.graphBaseUrl).toBe('https://127.0.0.1:3000/emulator/graph/v1.0');
    expect(demo.demoTokenUrl).toBe('https://127.0.0.1:3000/emulator/identity/demo/token');
    expect(demo.dialogUrl).toBe('https://127.0.0.1:3000/dialog.html');
    const entra = resolvePaneConfig(
      paneConfigFromEnv({ CANDOR_CLIENT_ID: CLIENT_ID, CANDOR_API_URL: 'https://track.contoso.com' }),
      'https://candor.contoso.com',
    );
    expect(entra.apiBaseUrl).toBe('https://track.contoso.com');
    expect(entra.graphBaseUrl).toBe('https://graph.microsoft.com/v1.0');
    expect(entra.demoTokenUrl).toBe('');
    expect(entra.redirectUri).toBe('https://candor.contoso.com/taskpane.html');
  });
});

describe('webpack configuration guards', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('refuses a deployment build that would ship a manifest pointing at localhost', () => {
    vi.stubEnv('CANDOR_CLIENT_ID', CLIENT_ID);
    vi.stubEnv('CANDOR_PUBLIC_URL', '');
    expect(() => webpackConfig({}, { mode: 'production' })).toThrow(/CANDOR_PUBLIC_URL/);
    vi.stubEnv('CANDOR_PUBLIC_URL', 'http://candor.contoso.com');
    expect(() => webpackConfig({}, { mode: 'production' })).toThrow(/https/);
  });

  it("warns that a build's manifest points at localhost:3000, except for `npm start`, whose server names its own", () => {
    vi.stubEnv('CANDOR_CLIENT_ID', '');
    vi.stubEnv('CANDOR_PUBLIC_URL', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      webpackConfig({}, { mode: 'production' });
      expect(warn.mock.calls.flat().join(' ')).toContain('https://localhost:3000');
      warn.mockClear();
      webpackConfig({ local: true }, { mode: 'production' });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('serves the dev pane on loopback only, proxying the backend paths and the local office.js', () => {
    vi.stubEnv('CANDOR_CLIENT_ID', '');
    const devServer = webpackConfig({}, { mode: 'development' }).devServer as unknown as {
      host: string;
      port: number;
      proxy: Array<{ context: string[]; target: string }>;
      static: Array<{ directory: string; publicPath: string }>;
    };
    expect([devServer.host, devServer.port]).toEqual(['127.0.0.1', 3000]);
    expect(devServer.proxy).toEqual([
      { context: ['/api', '/o', '/emulator'], target: 'http://127.0.0.1:3001' },
    ]);
    expect(devServer.static).toEqual([
      expect.objectContaining({ directory: paths.officeJsDist, publicPath: '/vendor' }),
    ]);
    expect(existsSync(join(paths.officeJsDist, 'office.js'))).toBe(true);
  });
});
