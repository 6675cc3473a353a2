/**
 * Demo mode's stand-in for Office roaming settings: the same port over the emulator's
 * `/emulator/roaming-settings`, kept per demo user on the demo server, so two browser contexts
 * signed in as the same demo user share it as two Outlooks share a mailbox. Like Outlook, it reads
 * the settings once when loaded; changes from another context appear after the pane reopens.
 */
import type { RoamingSettings } from './roaming-settings';
import { RoamingSettingsError } from './roaming-settings';

export interface DemoRoamingSettingsOptions {
  /** e.g. `/emulator/roaming-settings` (same origin as the pane). */
  url: string;
  /** The demo user's Graph token (the emulator knows the user by it, as a mailbox would). */
  getToken(): Promise<string>;
  fetch?: typeof fetch;
}

export async function loadDemoRoamingSettings(options: DemoRoamingSettingsOptions): Promise<RoamingSettings> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const call = async (init: RequestInit & { query?: string }): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await options.getToken()}`);
    const res = await doFetch(options.url + (init.query ?? ''), { ...init, headers, cache: 'no-store' });
    if (!res.ok)
      throw new RoamingSettingsError(`The demo mailbox refused the settings (HTTP ${res.status}).`);
    return res;
  };
  const { settings } = (await (await call({ method: 'GET' })).json()) as { settings: Record<string, string> };
  const snapshot = new Map(Object.entries(settings));
  return {
    get: (name) => snapshot.get(name) ?? null,
    async set(name, value) {
      await call({
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, value }),
      });
      snapshot.set(name, value);
    },
    async remove(name) {
      await call({ method: 'DELETE', query: `?name=${encodeURIComponent(name)}` });
      snapshot.delete(name);
    },
  };
}
