import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { StateOpenError } from '../../../src/crypto/state-cipher';
import { App } from '../../../src/ui/app/App';
import { CampaignsScreen } from '../../../src/ui/campaign/CampaignsScreen';
import { OpenKeysContext } from '../../../src/ui/keys/open-keys-context';
import type { PaneServices } from '../../../src/ui/pane-services';
import { seriousViolations } from '../axe';
import { fakeRuntime, memoryStore } from '../campaign/harness';
import { fakeServices } from '../fake-services';
import { fakeKeyAccess, needsKeyState, readyState } from './fake-key-access';

const SLOW = { timeout: 10_000 };

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

describe('From a campaign sealed to another key, in the pane', () => {
  /** `meanwhile`: what changes on the account after this device resolved its key. */
  async function openCampaigns(
    key: ReturnType<typeof fakeKeyAccess>,
    meanwhile: () => void = () => undefined,
  ) {
    const user = userEvent.setup();
    const store = memoryStore();
    store.current = 'c-other';
    store.open = async () => {
      throw new StateOpenError('other-key');
    };
    const h = fakeRuntime({ store });
    const { services: base } = fakeServices();
    const services: PaneServices = {
      ...base,
      loadCampaigns: async () => h.runtime,
      loadKeyAccess: async () => key.access,
    };
    render(<App services={services} />);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('heading', { level: 1, name: 'Connected' }, SLOW);
    await waitFor(() => expect(key.calls).toContain('resolve'));
    meanwhile();
    await user.click(
      within(screen.getByRole('navigation', { name: 'Candor' })).getByRole('button', { name: 'Campaigns' }),
    );
    await user.click(
      await screen.findByRole('button', { name: 'Open your tracking data on this device' }, SLOW),
    );
    return user;
  }

  it('checks the key again and, when another device moved the account to a new key, offers the unlock choices', async () => {
    const key = fakeKeyAccess(readyState());
    await openCampaigns(key, () => key.setState(needsKeyState()));
    expect(await screen.findByRole('button', { name: 'Approve from another device' }, SLOW)).toBeTruthy();
    expect(
      screen.getByRole('heading', { level: 1, name: 'Open your tracking data on this device' }),
    ).toBeTruthy();
  });

  it('explains when the campaign belongs to a key that no longer exists, and Back leaves', async () => {
    const key = fakeKeyAccess(readyState());
    const user = await openCampaigns(key);
    expect(
      await screen.findByText(/saved with an earlier key that no longer exists/, undefined, SLOW),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Connected' })).toBeTruthy();
  });
});
