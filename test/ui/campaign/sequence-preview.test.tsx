import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeRuntime, renderCampaigns, tsv } from './harness';

describe('Preview per step', () => {
  it('previews each step for each prospect, saying when a follow-up goes', async () => {
    const user = userEvent.setup();
    renderCampaigns(fakeRuntime().runtime);
    fireEvent.change(await screen.findByLabelText(/Paste rows from a spreadsheet/), {
      target: {
        value: tsv([
          ['Email', 'First name'],
          ['ada@example.com', 'Ada'],
          ['bob@example.com', 'Bob'],
        ]),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Use pasted rows' }));
    await user.click(screen.getByRole('tab', { name: 'Template' }));
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi {{firstName}}' } });
    fireEvent.change(screen.getByLabelText('Body (HTML)'), {
      target: { value: '<p>Hello {{firstName}}</p>' },
    });
    await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
    fireEvent.change(screen.getByLabelText('Step 2 body (HTML)'), {
      target: { value: '<p>Any news, {{firstName}}?</p>' },
    });
    await user.click(screen.getByRole('tab', { name: 'Preview' }));

    expect(screen.getByTestId('preview-subject').textContent).toBe('Subject: Hi Ada');
    expect(screen.queryByTestId('preview-step-note')).toBeNull();
    fireEvent.change(screen.getByLabelText('Step to preview'), { target: { value: '2' } });
    expect(screen.getByTestId('preview-subject').textContent).toBe('Subject: RE: Hi Ada');
    expect((screen.getByTitle('Message preview') as HTMLIFrameElement).getAttribute('srcdoc')).toContain(
      'Any news, Ada?',
    );
    expect(screen.getByTestId('preview-step-note').textContent).toMatch(
      /^Sent three business days after step 1, as a reply in this prospect’s thread/,
    );
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('preview-subject').textContent).toBe('Subject: RE: Hi Bob');
  }, 120_000);
});
