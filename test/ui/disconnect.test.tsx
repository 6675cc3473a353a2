import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app/App';
import { fakeServices, RECRUITER } from './fake-services';

type User = ReturnType<typeof userEvent.setup>;

async function connect(user: User) {
  await user.click(screen.getByRole('button', { name: 'Connect' }));
  await screen.findByText(RECRUITER.displayName);
}

describe('Disconnect', () => {
  it('asks first, and Cancel deletes nothing', async () => {
    const user = userEvent.setup();
    const { services, session, disconnected } = fakeServices();
    render(<App services={services} />);
    await connect(user);
    await user.click(screen.getByRole('button', { name: 'Disconnect…' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Disconnect and delete your data?' });
    expect(dialog.textContent).toContain('cannot be undone');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Disconnect…' }));
    expect(disconnected).toEqual([]);
    expect(session.calls).not.toContain('disconnect');
    expect(screen.getByText(RECRUITER.displayName)).toBeTruthy();
  });

  it("deletes the recruiter's data, then signs out, on confirmation", async () => {
    const user = userEvent.setup();
    const { services, session, disconnected } = fakeServices();
    render(<App services={services} />);
    await connect(user);
    await user.click(screen.getByRole('button', { name: 'Disconnect…' }));
    await user.click(await screen.findByRole('button', { name: 'Disconnect and delete' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Connect your Microsoft 365 mailbox' }),
    ).toBeTruthy();
    expect(disconnected).toEqual([session]);
    expect(session.calls.slice(-2)).toEqual(['disconnect', 'signOut']);
  });

  it('stays connected and signed in when the deletion fails, and retries', async () => {
    const user = userEvent.setup();
    const { services, session, disconnected } = fakeServices({
      disconnectErrors: [new Error('Candor’s service did not answer.')],
    });
    render(<App services={services} />);
    await connect(user);
    await user.click(screen.getByRole('button', { name: 'Disconnect…' }));
    await user.click(await screen.findByRole('button', { name: 'Disconnect and delete' }));
    expect(await screen.findByText('Could not disconnect')).toBeTruthy();
    expect(screen.getByText('Candor’s service did not answer.')).toBeTruthy();
    expect(screen.getByText(RECRUITER.displayName)).toBeTruthy();
    expect(session.calls).not.toContain('signOut');
    expect(screen.getByRole('button', { name: 'Disconnect…' }).getAttribute('aria-disabled')).not.toBe(
      'true',
    );

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Connect your Microsoft 365 mailbox' }),
    ).toBeTruthy();
    expect(disconnected).toEqual([session]);
  });

  it('works from the keyboard: Enter opens, focus is inside, Escape closes back to the button', async () => {
    const user = userEvent.setup();
    const { services, disconnected } = fakeServices();
    render(<App services={services} />);
    await connect(user);
    screen.getByRole('button', { name: 'Disconnect…' }).focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Disconnect…' }));
    expect(disconnected).toEqual([]);
  });

  it('offers only Sign out when the pane has no way to disconnect', async () => {
    const user = userEvent.setup();
    render(<App services={fakeServices({ disconnectErrors: false }).services} />);
    await connect(user);
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Disconnect…' })).toBeNull();
  });
});
