/**
 * Office roaming settings (Mailbox 1.1): a small key-value store kept in the user's own mailbox
 * that reaches every Outlook the user opens (desktop, web, new Outlook); 32 KB per add-in and user.
 * Microsoft does not call it secure storage — other mailbox clients can read it — so Candor keeps
 * only the mailbox half of the split key backup there (`candor.keyShare`), which opens nothing on
 * its own (docs/zero-knowledge.md).
 *
 * Outlook reads the settings once, when the pane opens: a change made on another device shows up
 * after the pane is reopened. `get` therefore answers from that snapshot, synchronously.
 */
import type { AsyncResultLike } from './office-api';

export const KEY_SHARE_SETTING = 'candor.keyShare';

export interface RoamingSettings {
  get(name: string): string | null;
  set(name: string, value: string): Promise<void>;
  remove(name: string): Promise<void>;
}

/** The slice of `Office.context.roamingSettings` used here (shapes as in @types/office-js). */
export interface OfficeRoamingSettingsLike {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  remove(name: string): void;
  saveAsync(callback?: (result: AsyncResultLike<void>) => void): void;
}

export class RoamingSettingsError extends Error {
  override readonly name = 'RoamingSettingsError';
}

/** The host's roaming settings, or null outside Outlook (office.js absent, or a host without them). */
export function officeRoamingSettings(
  office: unknown = (globalThis as { Office?: unknown }).Office,
): RoamingSettings | null {
  const settings = (office as { context?: { roamingSettings?: OfficeRoamingSettingsLike } } | undefined)
    ?.context?.roamingSettings;
  return settings ? wrapOfficeRoamingSettings(settings) : null;
}

export function wrapOfficeRoamingSettings(settings: OfficeRoamingSettingsLike): RoamingSettings {
  // saveAsync writes the whole set; one save at a time keeps them in the order they were made.
  let queue: Promise<unknown> = Promise.resolve();
  const save = (): Promise<void> => {
    const run = queue.then(
      () =>
        new Promise<void>((resolve, reject) =>
          settings.saveAsync((result) =>
            result.status === 'succeeded'
              ? resolve()
              : reject(
                  new RoamingSettingsError(
                    'Outlook could not save Candor’s settings to your mailbox. Try again later.',
                  ),
                ),
          ),
        ),
    );
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    get(name) {
      const value = settings.get(name);
      return typeof value === 'string' ? value : null;
    },
    set(name, value) {
      settings.set(name, value);
      return save();
    },
    remove(name) {
      settings.remove(name);
      return save();
    },
  };
}
