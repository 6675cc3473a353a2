import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app/App';
import { fakeServices, fakeSession, fakeOffice, RECRUITER } from './fake-services';

describe('connect flow', () => {
  it('shows the Connect screen with the demo and outside-Outlook notices', async () => {
    const { services } = fakeServices({ mode: 'demo', office: fakeOffice('light', false) });
    render(<App services={services} />);
    expect(
      screen.getByRole('heading', { level: 1, name: 'Connect your Microsoft 365 mailbox' }),
    ).toBeTruthy();
    expect(screen.getByText('Demo mailbox (emulator)')).toBeTruthy();
    expect(screen.getByText('Running outside Outlook')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Connect' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Connect' })).toBeTruthy());
  });

  it('hides both notices for a real tenant inside Outlook', () => {
    const { services } = fakeServices({ mode: 'entra', office: fakeOffice('light', true) });
    render(<App services={services} />);
    expect(screen.queryByText('Demo mailbox (emulator)')).toBeNull();
    expect(screen.queryByText('Running outside Outlook')).toBeNull();
  });

  it('renders before the auth boundary has loaded', () => {
    const { services } = fakeServices({ loadSession: () => new Promise(() => undefined) });
    render(<App services={services} />);
    expect(screen.getByRole('button', { name: 'Connect' })).toBeTruthy();
  });

  it("connects, shows the recruiter's name and address from /me, then signs out", async () => {
    const user = userEvent.setup();
    const { services, session } = fakeServices();
    render(<App services={services} />);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Connected' })).toBeTruthy();
    expect(screen.getByText(RECRUITER.displayName)).toBeTruthy();
    expect(screen.getByText(RECRUITER.mail!)).toBeTruthy();
    expect(session.calls).toEqual(['restore', 'signIn', 'getGraphToken']);

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Connect your Microsoft 365 mailbox' }),
    ).toBeTruthy();
    expect(session.calls.at(-1)).toBe('signOut');
    expect(screen.queryByText(RECRUITER.displayName)).toBeNull();
  });

  it('shows the userPrincipalName when the mailbox has no mail attribute', async () => {
    const user = userEvent.setup();
    const session = fakeSession();
    const { services } = fakeServices({
      session,
      graph: {
        getProfile: async () => ({
          displayName: 'Sam',
          mail: null,
          userPrincipalName: 'sam@contoso.example',
        }),
      },
    });
    render(<App services={services} />);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('sam@contoso.example')).toBeTruthy();
  });

  it('reconnects silently when the auth boundary restores a cached session', async () => {
    const { services, session } = fakeServices({ session: fakeSession({ restored: true }) });
    render(<App services={services} />);
    expect(await screen.findByText(RECRUITER.displayName)).toBeTruthy();
    expect(session.calls).not.toContain('signIn');
  });

  it('offers Data & privacy before and after connecting, and keeps the reader there', async () => {
    const user = userEvent.setup();
    const { services } = fakeServices();
    render(<App services={services} />);
    const nav = screen.getByRole('navigation', { name: 'Candor' });
    await user.click(within(nav).getByRole('button', { name: 'Data & privacy' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Data & privacy' })).toBeTruthy();
    await user.click(within(nav).getByRole('button', { name: 'Home' }));
    await user.click(await screen.findByRole('button', { name: 'Connect' }));
    await screen.findByText(RECRUITER.displayName);
    expect(within(nav).getByRole('button', { name: 'Home' }).getAttribute('aria-current')).toBe('page');
  });
});
