import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../../src/ui/app/App';
import type { CheckPassphrase } from '../../../src/ui/keys/key-access-types';
import type { PaneServices } from '../../../src/ui/pane-services';
import { seriousViolations } from '../axe';
import { fakeServices } from '../fake-services';
import { fakeIncoming, fakeKeyAccess, readyState } from './fake-key-access';

type User = ReturnType<typeof userEvent.setup>;
const SLOW = { timeout: 10_000 };

function setup(key: ReturnType<typeof fakeKeyAccess>, checkPassphrase?: CheckPassphrase) {
  const { services: base } = fakeServices();
  const services: PaneServices = { ...base, loadKeyAccess: async () => key.access, checkPassphrase };
  return services;
}

async function connect(user: User) {
  await user.click(screen.getByRole('button', { name: 'Connect' }));
  await screen.findByRole('heading', { level: 1, name: 'Connected' }, SLOW);
}

/** A stand-in for zxcvbn: long passphrases of several words are strong. */
const checkPassphrase: CheckPassphrase = async (p) => {
  const strong = p.length >= 12 && p.split(' ').length >= 3;
  return strong
    ? { ok: true, score: 4, warning: null, suggestions: [] }
    : { ok: false, score: 1, warning: 'This is a very common password.', suggestions: ['Add more words.'] };
};

