import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeRuntime, renderCampaigns, seriousViolations, tsv } from './harness';

async function withProspects(rows: string[][], compose?: Parameters<typeof renderCampaigns>[1]) {
  const h = fakeRuntime();
  renderCampaigns(h.runtime, compose);
  fireEvent.change(await screen.findByLabelText(/Paste rows from a spreadsheet/), {
    target: { value: tsv(rows) },
  });
  await userEvent.click(screen.getByRole('button', { name: 'Use pasted rows' }));
  await userEvent.click(screen.getByRole('tab', { name: 'Template' }));
  return h;
}

const ROWS = [
  ['Email', 'First name', 'Company'],
  ['ada@example.com', 'Ada', 'Analytical'],
  ['bob@example.com', '', 'Acme'],
];

const subject = () => screen.getByLabelText('Subject') as HTMLInputElement;
const body = () => screen.getByLabelText('Body (HTML)') as HTMLTextAreaElement;

describe('Template step', () => {
  it('outside a compose window, "Use this draft" is disabled and says how to use it', async () => {
    await withProspects(ROWS);
    expect(
      (screen.getByRole('button', { name: 'Use this draft as the template' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(screen.getByText(/open Candor from a new message in Outlook/)).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
  });

  it('takes the subject and HTML body of the open Outlook draft', async () => {
    await withProspects(ROWS, {
      inOffice: true,
      getComposeItem: async () => ({
        subject: 'Hello {{firstName|there}}',
        html: '<p>Hi {{firstName|there}}</p>',
      }),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Use this draft as the template' }));
    await waitFor(() => expect(subject().value).toBe('Hello {{firstName|there}}'));
    expect(body().value).toBe('<p>Hi {{firstName|there}}</p>');
  });

  it('says so when Outlook has no draft open (read mode)', async () => {
    await withProspects(ROWS, { inOffice: true, getComposeItem: async () => null });
    await userEvent.click(screen.getByRole('button', { name: 'Use this draft as the template' }));
    expect(await screen.findByText(/No draft is open/)).toBeTruthy();
  });

  it('flags unknown fields and prospects missing a value without a fallback', async () => {
    await withProspects(ROWS);
    fireEvent.change(subject(), { target: { value: 'Hi {{firstName}}' } });
    fireEvent.change(body(), { target: { value: '<p>At {{employer}}</p>' } });
    expect(
      await screen.findByText(
        'The template uses {{employer}}, but your list has no column called employer. Check the spelling, or add a fallback: {{employer|…}}.',
      ),
    ).toBeTruthy();
    expect(
      screen.getByText(/1 prospect cannot get this message yet: Row 2 has no value for firstName\./),
    ).toBeTruthy();
    // A fallback fixes the missing value; the unknown field stays flagged.
    fireEvent.change(subject(), { target: { value: 'Hi {{firstName|there}}' } });
    await waitFor(() => expect(screen.queryByText(/cannot get this message yet/)).toBeNull());
    expect(screen.getByText(/your list has no column called employer/)).toBeTruthy();
    // A fallback for the missing column is the other fix the message offers.
    fireEvent.change(body(), { target: { value: '<p>At {{employer|your company}}</p>' } });
    await waitFor(() => expect(screen.queryByText(/no column called employer/)).toBeNull());
  });

  it('rejects a subject with a line separator or control character, with a clear message', async () => {
    await withProspects(ROWS);
    fireEvent.change(subject(), { target: { value: 'Hello\u2028Bcc: someone' } });
    expect(
      await screen.findByText(
        /The subject contains a line separator \(U\+2028\)\. A subject must be a single line/,
      ),
    ).toBeTruthy();
    fireEvent.change(subject(), { target: { value: 'Hello\u0007' } });
    expect(await screen.findByText(/invisible control character \(U\+0007\)/)).toBeTruthy();
  });

  it('inserts a merge field at the cursor from the Insert field menu', async () => {
    const user = userEvent.setup();
    await withProspects(ROWS);
    fireEvent.change(body(), { target: { value: '<p>Hi , welcome</p>' } });
    body().setSelectionRange(6, 6);
    fireEvent.select(body());
    await user.click(screen.getByRole('button', { name: 'Insert field' }));
    await user.click(await screen.findByRole('menuitem', { name: '{{firstName}}' }));
    expect(body().value).toBe('<p>Hi {{firstName}}, welcome</p>');
  });

  it('saves a template on this device and loads it again', async () => {
    const user = userEvent.setup();
    await withProspects(ROWS);
    fireEvent.change(subject(), { target: { value: 'Saved subject' } });
    fireEvent.change(body(), { target: { value: '<p>Saved body</p>' } });
    await user.type(screen.getByLabelText('Save as'), 'Intro');
    await user.click(screen.getByRole('button', { name: 'Save template' }));
    fireEvent.change(subject(), { target: { value: 'Something else' } });
    await user.selectOptions(screen.getByLabelText('Saved templates'), 'Intro');
    await user.click(screen.getByRole('button', { name: 'Load' }));
    expect(subject().value).toBe('Saved subject');
    expect(body().value).toBe('<p>Saved body</p>');
  });

  it('shows a row missing a value the template needs on the prospect list, to fix it there', async () => {
    const user = userEvent.setup();
    await withProspects(ROWS);
    fireEvent.change(subject(), { target: { value: 'Hi {{firstName}}' } });
    await user.click(screen.getByRole('tab', { name: 'Prospects' }));
    expect(screen.getByTestId('prospect-summary').textContent).toBe('1 prospect ready, 1 row with problems.');
    expect(
      screen.getByText(
        'Row 2 has no value for firstName. Fill it in on the Prospects step, or add a fallback: {{firstName|…}}.',
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Edit row 2' }));
    const form = screen.getByRole('form', { name: 'Edit row 2' });
    await user.type(within(form).getByLabelText('First name'), 'Bob');
    await user.click(within(form).getByRole('button', { name: 'Save row' }));
    expect(screen.getByTestId('prospect-summary').textContent).toBe('2 prospects ready.');
  });
});
