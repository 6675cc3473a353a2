import { describe, expect, it } from 'vitest';
import {
  KEY_SHARE_SETTING,
  officeRoamingSettings,
  type OfficeRoamingSettingsLike,
} from '../../src/outlook/roaming-settings';
import type { AsyncResultLike } from '../../src/outlook/office-api';

/** Office's roaming settings: an in-memory copy read at pane open, written to the mailbox by saveAsync. */
function fakeMailbox(initial: Record<string, unknown> = {}) {
  const mailbox = { saved: { ...initial } as Record<string, unknown>, saves: 0, failNext: false };
  const open = (): OfficeRoamingSettingsLike => {
    const copy = { ...mailbox.saved };
    return {
      get: (name) => copy[name],
      set: (name, value) => void (copy[name] = value),
      remove: (name) => void delete copy[name],
      saveAsync(callback?: (r: AsyncResultLike<void>) => void) {
        queueMicrotask(() => {
          if (mailbox.failNext) {
            mailbox.failNext = false;
            return callback?.({ status: 'failed', value: undefined, error: { code: 9019 } });
          }
          mailbox.saved = { ...copy };
          mailbox.saves++;
          callback?.({ status: 'succeeded', value: undefined });
        });
      },
    };
  };
  return { mailbox, office: () => ({ context: { roamingSettings: open() } }) };
}

describe('Office roaming settings', () => {
  it('is absent outside Outlook', () => {
    expect(officeRoamingSettings(undefined)).toBeNull();
    expect(officeRoamingSettings({ context: {} })).toBeNull();
  });

  it('saves to the mailbox, and another Outlook sees the value when its pane opens', async () => {
    const { mailbox, office } = fakeMailbox();
    const desktop = officeRoamingSettings(office())!;
    const web = officeRoamingSettings(office())!; // opened before the write
    await desktop.set(KEY_SHARE_SETTING, '{"v":1}');
    expect(mailbox.saved[KEY_SHARE_SETTING]).toBe('{"v":1}');
    expect(desktop.get(KEY_SHARE_SETTING)).toBe('{"v":1}');
    expect(web.get(KEY_SHARE_SETTING)).toBeNull(); // read once when the pane opened
    expect(officeRoamingSettings(office())!.get(KEY_SHARE_SETTING)).toBe('{"v":1}');
    await desktop.remove(KEY_SHARE_SETTING);
    expect(mailbox.saved).toEqual({});
    expect(mailbox.saves).toBe(2);
  });

  it('reports a failed save in plain words, and ignores values that are not strings', async () => {
    const { mailbox, office } = fakeMailbox({ other: 42 });
    const settings = officeRoamingSettings(office())!;
    expect(settings.get('other')).toBeNull();
    mailbox.failNext = true;
    await expect(settings.set('a', 'b')).rejects.toThrow(/could not save/);
    expect(mailbox.saved).toEqual({ other: 42 });
    await settings.set('a', 'c');
    expect(mailbox.saved).toEqual({ other: 42, a: 'c' });
  });
});

describe('loadRoamingSettings', () => {
  it('uses Outlook’s settings in Outlook, none in a plain browser, and none when the demo stand-in is down', async () => {
    const { loadRoamingSettings } = await import('../../src/outlook/load-roaming-settings');
    const { office } = fakeMailbox({ a: 'b' });
    expect((await loadRoamingSettings({ office: office() }))?.get('a')).toBe('b');
    expect(await loadRoamingSettings({ office: undefined })).toBeNull();
    const down = async () => new Response('', { status: 503 });
    expect(
      await loadRoamingSettings({
        demo: { url: '/emulator/roaming-settings', getToken: async () => 't', fetch: down },
      }),
    ).toBeNull();
  });
});
