/**
 * Keyboard focus on the campaign screens: wherever an action replaces the control that had focus
 * (confirming, starting to send, a new campaign, the row editor, the last prospect), focus lands on
 * what took its place, never on <body>. Actions are keyboard presses (Enter, Escape) on the focused
 * control; the walk to each control is a focus() call, because one Tab through these screens takes
 * most of a second in jsdom (test/ui/keyboard.test.tsx checks the Tab order itself).
 */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeRuntime, type Harness, renderCampaigns, tsv } from './harness';

/** Puts focus on the button (or other control) named `name`, as Tab would. */
function focusOn(role: 'button' | 'checkbox', name: string): HTMLElement {
  const el = screen.getByRole(role, { name });
  act(() => el.focus());
  expect(document.activeElement).toBe(el);
  return el;
}

const focused = () => document.activeElement as HTMLElement;

async function withProspects(h: Harness, rows: string[][]) {
  const user = userEvent.setup();
  renderCampaigns(h.runtime);
  fireEvent.change(await screen.findByLabelText(/Paste rows from a spreadsheet/), {
    target: { value: tsv([['Email', 'First name'], ...rows]) },
  });
  await user.click(screen.getByRole('button', { name: 'Use pasted rows' }));
  return user;
}

async function readyToSend(h: Harness, n: number) {
  const user = await withProspects(
    h,
    Array.from({ length: n }, (_, i) => [`person${i + 1}@example.com`, `P${i + 1}`]),
  );
  await user.click(screen.getByRole('tab', { name: 'Template' }));
  fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hello {{firstName}}' } });
  fireEvent.change(screen.getByLabelText('Body (HTML)'), { target: { value: '<p>Hi</p>' } });
  await user.click(screen.getByRole('tab', { name: 'Send' }));
  return user;
}

describe('campaign screens by keyboard', () => {
  it('keeps focus through Review and send, Back, Send N messages and New campaign', async () => {
    const h = fakeRuntime();
    const user = await readyToSend(h, 2);

    focusOn('button', 'Review and send');
    await user.keyboard('{Enter}');
    expect(focused()).toBe(screen.getByRole('group', { name: 'Confirm sending' }));
    // The question is what a screen reader reads with the group.
    expect(focused().getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(focused().getAttribute('aria-describedby')!)?.textContent).toMatch(
      /^Send 2 messages now\?/,
    );

    focusOn('button', 'Back');
    await user.keyboard('{Enter}');
    expect(focused()).toBe(screen.getByRole('button', { name: 'Review and send' }));

    await user.keyboard('{Enter}');
    focusOn('button', 'Send 2 messages');
    await user.keyboard('{Enter}');
    await screen.findByTestId('send-status');
    // The grace period: "Send now" is reachable by keyboard.
    await screen.findByTestId('grace-banner');
    focusOn('button', 'Send now');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByTestId('grace-banner')).toBeNull());
    await waitFor(() =>
      expect(focused()).toBe(screen.getByRole('heading', { level: 2, name: 'New campaign' })),
    );

    await act(() => h.clock.advance(5_000));
    await waitFor(() => expect(screen.getByTestId('send-status').textContent).toBe('Finished: 2 of 2 sent'));
    focusOn('button', 'New campaign');
    await user.keyboard('{Enter}');
    // A new campaign starts at its first step, with focus on that step's tab.
    const prospects = await screen.findByRole('tab', { name: 'Prospects' });
    expect(prospects.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByLabelText(/Paste rows from a spreadsheet/)).toBeTruthy();
    await waitFor(() => expect(focused()).toBe(prospects));
  });

  it('keeps focus on Next at the last prospect', async () => {
    const h = fakeRuntime();
    const user = await withProspects(h, [
      ['a@example.com', 'A'],
      ['b@example.com', 'B'],
    ]);
    await user.click(screen.getByRole('tab', { name: 'Preview' }));
    const next = focusOn('button', 'Next');
    await user.keyboard('{Enter}');
    expect(screen.getByText('Prospect 2 of 2')).toBeTruthy();
    expect(focused()).toBe(next);
    await user.keyboard('{Enter}'); // at the end: nothing happens, focus stays
    expect(screen.getByText('Prospect 2 of 2')).toBeTruthy();
    expect(focused()).toBe(next);
    // Still focusable, only marked disabled: Chromium drops focus from a button that becomes disabled
    // (jsdom does not, so test/e2e/layout.e2e.test.ts checks this in the real browser).
    expect(next.getAttribute('aria-disabled')).toBe('true');
    expect((next as HTMLButtonElement).disabled).toBe(false);
  });

  it('opens the row editor in its first field, closes it with Escape or Cancel back on Edit', async () => {
    const h = fakeRuntime();
    const user = await withProspects(h, [
      ['a@example.com', 'A'],
      ['not-an-address', 'B'],
    ]);
    focusOn('button', 'Edit row 2');
    await user.keyboard('{Enter}');
    const form = screen.getByRole('form', { name: 'Edit row 2' });
    expect(focused()).toBe(screen.getByRole('textbox', { name: 'Email' }));
    expect(form.contains(focused())).toBe(true);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('form', { name: 'Edit row 2' })).toBeNull();
    await waitFor(() => expect(focused()).toBe(screen.getByRole('button', { name: 'Edit row 2' })));

    await user.keyboard('{Enter}');
    focusOn('button', 'Cancel');
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('form', { name: 'Edit row 2' })).toBeNull();
    await waitFor(() => expect(focused()).toBe(screen.getByRole('button', { name: 'Edit row 2' })));
  });

  it('after an edit fixes a row out of "problems only", focus is on the list', async () => {
    const h = fakeRuntime();
    const user = await withProspects(h, [
      ['a@example.com', 'A'],
      ['not-an-address', 'B'],
    ]);
    await user.click(screen.getByRole('checkbox', { name: 'Show problems only' }));
    focusOn('button', 'Edit row 2');
    await user.keyboard('{Enter}');
    const email = screen.getByRole('textbox', { name: 'Email' });
    expect(focused()).toBe(email);
    await user.clear(email);
    await user.type(email, 'b@example.com{Enter}');
    expect(screen.queryByTestId('prospect-row-2')).toBeNull();
    await waitFor(() => expect(focused()).toBe(screen.getByRole('region', { name: /^Prospect rows/ })));
  });
});