describe('A device with the key', () => {
  it('reminds on Home to set up a recovery code; the code is shown once in groups, with Copy and Download, and Done needs the tick', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(
      readyState({ created: true, backups: { recovery: false, split: true, tenant: 'not-required' } }),
    );
    render(<App services={setup(key)} />);
    await connect(user);
    expect(
      await screen.findByText(
        'Set up a recovery code so you can open your data on a new device.',
        undefined,
        SLOW,
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Set up' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Set up a recovery code' }, SLOW);
    expect(document.activeElement).toBe(heading);
    // Without a passphrase check, only the generated code is offered.
    expect(screen.queryByRole('radio')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Create my recovery code' }));
    const code = await screen.findByLabelText('Recovery code ABCD EFGH JKMN PQRS TVWX YZ', undefined, SLOW);
    expect([...code.children].map((g) => g.textContent)).toEqual([
      'ABCD',
      'EFGH',
      'JKMN',
      'PQRS',
      'TVWX',
      'YZ',
    ]);
    expect(screen.getByText('Candor shows it only this once.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('ABCD-EFGH-JKMN-PQRS-TVWX-YZ');
    expect(screen.getByText(/^Copied\./)).toBeTruthy();

    const created = vi.fn((blob: Blob) => {
      void blob;
      return 'blob:recovery';
    });
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: () => undefined });
    await user.click(screen.getByRole('button', { name: 'Download as .txt' }));
    const file = created.mock.calls[0]![0];
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(file);
    });
    expect(text).toContain('ABCD-EFGH-JKMN-PQRS-TVWX-YZ');
    expect(text).toContain('Candor cannot show it again');

    expect(await seriousViolations()).toEqual([]);
    const done = screen.getByRole('button', { name: 'Done' });
    await user.click(done);
    expect(screen.getByRole('heading', { level: 1, name: 'Set up a recovery code' })).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: /I have saved my recovery code/ }));
    await user.click(done);
    expect(await screen.findByRole('heading', { level: 1, name: 'Connected' }, SLOW)).toBeTruthy();
    // The backups were read again: the reminder is gone.
    await waitFor(() => expect(screen.queryByText(/Set up a recovery code so you can/)).toBeNull());
    expect(key.calls).toContain('setUpRecovery:code');
  });

  it('refuses a weak passphrase and a mismatch, with the checker’s advice, and saves a strong one', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(readyState({ backups: { recovery: false, split: true, tenant: false } }));
    render(<App services={setup(key, checkPassphrase)} />);
    await connect(user);
    await user.click(await screen.findByRole('button', { name: 'Set up' }, SLOW));
    await user.click(await screen.findByRole('radio', { name: 'A passphrase you choose' }, SLOW));
    const [first, second] = [screen.getByLabelText('Passphrase'), screen.getByLabelText('Type it again')];
    await user.type(first, 'password1');
    expect(
      await screen.findByText(/Strength: Weak\. This is a very common password\. Add more words\./),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save passphrase' }));
    expect(screen.getByText(/Choose a stronger passphrase/)).toBeTruthy();
    expect(key.calls.some((c) => c.startsWith('setUpRecovery'))).toBe(false);

    await user.clear(first);
    await user.type(first, 'copper lantern meadow quietly');
    await user.type(second, 'copper lantern meadow');
    expect(await screen.findByText('Strength: Very strong.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save passphrase' }));
    expect(screen.getByText('The two passphrases are different. Type the same one twice.')).toBeTruthy();
    expect(key.calls.some((c) => c.startsWith('setUpRecovery'))).toBe(false);

    await user.type(second, ' quietly');
    await user.click(screen.getByRole('button', { name: 'Save passphrase' }));
    expect(await screen.findByText(/Your passphrase is set/, undefined, SLOW)).toBeTruthy();
    expect(key.calls).toContain('setUpRecovery:copper lantern meadow quietly');
  });

  it('offers a key made before backups a move to a new key, with progress, then the recovery setup', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(
      readyState({ canBackUp: false, backups: { recovery: false, split: false, tenant: false } }),
    );
    key.rotation.steps.push({ done: 1, total: 4 }, { done: 3, total: 4 });
    render(<App services={setup(key)} />);
    await connect(user);
    expect(
      await screen.findByText(
        /Move to a new key that can be backed up, so you can open your data/,
        undefined,
        SLOW,
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Move to a new key' }));
    await user.click(
      await screen.findByRole('button', { name: 'Move to a new key that can be backed up' }, SLOW),
    );
    expect(await screen.findByText('Re-sealed 3 of 4. Keep this pane open.')).toBeTruthy();
    await act(async () => key.rotation.finish.resolve());
    expect(await screen.findByRole('button', { name: 'Create my recovery code' })).toBeTruthy();
  });

  it('asks whether a new device shows the same code, and approves or denies it', async () => {
    const user = userEvent.setup();
    const log: string[] = [];
    const key = fakeKeyAccess(readyState());
    key.incoming.push(fakeIncoming('a1', '123456', log), fakeIncoming('a2', null, log));
    render(<App services={setup(key)} />);
    await connect(user);
    const [prompt, waiting] = await screen.findAllByRole(
      'region',
      { name: 'A new device wants to open your tracking data' },
      SLOW,
    );
    expect(within(prompt!).getByText('123 456')).toBeTruthy();
    expect(within(waiting!).getByText('Waiting for the new device to show its code…')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
    await user.click(within(prompt!).getByRole('button', { name: 'Approve' }));
    expect(log).toEqual(['approve:a1']);
    await waitFor(() => expect(screen.queryByText('123 456')).toBeNull());
    expect(within(waiting!).queryByRole('button', { name: 'Approve' })).toBeNull();
    await user.click(within(waiting!).getByRole('button', { name: 'Deny' }));
    expect(log).toEqual(['approve:a1', 'deny:a2']);
  });

  it('shows the key’s backups on Data & privacy, rotates with progress, and leads to start over', async () => {
    const user = userEvent.setup();
    const key = fakeKeyAccess(
      readyState({ backups: { recovery: true, split: false, tenant: 'not-required' } }),
    );
    key.rotation.steps.push({ done: 2, total: 5 });
    render(<App services={setup(key)} />);
    await connect(user);
    await user.click(
      within(screen.getByRole('navigation', { name: 'Candor' })).getByRole('button', {
        name: 'Data & privacy',
      }),
    );
    const section = await screen.findByRole('list', { name: 'Your tracking key' }, SLOW);
    expect(section.textContent).toContain('Locked with your recovery code or passphrase: saved.');
    expect(section.textContent).toContain('your other Outlooks open it without a code: not set up.');
    expect(section.textContent).toContain('not used by your organisation');
    await user.click(screen.getByRole('button', { name: 'Rotate key' }));
    expect(await screen.findByText('Re-sealed 2 of 5. Keep this pane open.')).toBeTruthy();
    await act(async () => key.rotation.finish.resolve());
    expect(await screen.findByText('Done: your data is now sealed to the new key.')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Start over with a new key…' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Start over with a new key' }, SLOW),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Go back' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Connected' })).toBeTruthy();
  });
});
