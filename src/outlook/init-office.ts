import { openOfficeDialog } from './auth-dialog';
import { officeGlobal, type OfficeApi } from './office-api';
import type { OfficeHost, PaneTheme } from './office-host';
import {
  DARK_SCHEME_QUERY,
  FORCED_COLORS_QUERY,
  themeFromMedia,
  themeFromOfficeColors,
  type MatchMedia,
  type OfficeThemeColors,
} from './theme';

export interface InitOfficeOptions {
  /** The Office global to use; defaults to `globalThis.Office` (undefined when office.js failed to load). */
  office?: OfficeApi | undefined;
  /** How long to wait for `Office.onReady` before carrying on as a plain browser page. */
  timeoutMs?: number;
  /** Defaults to `window.matchMedia` where it exists. */
  matchMedia?: MatchMedia | undefined;
}

export const DEFAULT_OFFICE_READY_TIMEOUT_MS = 5000;

type ReadyInfo = { host: string | null; platform: string | null };

function readyWithin(office: OfficeApi, timeoutMs: number): Promise<ReadyInfo | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    const finish = (info: ReadyInfo | null) => {
      clearTimeout(timer);
      resolve(info);
    };
    try {
      office.onReady().then(finish, () => finish(null));
    } catch {
      finish(null);
    }
  });
}

function isSetSupported(office: OfficeApi, name: string, version: string): boolean {
  try {
    // Outside Office `requirements` is missing or throws; treat both as "no".
    return office.context?.requirements?.isSetSupported(name, version) === true;
  } catch {
    return false;
  }
}

/**
 * Waits for Office.js (bounded by a timeout) and describes the host. Never rejects: when office.js
 * is absent, fails, or runs outside Office, the pane gets a plain-browser host (`inOffice: false`).
 */
export async function initOffice(options: InitOfficeOptions = {}): Promise<OfficeHost> {
  const office = 'office' in options ? options.office : officeGlobal();
  const matchMedia: MatchMedia | undefined =
    'matchMedia' in options
      ? options.matchMedia
      : typeof window !== 'undefined' && typeof window.matchMedia === 'function'
        ? window.matchMedia.bind(window)
        : undefined;
  const info = office
    ? await readyWithin(office, options.timeoutMs ?? DEFAULT_OFFICE_READY_TIMEOUT_MS)
    : null;
  const inOffice = Boolean(office && info?.host);

  let officeColors: OfficeThemeColors | undefined = inOffice ? office?.context?.officeTheme : undefined;
  const computeTheme = (): PaneTheme => {
    const fromMedia = themeFromMedia(matchMedia);
    if (fromMedia === 'highContrast') return fromMedia;
    return (officeColors && themeFromOfficeColors(officeColors)) ?? fromMedia;
  };
  let theme = computeTheme();
  const listeners = new Set<(theme: PaneTheme) => void>();
  const refresh = () => {
    const next = computeTheme();
    if (next === theme) return;
    theme = next;
    for (const listener of listeners) listener(theme);
  };

  for (const query of [FORCED_COLORS_QUERY, DARK_SCHEME_QUERY])
    matchMedia?.(query).addEventListener?.('change', refresh);
  const mailbox = inOffice ? office?.context?.mailbox : undefined;
  const themeEvent = office?.EventType?.OfficeThemeChanged;
  if (mailbox?.addHandlerAsync && themeEvent) {
    try {
      // Mailbox 1.14; older hosts reject the registration through the callback, which we ignore.
      mailbox.addHandlerAsync(themeEvent, (arg) => {
        if (arg.officeTheme) officeColors = arg.officeTheme;
        refresh();
      });
    } catch {
      // Hosts without the event keep the theme they started with.
    }
  }

  const dialogOffice = inOffice && office?.context?.ui?.displayDialogAsync ? office : undefined;
  return {
    inOffice,
    host: inOffice ? (info?.host ?? null) : null,
    platform: inOffice ? (info?.platform ?? null) : null,
    naaSupported: inOffice && office ? isSetSupported(office, 'NestedAppAuth', '1.1') : false,
    get theme() {
      return theme;
    },
    onThemeChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // Loaded on first use: the first screen does not need it (first-load budget).
    getComposeItem: async () => (inOffice ? (await import('./compose-item')).readComposeItem(office) : null),
    // Opened in the same task as the click (no import in between), as hosts expect for dialogs.
    ...(dialogOffice ? { openAuthDialog: (url: string) => openOfficeDialog(dialogOffice, url) } : {}),
  };
}
