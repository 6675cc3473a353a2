/** The task pane's view of its host, produced by `initOffice()`; the only Office.js surface the UI sees. */
export type PaneTheme = 'light' | 'dark' | 'highContrast';

export interface ComposeItem {
  subject: string;
  /** The draft's body as HTML (Office.CoercionType.Html). */
  html: string;
}

export interface OfficeHost {
  /** True when running inside an Office host (Outlook); false in a plain browser or when office.js failed to load. */
  readonly inOffice: boolean;
  /** `Office.HostType` as a string ('Outlook'), or null outside Office. */
  readonly host: string | null;
  /** `Office.PlatformType` as a string ('OfficeOnline', 'PC', 'Mac', …), or null outside Office. */
  readonly platform: string | null;
  /** Nested app authentication (requirement set NestedAppAuth 1.1) is available. */
  readonly naaSupported: boolean;
  /** The current theme; follows Outlook's theme in Office, the browser's colour scheme outside it. */
  readonly theme: PaneTheme;
  /** Calls `listener` whenever `theme` changes; returns an unsubscribe function. */
  onThemeChange(listener: (theme: PaneTheme) => void): () => void;
  /** The compose item's subject and HTML body, or null when no draft is open (read mode, outside Office). */
  getComposeItem(): Promise<ComposeItem | null>;
  /**
   * Opens `url` in an Office dialog and resolves with the first message the dialog sends with
   * `Office.context.ui.messageParent`. Present only where the Office dialog API exists.
   */
  openAuthDialog?: (url: string) => Promise<string>;
}
