import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { StateOpenError } from '../../../src/crypto/state-cipher';
import { CampaignsScreen } from '../../../src/ui/campaign/CampaignsScreen';
import { OpenKeysContext } from '../../../src/ui/keys/open-keys-context';
import { seriousViolations } from '../axe';
import { fakeRuntime, memoryStore } from '../campaign/harness';

/** A campaign saved (on another device) with a key this device does not have. */
function sealedElsewhere(onOpenKeys: (() => void) | null) {
  const store = memoryStore();
  store.current = 'c-other';
  store.open = async () => {
    throw new StateOpenError('other-key');
  };
  const h = fakeRuntime({ store });
  render(
    <FluentProvider theme={webLightTheme}>
      <main>
        <OpenKeysContext.Provider value={onOpenKeys}>
          <CampaignsScreen
            load={async () => h.runtime}
            compose={{ inOffice: false, getComposeItem: async () => null }}
            focusHeading={false}
          />
        </OpenKeysContext.Provider>
      </main>
    </FluentProvider>,
  );
}

describe('A campaign saved with a key this device does not have', () => {
  it('leads to "Open your tracking data on this device" instead of a Try again loop', async () => {
    const user = userEvent.setup();
    const openKeys = vi.fn();
    sealedElsewhere(openKeys);
    await screen.findByText('This campaign could not be opened', undefined, { timeout: 10_000 });
    expect(screen.getByText(/saved with a key this device does not have/)).toBeTruthy();
    const buttons = screen.getAllByRole('button').map((b) => b.textContent);
    expect(buttons[0]).toBe('Open your tracking data on this device');
    expect(screen.getByText(/approve it from another device, or use your recovery code/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Open your tracking data on this device' }));
    expect(openKeys).toHaveBeenCalledTimes(1);
    expect(await seriousViolations()).toEqual([]);
  });

  it('keeps the existing ways forward when the pane has no key screens', async () => {
    sealedElsewhere(null);
    await screen.findByText('This campaign could not be opened', undefined, { timeout: 10_000 });
    expect(screen.queryByRole('button', { name: 'Open your tracking data on this device' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Start a new campaign' })).toBeTruthy();
  });
});
