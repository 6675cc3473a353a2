import { teamsHighContrastTheme, webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import type { PaneTheme } from '../../outlook';

/** Fluent's theme for each pane theme. teamsHighContrastTheme is Fluent v9's only high-contrast theme. */
export function fluentThemeFor(theme: PaneTheme): Theme {
  switch (theme) {
    case 'dark':
      return webDarkTheme;
    case 'highContrast':
      return teamsHighContrastTheme;
    default:
      return webLightTheme;
  }
}
