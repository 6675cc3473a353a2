import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeRuntime, renderCampaigns, tsv } from './harness';

// Core's previewMessage gains its `step` parameter in #10 (contract §1). Until that is merged this
// stands in for it: a follow-up renders its own body, with "RE: " and step 1's rendered subject.
vi.mock('../../../src/core/campaign', async (importOriginal) => {
  const core = await importOriginal<typeof import('../../../src/core/campaign')>();
  return {
    ...core,
    previewMessage: (
      campaign: import('../../../src/ui/campaign/draft').SequencedCampaign,
      prospectId: string,
      pixelUrl: string,
      step = 1,
    ) => {
      const first = core.previewMessage(campaign, prospectId, pixelUrl);
      if (step === 1) return first;
      const followUp = campaign.sequence?.followUps[step - 2];
      if (!followUp) throw new Error(`No step ${step}.`);
      const rendered = core.previewMessage(
        { ...campaign, template: followUp.template },
        prospectId,
        pixelUrl,
      );
      return { ...rendered, subject: `RE: ${first.subject}` };
    },
  };
});

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
