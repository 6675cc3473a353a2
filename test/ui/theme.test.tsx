import { teamsHighContrastTheme, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app/App';
import { fluentThemeFor } from '../../src/ui/theme/fluent-theme';
import { fakeOffice, fakeServices } from './fake-services';

/** The --colorNeutralBackground1 value the FluentProvider around the pane currently applies. */
function paneBackground(container: HTMLElement): string | undefined {
  const provider = container.querySelector<HTMLElement>('[data-pane-theme]')!;
  const css = [...document.querySelectorAll('style')].map((s) => s.textContent ?? '').join('\n');
  const rules = [...document.styleSheets]
    .flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText))
    .join('\n');
  const all = `${css}\n${rules}`;
  for (const cls of provider.classList) {
    const m = new RegExp(`\\.${cls}\\s*\\{[^}]*--colorNeutralBackground1:\\s*([^;]+);`).exec(all);
    if (m) return m[1]!.trim();
  }
  return undefined;
}

describe('theme', () => {
  it('maps each pane theme to its Fluent theme', () => {
    expect(fluentThemeFor('light')).toBe(webLightTheme);
    expect(fluentThemeFor('dark')).toBe(webDarkTheme);
    expect(fluentThemeFor('highContrast')).toBe(teamsHighContrastTheme);
  });

  it("switches the pane's Fluent theme when the host's theme changes", () => {
    const office = fakeOffice('light');
    const { container } = render(<App services={fakeServices({ office }).services} />);
    expect(paneBackground(container)).toBe(webLightTheme.colorNeutralBackground1);
    act(() => office.setTheme('dark'));
    expect(container.querySelector('[data-pane-theme]')!.getAttribute('data-pane-theme')).toBe('dark');
    expect(paneBackground(container)).toBe(webDarkTheme.colorNeutralBackground1);
    act(() => office.setTheme('highContrast'));
    expect(paneBackground(container)).toBe(teamsHighContrastTheme.colorNeutralBackground1);
  });
});
