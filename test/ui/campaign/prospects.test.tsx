import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeRuntime, renderCampaigns, seriousViolations, tsv } from './harness';

const HEADER = ['E-mail', 'First name', 'Last name', 'Company', 'Candidate source'];

async function paste(text: string) {
  const box = await screen.findByLabelText(/Paste rows from a spreadsheet/);
  // fireEvent: typing 5,000 rows key by key would test userEvent, not the screen.
  fireEvent.change(box, { target: { value: text } });
  await userEvent.click(screen.getByRole('button', { name: 'Use pasted rows' }));
}

const summary = () => screen.getByTestId('prospect-summary').textContent;

describe('Prospects step', () => {
  it('maps columns from the headers and shows each row problem inline, with counts', async () => {
    renderCampaigns(fakeRuntime().runtime);
    await paste(
      tsv([
        HEADER,
        ['ada@example.com', 'Ada', 'Lovelace', 'Analytical', 'referral'],
        ['not-an-address', 'Bob', 'B', 'Acme', ''],
        ['ADA@example.com', 'Ada', 'Again', 'Dup', ''],
        ['', 'Nobody', 'N', 'None', ''],
        ['grace@navy.example', 'Grace', 'Hopper', 'Navy', ''],
      ]),
    );
    expect((screen.getByRole('combobox', { name: 'E-mail' }) as HTMLSelectElement).value).toBe('email');
    expect((screen.getByRole('combobox', { name: 'First name' }) as HTMLSelectElement).value).toBe(
      'firstName',
    );
    expect((screen.getByRole('combobox', { name: 'Candidate source' }) as HTMLSelectElement).value).toBe(
      'candidateSource',
    );
    expect(summary()).toBe('2 prospects ready, 3 rows with problems.');
    const kinds = within(screen.getByRole('list', { name: 'Problems by kind' })).getAllByRole('listitem');
    expect(kinds.map((k) => k.textContent)).toEqual([
      '1 invalid address',
      '1 duplicate address',
      '1 missing value',
    ]);
    expect(
      within(screen.getByTestId('prospect-row-2')).getByText(/is not a valid email address/),
    ).toBeTruthy();
    expect(within(screen.getByTestId('prospect-row-3')).getByText(/Same address as row 1/)).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
  });

  it('filters to problems, fixes a row by editing it, and leaves a row out', async () => {
    const user = userEvent.setup();
    renderCampaigns(fakeRuntime().runtime);
    await paste(
      tsv([
        HEADER,
        ['ada@example.com', 'Ada', 'L', 'A', ''],
        ['bob(at)example.com', 'Bob', 'B', 'B', ''],
        ['cy@example.com', 'Cy', 'C', 'C', ''],
      ]),
    );
    await user.click(screen.getByRole('checkbox', { name: 'Show problems only' }));
    expect(screen.queryByTestId('prospect-row-1')).toBeNull();
    expect(screen.getByTestId('prospect-row-2')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Edit row 2' }));
    const form = screen.getByRole('form', { name: 'Edit row 2' });
    const email = within(form).getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'bob@example.com');
    await user.click(within(form).getByRole('button', { name: 'Save row' }));
    expect(summary()).toBe('3 prospects ready.');
    expect(screen.queryByTestId('prospect-row-2')).toBeNull(); // no problems left to show

    await user.click(screen.getByRole('checkbox', { name: 'Show problems only' }));
    await user.click(screen.getByRole('button', { name: 'Leave out row 3' }));
    expect(summary()).toBe('2 prospects ready, 1 row left out.');
    await user.click(screen.getByRole('button', { name: 'Include row 3' }));
    expect(summary()).toBe('3 prospects ready.');
  });

  it('keeps do-not-contact addresses and domains out of the campaign', async () => {
    renderCampaigns(fakeRuntime().runtime);
    await paste(
      tsv([
        HEADER,
        ['ada@example.com', 'Ada', 'L', 'A', ''],
        ['bob@rival.example', 'Bob', 'B', 'B', ''],
        ['cy@example.com', 'Cy', 'C', 'C', ''],
      ]),
    );
    fireEvent.change(screen.getByLabelText(/Do not contact/), {
      target: { value: 'CY@example.com\n@rival.example' },
    });
    await waitFor(() => expect(summary()).toBe('1 prospect ready, 2 rows with problems.'));
    expect(
      within(screen.getByTestId('prospect-row-2')).getByText('This address is on the do-not-contact list.'),
    ).toBeTruthy();
  });

  it('reads an uploaded CSV with a BOM, quoted newlines and semicolons', async () => {
    renderCampaigns(fakeRuntime().runtime);
    const csv =
      '\ufeffEmail;First name;Company\r\n"zoë@example.com";Zoë;"Line one\nline two"\r\nli@example.cn;李;公司\r\n';
    const input = (await screen.findByLabelText(/upload a CSV file/)) as HTMLInputElement;
    await userEvent.upload(input, new File([csv], 'p.csv', { type: 'text/csv' }));
    await waitFor(() => expect(summary()).toBe('2 prospects ready.'));
    expect(within(screen.getByTestId('prospect-row-2')).getByText(/李/)).toBeTruthy();
  });

  it('stays virtualised with 5,000 rows: the count is right and only a screenful is in the DOM', async () => {
    renderCampaigns(fakeRuntime().runtime);
    const rows = Array.from({ length: 5000 }, (_, i) => [`p${i}@example.com`, `N${i}`, 'L', 'C', '']);
    rows[4321] = ['broken', 'X', 'L', 'C', ''];
    await paste(tsv([HEADER, ...rows]));
    expect(summary()).toBe('4,999 prospects ready, 1 row with problems.');
    expect(screen.getAllByTestId(/^prospect-row-/).length).toBeLessThan(40);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Show problems only' }));
    expect(screen.getAllByTestId(/^prospect-row-/).map((r) => r.dataset.testid)).toEqual([
      'prospect-row-4322',
    ]);
  });
});
