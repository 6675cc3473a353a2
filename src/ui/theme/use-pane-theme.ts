import { useSyncExternalStore } from 'react';
import type { OfficeHost, PaneTheme } from '../../outlook';

/** The host's theme, re-rendering when Outlook or the browser switches it. */
export function usePaneTheme(office: Pick<OfficeHost, 'theme' | 'onThemeChange'>): PaneTheme {
  return useSyncExternalStore(
    (onChange) => office.onThemeChange(onChange),
    () => office.theme,
  );
}
