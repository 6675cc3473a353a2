import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { OfficeDialogError } from '../../src/outlook/auth-dialog';
import { App } from '../../src/ui/app/App';
import { seriousViolations } from './axe';
import { fakeServices, fakeSession, RECRUITER } from './fake-services';

describe('axe-core', () => {
  it('finds no serious or critical violations on Connect, with an error, Home and Data & privacy', async () => {
    const user = userEvent.setup();
    const session = fakeSession({ signInErrors: [new OfficeDialogError(12007)] });
    render(<App services={fakeServices({ session }).services} />);
    await act(async () => undefined);
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByText('Could not connect your mailbox');
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByText(RECRUITER.displayName);
    expect(await seriousViolations()).toEqual([]);

    await user.click(
      within(screen.getByRole('navigation', { name: 'Candor' })).getByRole('button', {
        name: 'Data & privacy',
      }),
    );
    await screen.findByRole('heading', { level: 1, name: 'Data & privacy' });
    expect(await seriousViolations()).toEqual([]);
  });

  it('would catch a serious violation (the check is live)', async () => {
    render(<App services={fakeServices().services} />);
    const img = document.createElement('img');
    img.src = 'data:,';
    screen.getByRole('main').append(img); // an image without alt text is a critical violation
    expect((await seriousViolations()).some((v) => v.startsWith('image-alt'))).toBe(true);
  });
});
