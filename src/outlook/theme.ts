import type { PaneTheme } from './office-host';

/** The colours Office reports for its theme (a subset of `Office.OfficeTheme`). */
export interface OfficeThemeColors {
  bodyBackgroundColor?: string;
  bodyForegroundColor?: string;
}

/** Parses '#rgb' or '#rrggbb'; returns null for anything else. */
function parseHex(color: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m?.[1]) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance(color: string): number | null {
  const rgb = parseHex(color);
  if (!rgb) return null;
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two colours (1 to 21), or null when either is unparseable. */
export function contrastRatio(a: string, b: string): number | null {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  if (la === null || lb === null) return null;
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * Outlook reports no theme name (`themeId`/`isDarkTheme` are unsupported there), only colours:
 * a dark body background means a dark theme; a near-black/near-white pair (contrast ≥ 19:1, which
 * none of Office's regular themes reach) means a high-contrast theme.
 */
export function themeFromOfficeColors(colors: OfficeThemeColors): PaneTheme | null {
  const bg = colors.bodyBackgroundColor;
  if (!bg) return null;
  const luminance = relativeLuminance(bg);
  if (luminance === null) return null;
  const fg = colors.bodyForegroundColor;
  const ratio = fg ? contrastRatio(bg, fg) : null;
  if (ratio !== null && ratio >= 19) return 'highContrast';
  return luminance < 0.2 ? 'dark' : 'light';
}

/** The subset of `window.matchMedia` the theme needs; absent in Node. */
export type MatchMedia = (
  query: string,
) => Pick<MediaQueryList, 'matches'> &
  Partial<Pick<MediaQueryList, 'addEventListener' | 'removeEventListener'>>;

export const FORCED_COLORS_QUERY = '(forced-colors: active)';
export const DARK_SCHEME_QUERY = '(prefers-color-scheme: dark)';

/** The browser's preference: forced colours (Windows high contrast) win over a dark colour scheme. */
export function themeFromMedia(matchMedia: MatchMedia | undefined): PaneTheme {
  if (!matchMedia) return 'light';
  if (matchMedia(FORCED_COLORS_QUERY).matches) return 'highContrast';
  return matchMedia(DARK_SCHEME_QUERY).matches ? 'dark' : 'light';
}
