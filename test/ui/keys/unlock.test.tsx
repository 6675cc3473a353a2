import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/ui/app/App';
import type { PaneServices } from '../../../src/ui/pane-services';
import { seriousViolations } from '../axe';
import { fakeServices, RECRUITER } from '../fake-services';
import { fakeKeyAccess, FakeKeyAccessError, needsKeyState, readyState } from './fake-key-access';

type User = ReturnType<typeof userEvent.setup>;
const UNLOCK = 'Open your tracking data on this device';

function setup(key: ReturnType<typeof fakeKeyAccess>, extra: Partial<PaneServices> = {}) {
  const fake = fakeServices();
  const loaded: unknown[] = [];
  const services: PaneServices = {
    ...fake.services,
    // Recorded, never finishing: the tests only check when the pane starts opening campaign data.
    loadCampaigns: () => {
      loaded.push('campaigns');
      return new Promise(() => undefined);
    },
    async loadKeyAccess(session) {
      loaded.push(session);
      return key.access;
    },
    ...extra,
  };
  return { services, loaded, session: fake.session };
}

async function connect(user: User) {
  await user.click(screen.getByRole('button', { name: 'Connect' }));
}

/** The first visit of a lazy screen transforms its modules: slow on a busy machine. */
const SLOW = { timeout: 10_000 };

const nav = () => within(screen.getByRole('navigation', { name: 'Candor' }));

