/**
 * The roaming settings the pane should use: Outlook's own when the pane runs in Outlook, the
 * emulator's stand-in in demo mode, none otherwise (a plain browser). Never throws: without
 * roaming settings the key simply does not follow the user silently, and the recovery code or
 * device approval is the way forward.
 */
import { loadDemoRoamingSettings, type DemoRoamingSettingsOptions } from './demo-roaming-settings';
import { officeRoamingSettings, type RoamingSettings } from './roaming-settings';

export async function loadRoamingSettings(
  options: { demo?: DemoRoamingSettingsOptions; office?: unknown } = {},
): Promise<RoamingSettings | null> {
  if (options.demo) {
    try {
      return await loadDemoRoamingSettings(options.demo);
    } catch {
      return null;
    }
  }
  return officeRoamingSettings(options.office);
}
