import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app/App';
import { fakeServices, RECRUITER } from './fake-services';

type User = ReturnType<typeof userEvent.setup>;

/** Tabs from the top of the page until focus leaves the document or loops; returns the names reached. */
async function tabOrder(user: User): Promise<string[]> {
  (document.activeElement as HTMLElement | null)?.blur();
  const reached: string[] = [];
  for (let i = 0; i < 30; i++) {
    await user.tab();
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) break;
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
    if (reached.includes(name)) break;
    reached.push(name);
  }
  return reached;
}

/** Every control a user can act on in the current screen. */
function actions(): string[] {
  return [...document.querySelectorAll<HTMLElement>('a[href], button')].map((el) => el.textContent!.trim());
}

async function tabTo(user: User, name: string) {
  for (let i = 0; i < 30; i++) {
    await user.tab();
    if (document.activeElement?.textContent?.trim() === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('keyboard only', () => {
  it('reaches every action on each screen, in reading order', async () => {
    const user = userEvent.setup();
    render(<App services={fakeServices().services} />);
    expect(await tabOrder(user)).toEqual(['Skip to main content', 'Home', 'Data & privacy', 'Connect']);
    expect(actions()).toEqual(['Skip to main content', 'Home', 'Data & privacy', 'Connect']);

    await tabTo(user, 'Connect');
    await user.keyboard('{Enter}');
    await screen.findByText(RECRUITER.displayName);
    // Focus moved to the new screen's heading, so the next Tab continues from there.
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Connected' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Sign out' }));
    expect(await tabOrder(user)).toEqual([
      'Skip to main content',
      'Home',
      'Data & privacy',
      'Sign out',
      'Disconnect…',
    ]);

    await tabTo(user, 'Data & privacy');
    await user.keyboard('{Enter}');
    const privacyHeading = await screen.findByRole('heading', { level: 1, name: 'Data & privacy' });
    expect(document.activeElement).toBe(privacyHeading);

    await tabTo(user, 'Home');
    await user.keyboard(' ');
    expect(await screen.findByRole('heading', { level: 1, name: 'Connected' })).toBe(document.activeElement);
    await tabTo(user, 'Sign out');
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Connect your Microsoft 365 mailbox' })).toBe(
      document.activeElement,
    );
  });

  it('moves focus to the main content from the skip link', async () => {
    const user = userEvent.setup();
    render(<App services={fakeServices().services} />);
    await user.tab();
    expect(document.activeElement?.textContent).toBe('Skip to main content');
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(screen.getByRole('main'));
  });

  it('uses landmarks and one h1 per screen', () => {
    render(<App services={fakeServices().services} />);
    expect(screen.getByRole('banner')).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Candor' })).toBeTruthy();
    expect(screen.getByRole('main')).toBeTruthy();
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
  });
});