describe('A device without the key', () => {
  it('leads from Home and Campaigns to "Open your tracking data", heading focused, and opens nothing meanwhile', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState());
    const { services, loaded, session } = setup(key);
    render(<App services={services} />);
    await connect(user);
    const heading = await screen.findByRole('heading', { level: 1, name: UNLOCK }, SLOW);
    expect(document.activeElement).toBe(heading);
    expect(screen.getByText(/this device does not have that key yet/)).toBeTruthy();
    expect(loaded).toEqual([session]);
    await user.click(nav().getByRole('button', { name: 'Campaigns' }));
    expect(screen.getByRole('heading', { level: 1, name: UNLOCK })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Campaign' })).toBeNull();
    expect(loaded).toEqual([session]); // the campaign runtime never loaded
    expect(await seriousViolations()).toEqual([]);
  });

  it('says how many attempts are left for a wrong code, when to try again when rate limited, and opens with the right one', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState(), { secret: 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ' });
    const { services, loaded } = setup(key);
    render(<App services={services} />);
    await connect(user);
    const field = await screen.findByLabelText('Recovery code', undefined, SLOW);
    await user.click(screen.getByRole('button', { name: 'Open my data' }));
    expect(screen.getByText(/Enter your recovery code/)).toBeTruthy();

    await user.type(field, 'WRONG');
    await user.click(screen.getByRole('button', { name: 'Open my data' }));
    expect(
      await screen.findByText(/is not right\. Check it and try again: 3 attempts left/, undefined, SLOW),
    ).toBeTruthy();

    key.recoverErrors.push(new FakeKeyAccessError('rate-limited', undefined, 600));
    await user.click(screen.getByRole('button', { name: 'Open my data' }));
    expect(
      await screen.findByText(/Too many wrong attempts.*Try again in 10 minutes \(at /, undefined, SLOW),
    ).toBeTruthy();

    await user.clear(field);
    await user.type(field, 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ');
    await user.click(screen.getByRole('button', { name: 'Open my data' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Connected' }, SLOW)).toBeTruthy();
    expect(screen.getByText(RECRUITER.displayName)).toBeTruthy();
    expect(key.calls).toContain('recover:ABCD-EFGH-JKMN-PQRS-TVWX-YZ');
    // With the key here, the campaign that may have been sending opens in the background.
    await waitFor(() => expect(loaded).toContain('campaigns'));
  });

  it('asks for the passphrase by name when the backup is a passphrase, and explains when there is none', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState({ recovery: 'passphrase' }));
    render(<App services={setup(key).services} />);
    await connect(user);
    const field = await screen.findByLabelText('Passphrase', undefined, SLOW);
    expect(field.getAttribute('type')).toBe('password');
    key.recoverErrors.push(new FakeKeyAccessError('no-backup'));
    await user.type(field, 'anything at all');
    await user.click(screen.getByRole('button', { name: 'Open my data' }));
    expect(await screen.findByText(/Approve this device from another device/, undefined, SLOW)).toBeTruthy();
  });

  it('shows the approval code large, waits, and opens the data when the other device approves', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState());
    render(<App services={setup(key).services} />);
    await connect(user);
    await user.click(await screen.findByRole('button', { name: 'Approve from another device' }, SLOW));
    const heading = await screen.findByRole(
      'heading',
      { level: 1, name: 'Approve from another device' },
      SLOW,
    );
    expect(document.activeElement).toBe(heading);
    expect(screen.getByText('Getting a code for this device…')).toBeTruthy();
    await act(async () => key.requests[0]!.code.resolve('123456'));
    expect(screen.getByText('123 456')).toBeTruthy();
    expect(screen.getByText(/Check it shows the same code/)).toBeTruthy();
    expect(screen.getByText('Waiting for your other device…')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
    await act(async () => key.requests[0]!.done.resolve(readyState()));
    expect(await screen.findByRole('heading', { level: 1, name: 'Connected' }, SLOW)).toBeTruthy();
  });

  it('after a denial or expiry says nothing was shared and asks again; Cancel withdraws the request', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState());
    render(<App services={setup(key).services} />);
    await connect(user);
    await user.click(await screen.findByRole('button', { name: 'Approve from another device' }, SLOW));
    await act(async () => key.requests[0]!.code.resolve('654321'));
    await act(async () => key.requests[0]!.done.reject(new Error('expired')));
    expect(screen.getByRole('alert').textContent).toMatch(/denied or has expired.*nothing was shared/);
    await user.click(screen.getByRole('button', { name: 'Ask again' }));
    expect(key.requests).toHaveLength(2);
    expect(key.requests[0]!.cancelled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(key.requests[1]!.cancelled).toBe(true);
    expect(key.requests[1]!.signal.aborted).toBe(true);
    expect(await screen.findByRole('heading', { level: 1, name: UNLOCK }, SLOW)).toBeTruthy();
  });

  it('says plainly when the other device denied the request', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState());
    render(<App services={setup(key).services} />);
    await connect(user);
    await user.click(await screen.findByRole('button', { name: 'Approve from another device' }, SLOW));
    await act(async () => key.requests[0]!.code.resolve('654321'));
    await act(async () => key.requests[0]!.done.reject(new FakeKeyAccessError('denied')));
    expect(screen.getByRole('alert').textContent).toMatch(/Your other device denied the request/);
    expect(screen.getByRole('button', { name: 'Ask again' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();
  });

  it('starts over only after the explicit confirmation, then offers a recovery code for the new key', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState());
    render(<App services={setup(key).services} />);
    await connect(user);
    await user.click(
      await screen.findByRole('button', { name: 'I have lost every device and my recovery code' }, SLOW),
    );
    await screen.findByRole('heading', { level: 1, name: 'Start over with a new key' }, SLOW);
    expect(
      screen.getByText('Campaigns, opens and replies saved so far can never be read again.'),
    ).toBeTruthy();
    const go = screen.getByRole('button', { name: 'Delete old data and start over' });
    await user.click(go);
    expect(key.calls).not.toContain('startOver');
    await user.click(screen.getByRole('checkbox', { name: /can never be read again/ }));
    await user.click(go);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Set up a recovery code' }, SLOW),
    ).toBeTruthy();
    expect(key.calls).toContain('startOver');
  });

  it('Go back from start over returns to the choices, deleting nothing', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState());
    render(<App services={setup(key).services} />);
    await connect(user);
    await user.click(
      await screen.findByRole('button', { name: 'I have lost every device and my recovery code' }, SLOW),
    );
    await user.click(await screen.findByRole('button', { name: 'Go back' }, SLOW));
    expect(await screen.findByRole('heading', { level: 1, name: UNLOCK }, SLOW)).toBeTruthy();
    expect(key.calls).not.toContain('startOver');
  });

  it('says plainly when the key cannot be checked, and Retry checks again', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(needsKeyState());
    let fail = true;
    const { services } = setup(key, {
      async loadKeyAccess() {
        if (fail) throw new FakeKeyAccessError('network');
        return key.access;
      },
    });
    render(<App services={services} />);
    await connect(user);
    expect(await screen.findByText('Could not check your tracking key', undefined, SLOW)).toBeTruthy();
    expect(screen.getByText(/could not be reached\. Check your connection/)).toBeTruthy();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { level: 1, name: UNLOCK }, SLOW)).toBeTruthy();
  });
});
