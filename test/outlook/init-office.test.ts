import { describe, expect, it } from 'vitest';
import { initOffice } from '../../src/outlook';
import { OfficeDialogError } from '../../src/outlook/auth-dialog';
import { themeFromOfficeColors } from '../../src/outlook/theme';
import { createFakeMedia, createFakeOffice } from '../support/office-fake';

const WHITE = { bodyBackgroundColor: '#FFFFFF', bodyForegroundColor: '#262626' };
const DARK_GRAY = { bodyBackgroundColor: '#292929', bodyForegroundColor: '#FFFFFF' };
const HIGH_CONTRAST = { bodyBackgroundColor: '#000000', bodyForegroundColor: '#FFFFFF' };

describe('initOffice host detection', () => {
  it('treats a missing Office global (office.js failed to load) as a plain browser', async () => {
    const host = await initOffice({ office: undefined, matchMedia: undefined });
    expect(host).toMatchObject({
      inOffice: false,
      host: null,
      platform: null,
      naaSupported: false,
      theme: 'light',
    });
    expect(host.openAuthDialog).toBeUndefined();
    await expect(host.getComposeItem()).resolves.toBeNull();
  });

  it('handles office.js loaded outside Office: host null and isSetSupported throwing', async () => {
    const { office } = createFakeOffice({ host: null, requirementsThrow: true });
    const host = await initOffice({ office, matchMedia: undefined });
    expect(host.inOffice).toBe(false);
    expect(host.naaSupported).toBe(false);
  });

  it('gives up waiting for a stalled Office.onReady after the timeout', async () => {
    const { office } = createFakeOffice({ ready: 'never' });
    const started = Date.now();
    const host = await initOffice({ office, timeoutMs: 50, matchMedia: undefined });
    expect(host.inOffice).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('treats a rejecting onReady as outside Office', async () => {
    const { office } = createFakeOffice({ ready: 'reject' });
    expect((await initOffice({ office, matchMedia: undefined })).inOffice).toBe(false);
  });

  it('reports Outlook, its platform and NAA support from the NestedAppAuth 1.1 requirement set', async () => {
    const withNaa = createFakeOffice({ platform: 'PC', requirementSets: { NestedAppAuth: '1.1' } });
    const host = await initOffice({ office: withNaa.office, matchMedia: undefined });
    expect(host).toMatchObject({ inOffice: true, host: 'Outlook', platform: 'PC', naaSupported: true });
    const without = createFakeOffice({ requirementSets: { Mailbox: '1.14' } });
    expect((await initOffice({ office: without.office, matchMedia: undefined })).naaSupported).toBe(false);
  });
});

describe('theme', () => {
  it('maps Office theme colours to light, dark and high contrast', () => {
    expect(themeFromOfficeColors(WHITE)).toBe('light');
    expect(themeFromOfficeColors({ bodyBackgroundColor: '#E6E6E6', bodyForegroundColor: '#262626' })).toBe(
      'light',
    );
    expect(themeFromOfficeColors(DARK_GRAY)).toBe('dark');
    expect(themeFromOfficeColors({ bodyBackgroundColor: '#262626', bodyForegroundColor: '#FFFFFF' })).toBe(
      'dark',
    );
    expect(themeFromOfficeColors(HIGH_CONTRAST)).toBe('highContrast');
    expect(themeFromOfficeColors({ bodyBackgroundColor: 'not a colour' })).toBeNull();
  });

  it("follows Outlook's theme and its OfficeThemeChanged event", async () => {
    const fake = createFakeOffice({ officeTheme: WHITE });
    const host = await initOffice({
      office: fake.office,
      matchMedia: createFakeMedia({ dark: true }).matchMedia,
    });
    expect(host.theme).toBe('light'); // Outlook's colours win over the webview's colour scheme
    const seen: string[] = [];
    const stop = host.onThemeChange((t) => seen.push(t));
    fake.changeTheme(DARK_GRAY);
    expect(host.theme).toBe('dark');
    fake.changeTheme(HIGH_CONTRAST);
    stop();
    fake.changeTheme(WHITE);
    expect(seen).toEqual(['dark', 'highContrast']);
    expect(host.theme).toBe('light');
  });

  it('uses prefers-color-scheme and forced-colors in a plain browser, live', async () => {
    const media = createFakeMedia({ dark: true });
    const host = await initOffice({ office: undefined, matchMedia: media.matchMedia });
    expect(host.theme).toBe('dark');
    const seen: string[] = [];
    host.onThemeChange((t) => seen.push(t));
    media.set({ forcedColors: true });
    media.set({ forcedColors: false, dark: false });
    expect(seen).toEqual(['highContrast', 'light']);
  });

  it('lets Windows forced colours override the Office theme', async () => {
    const fake = createFakeOffice({ officeTheme: WHITE });
    const host = await initOffice({
      office: fake.office,
      matchMedia: createFakeMedia({ forcedColors: true }).matchMedia,
    });
    expect(host.theme).toBe('highContrast');
  });
});

describe('getComposeItem', () => {
  it("reads the draft's subject and its body as HTML", async () => {
    const fake = createFakeOffice({
      item: { mode: 'compose', subject: 'Hello {{firstName}}', html: '<p>Hi</p>' },
    });
    const host = await initOffice({ office: fake.office, matchMedia: undefined });
    await expect(host.getComposeItem()).resolves.toEqual({
      subject: 'Hello {{firstName}}',
      html: '<p>Hi</p>',
    });
    expect(fake.coercionRequests).toEqual(['html']);
  });

  it('returns null in read mode and when no item is open', async () => {
    const read = createFakeOffice({ item: { mode: 'read', subject: 'Re: role' } });
    await expect(
      (await initOffice({ office: read.office, matchMedia: undefined })).getComposeItem(),
    ).resolves.toBeNull();
    const none = createFakeOffice({ item: null });
    await expect(
      (await initOffice({ office: none.office, matchMedia: undefined })).getComposeItem(),
    ).resolves.toBeNull();
  });

  it('rejects with a readable error when Outlook fails to read the body', async () => {
    const fake = createFakeOffice({ item: { mode: 'compose', subject: 's', html: '', failBody: 9020 } });
    const host = await initOffice({ office: fake.office, matchMedia: undefined });
    await expect(host.getComposeItem()).rejects.toThrow(/body \(9020\)/);
  });
});

describe('openAuthDialog', () => {
  it('resolves with the first messageParent message and closes the dialog', async () => {
    const fake = createFakeOffice();
    const host = await initOffice({ office: fake.office, matchMedia: undefined });
    const result = host.openAuthDialog!('https://127.0.0.1/auth-dialog.html');
    expect(fake.dialogs).toHaveLength(1);
    expect(fake.dialogs[0]!.url).toBe('https://127.0.0.1/auth-dialog.html');
    fake.dialogs[0]!.sendMessage('{"ok":true}');
    fake.dialogs[0]!.sendMessage('second message is ignored');
    await expect(result).resolves.toBe('{"ok":true}');
    expect(fake.dialogs[0]!.closed).toBe(true);
  });

  it('takes the answer only from a page of its own origin when Office reports origins', async () => {
    const fake = createFakeOffice();
    const host = await initOffice({ office: fake.office, matchMedia: undefined });
    const result = host.openAuthDialog!('https://127.0.0.1/auth-dialog.html');
    fake.dialogs[0]!.sendMessage('{"forged":true}', 'https://evil.example');
    fake.dialogs[0]!.sendMessage('{"forged":true}', 'https://127.0.0.1:8443');
    expect(fake.dialogs[0]!.closed).toBe(false);
    fake.dialogs[0]!.sendMessage('{"ok":true}', 'https://127.0.0.1');
    await expect(result).resolves.toBe('{"ok":true}');
    expect(fake.dialogs[0]!.closed).toBe(true);
  });

  it.each([
    [12007, /already open/],
    [12009, /chose to ignore/],
    [12011, /pop-up blocker/],
    [12345, /Office error 12345/],
  ])('explains open failure %i', async (code, message) => {
    const fake = createFakeOffice({ dialogOpenError: code });
    const host = await initOffice({ office: fake.office, matchMedia: undefined });
    const error = await host.openAuthDialog!('https://x/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OfficeDialogError);
    expect((error as OfficeDialogError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects when the user closes the dialog (12006)', async () => {
    const fake = createFakeOffice();
    const host = await initOffice({ office: fake.office, matchMedia: undefined });
    const result = host.openAuthDialog!('https://x/');
    fake.dialogs[0]!.raiseEvent(12006);
    await expect(result).rejects.toThrow(/closed before sign-in finished/);
  });
});
