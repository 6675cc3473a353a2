import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { GRAPH_SCOPES } from '../../src/shared/scopes';
import { App } from '../../src/ui/app/App';
import { fakeServices } from './fake-services';

async function openPrivacy() {
  const user = userEvent.setup();
  render(<App services={fakeServices().services} />);
  await user.click(
    within(screen.getByRole('navigation', { name: 'Candor' })).getByRole('button', {
      name: 'Data & privacy',
    }),
  );
  await screen.findByRole('heading', { level: 1, name: 'Data & privacy' });
}

describe('Data & privacy', () => {
  it('lists exactly the scopes Candor requests, in order, each in plain words', async () => {
    await openPrivacy();
    const items = within(screen.getByTestId('permission-list')).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-scope'))).toEqual([...GRAPH_SCOPES]);
    for (const [i, scope] of GRAPH_SCOPES.entries()) expect(items[i]!.textContent).toContain(`(${scope})`);
    expect(
      screen.getByText(`Candor asks Microsoft for these ${GRAPH_SCOPES.length} permissions, and no others:`),
    ).toBeTruthy();
  });

  it('says plainly what each permission allows, and that bodies are never read', async () => {
    await openPrivacy();
    const text = (scope: string) =>
      screen.getByTestId('permission-list').querySelector(`[data-scope="${scope}"]`)!.textContent!;
    expect(text('openid')).toMatch(/sign in/i);
    expect(text('email')).toMatch(/email address/i);
    expect(text('offline_access')).toMatch(/signed in/i);
    expect(text('User.Read')).toMatch(/profile/i);
    expect(text('Mail.ReadBasic')).toMatch(/headers, never bodies/i);
    expect(text('Mail.ReadBasic')).toMatch(/cannot read what a message says or its attachments/i);
    expect(text('Mail.Send')).toMatch(/send mail as you/i);
  });

  it('states what is stored, for how long, and who can read it', async () => {
    await openPrivacy();
    const stored = within(screen.getByRole('list', { name: 'What Candor stores' })).getAllByRole('listitem');
    const reply = stored[0]!.textContent!;
    for (const field of [
      "reply's subject",
      'address it came from',
      'time it arrived',
      'IP address of the mail server',
    ])
      expect(reply).toContain(field);
    const open = stored[1]!.textContent!;
    expect(open).toContain('IP address that loaded the tracking image');
    expect(open).toContain('the time');
    const rules = within(screen.getByRole('list', { name: 'How long, and who can read it' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent)
      .join(' ');
    expect(rules).toContain('Only mail sent with Candor is tracked');
    expect(rules).toContain('deleted then');
    expect(rules).toContain('within 60 days');
    expect(rules).toContain("Candor's operators cannot read it");
  });

  it('shows the same permissions, by title, on the Connect screen', () => {
    render(<App services={fakeServices().services} />);
    const section = screen.getByRole('region', { name: 'Connect your Microsoft 365 mailbox' });
    expect(within(section).getAllByRole('listitem')).toHaveLength(GRAPH_SCOPES.length);
    expect(within(section).getByText('Message headers, never bodies')).toBeTruthy();
  });
});
