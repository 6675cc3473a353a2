import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/graph/graph-error';
import { OfficeDialogError } from '../../src/outlook/auth-dialog';
import { App } from '../../src/ui/app/App';
import { fakeGraph, fakeServices, fakeSession, RECRUITER } from './fake-services';

describe('errors', () => {
  it('explains a blocked sign-in window and connects on Retry', async () => {
    const user = userEvent.setup();
    const session = fakeSession({ signInErrors: [new OfficeDialogError(12011)] });
    const { services } = fakeServices({ session });
    render(<App services={services} />);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Could not connect your mailbox')).toBeTruthy();
    expect(screen.getByText(/pop-up blocker stopped the sign-in window/)).toBeTruthy();
    // Still on the Connect screen, and the button is usable again.
    expect(
      screen.getByRole('heading', { level: 1, name: 'Connect your Microsoft 365 mailbox' }),
    ).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(RECRUITER.displayName)).toBeTruthy();
    expect(screen.queryByText('Could not connect your mailbox')).toBeNull();
    expect(session.calls.filter((c) => c === 'signIn')).toHaveLength(2);
  });

  it('says a lost connection to Graph in plain words, never "Graph request failed: network"', async () => {
    const user = userEvent.setup();
    const session = fakeSession();
    const graph = fakeGraph(session, [new TransportError('network')]);
    const { services } = fakeServices({ session, graph });
    render(<App services={services} />);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(
      await screen.findByText(
        'Candor could not reach Outlook’s mail service. Check your connection, then try again.',
      ),
    ).toBeTruthy();
    expect(screen.queryByText(/Graph request failed/)).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(RECRUITER.mail!)).toBeTruthy();
  });

  it('reports a failing /me after sign-in and recovers on Retry', async () => {
    const user = userEvent.setup();
    const session = fakeSession();
    const graph = fakeGraph(session, [new Error('Microsoft Graph is not answering (503).')]);
    const { services } = fakeServices({ session, graph });
    render(<App services={services} />);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Microsoft Graph is not answering (503).')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(RECRUITER.mail!)).toBeTruthy();
    expect(graph.profileCalls).toBe(2);
  });

  it('reports a failure to load the sign-in code and loads it again on Retry', async () => {
    const user = userEvent.setup();
    const session = fakeSession();
    let attempts = 0;
    const { services } = fakeServices({
      session,
      loadSession: async () => {
        attempts++;
        if (attempts <= 2) throw new Error('Loading chunk 7 failed.');
        return session;
      },
    });
    render(<App services={services} />);
    // The silent restore failed quietly (attempt 1); Connect shows the failure (attempt 2).
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Loading chunk 7 failed.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(RECRUITER.displayName)).toBeTruthy();
    expect(attempts).toBe(3);
  });

  it('keeps the recruiter connected when sign-out fails, with a Retry', async () => {
    const user = userEvent.setup();
    const session = fakeSession({ signOutErrors: [new Error('Sign-out did not finish.')] });
    const { services } = fakeServices({ session });
    render(<App services={services} />);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Could not sign out')).toBeTruthy();
    expect(screen.getByText(RECRUITER.displayName)).toBeTruthy();
    // The buttons are usable again, not stuck on "Signing out…".
    expect(screen.getByRole('button', { name: 'Sign out' }).getAttribute('aria-disabled')).not.toBe('true');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Connect your Microsoft 365 mailbox' }),
    ).toBeTruthy();
  });
});
