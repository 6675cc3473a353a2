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

describe('Prospects step: counts, awkward files and list size', () => {
  it('counts each kind of problem with its real plural form', async () => {
    renderCampaigns(fakeRuntime().runtime);
    fireEvent.change(await screen.findByLabelText(/Do not contact/), {
      target: { value: '@blocked.example' },
    });
    await paste(
      tsv([
        ['Email', 'First name'],
        ['ok@example.com', 'Ana'],
        ['bad1', 'B'],
        ['bad2', 'B'],
        ['bad3', 'B'],
        ['bad4', 'B'],
        ['d1@blocked.example', 'D'],
        ['d2@blocked.example', 'D'],
        ['u1@example.com', '"Una'],
        ['u2@example.com', '"Ulla'],
      ]),
    );
    expect(summary()).toBe('1 prospect ready, 8 rows with problems.');
    const kinds = within(screen.getByRole('list', { name: 'Problems by kind' }))
      .getAllByRole('listitem')
      .map((k) => k.textContent)
      .sort();
    expect(kinds).toEqual([
      '2 addresses on the do-not-contact list',
      '2 unreadable rows',
      '4 invalid addresses',
    ]);
  });

  it('imports a CSV whose formula cell has quotes inside, row by row, with the formula warning', async () => {
    renderCampaigns(fakeRuntime().runtime);
    await paste(
      [
        'email,firstName,lastName,company',
        'f1@example.com,=HYPERLINK("http://x.example/","click"),Formula,Co',
        'f2@example.com,Bo,Two,Co',
        'f3@example.com,Cy,Three,Co',
        'f4@example.com,Di,Four,Co',
      ].join('\r\n'),
    );
    expect(summary()).toBe('4 prospects ready.');
    expect(
      within(screen.getByTestId('prospect-row-1')).getByText(/starts like a spreadsheet formula/),
    ).toBeTruthy();
    expect(screen.queryByText(/never closes/)).toBeNull();
  });

  it('refuses a list over 50,000 rows, says how many days it would take, and offers the first 50,000', async () => {
    const user = userEvent.setup();
    renderCampaigns(fakeRuntime().runtime);
    const rows = Array.from({ length: 50_001 }, (_, i) => [`p${i}@example.com`, `P${i}`]);
    const text = tsv([['Email', 'First name'], ...rows]);
    await paste(text);
    const refusal = screen.getByTestId('too-many-rows');
    expect(refusal.textContent).toMatch(/It has 50,001 rows\./);
    expect(refusal.textContent).toMatch(/the whole list would take 6 days to send/);
    expect(refusal.textContent).toMatch(/at most 50,000 rows \(5 days\) into one campaign/);
    expect(screen.queryByTestId('prospect-summary')).toBeNull(); // nothing imported yet

    await user.click(within(refusal).getByRole('button', { name: 'Choose another list' }));
    expect(screen.queryByTestId('too-many-rows')).toBeNull();
    expect(screen.queryByTestId('prospect-summary')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Use pasted rows' }));
    await user.click(
      within(screen.getByTestId('too-many-rows')).getByRole('button', {
        name: 'Import the first 50,000 rows',
      }),
    );
    expect(summary()).toBe('50,000 prospects ready.');
    expect(screen.getByTestId('sending-days').textContent).toMatch(
      /Sending to 50,000 prospects takes at least 5 days: Microsoft 365 lets a mailbox send to 10,000 recipients a day/,
    );
    await user.click(screen.getByRole('tab', { name: 'Send' }));
    expect(screen.getByTestId('send-summary').textContent).toMatch(
      /^50,000 messages from your mailbox, one per prospect, over at least 5 days/,
    );
  }, 60_000);

  it('says nothing about days for a list one day can send', async () => {
    renderCampaigns(fakeRuntime().runtime);
    await paste(tsv([['Email'], ['a@example.com']]));
    expect(summary()).toBe('1 prospect ready.');
    expect(screen.queryByTestId('sending-days')).toBeNull();
  });
});
