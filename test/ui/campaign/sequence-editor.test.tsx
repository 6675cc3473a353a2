import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CampaignDraft } from '../../../src/ui/campaign/draft';
import { deriveCampaign } from '../../../src/ui/campaign/draft';
import type { PersistedCampaign } from '../../../src/ui/campaign/runtime';
import { fakeRuntime, memoryLibrary, renderCampaigns, seriousViolations, tsv } from './harness';

const ROWS = [
  ['Email', 'First name', 'Time zone'],
  ['ada@example.com', 'Ada', 'Europe/Paris'],
  ['bob@example.com', '', 'America/New_York'],
];

async function toTemplate(compose?: Parameters<typeof renderCampaigns>[1]) {
  const h = fakeRuntime();
  h.runtime.templates = memoryLibrary([
    {
      name: 'Nudge',
      subject: 'Ignored for follow-ups',
      html: '<p>Just checking in, {{firstName|there}}</p>',
    },
  ]);
  renderCampaigns(h.runtime, compose);
  fireEvent.change(await screen.findByLabelText(/Paste rows from a spreadsheet/), {
    target: { value: tsv(ROWS) },
  });
  await userEvent.click(screen.getByRole('button', { name: 'Use pasted rows' }));
  await userEvent.click(screen.getByRole('tab', { name: 'Template' }));
  fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hello {{firstName|there}}' } });
  fireEvent.change(screen.getByLabelText('Body (HTML)'), {
    target: { value: '<p>Hi {{firstName|there}}</p>' },
  });
  return h;
}

/** The draft as Candor saved it (what a reload would open). */
function savedDraft(h: ReturnType<typeof fakeRuntime>): CampaignDraft {
  const value = JSON.parse([...h.store.saved.values()].at(-1) as string) as PersistedCampaign;
  return value.draft as CampaignDraft;
}

/** Each test drives the whole campaign screen through several steps: slow on a shared 2-core machine. */
const SLOW = 120_000;

const stepBody = (n: number) => screen.getByLabelText(`Step ${n} body (HTML)`) as HTMLTextAreaElement;

describe('step editor', () => {
  it(
    'adds follow-ups (subject RE: step 1), reorders and removes them, and keeps focus on the step',
    async () => {
      const user = userEvent.setup();
      const h = await toTemplate();
      await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
      const step2 = screen.getByTestId('step-2');
      expect(document.activeElement).toBe(within(step2).getByRole('heading', { name: 'Step 2: follow-up' }));
      expect(screen.getByTestId('step-2-subject').textContent).toBe(
        'Subject: RE: Hello {{firstName|there}} — sent as a reply in the prospect’s thread.',
      );
      expect((within(step2).getByLabelText('Days after step 1') as HTMLInputElement).value).toBe('3');
      expect((within(step2).getByLabelText('Step 2: which days count') as HTMLSelectElement).value).toBe(
        'business-days',
      );
      fireEvent.change(stepBody(2), { target: { value: '<p>second</p>' } });

      await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
      fireEvent.change(stepBody(3), { target: { value: '<p>third</p>' } });
      await user.click(screen.getByRole('button', { name: 'Move up: step 3' }));
      expect(stepBody(2).value).toBe('<p>third</p>');
      expect(stepBody(3).value).toBe('<p>second</p>');
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move up: step 2' }));

      await user.click(screen.getByRole('button', { name: 'Remove step 2' }));
      expect(stepBody(2).value).toBe('<p>second</p>');
      expect(screen.queryByLabelText('Step 3 body (HTML)')).toBeNull();
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add a follow-up' }));
      expect(savedDraft(h).sequence.followUps.map((f) => f.template.html)).toEqual(['<p>second</p>']);
      expect(await seriousViolations()).toEqual([]);
    },
    SLOW,
  );

  it(
    'stops at five steps and says why',
    async () => {
      const user = userEvent.setup();
      await toTemplate();
      for (let i = 0; i < 4; i++) await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
      expect(screen.getByLabelText('Step 5 body (HTML)')).toBeTruthy();
      expect(screen.getByRole('button', { name: 'Add a follow-up' }).getAttribute('aria-disabled')).toBe(
        'true',
      );
      expect(screen.getByTestId('steps-note').textContent).toBe(
        'A sequence has at most 5 steps: remove one to add another.',
      );
    },
    SLOW,
  );

  it(
    'starts a follow-up from a saved template or the Outlook draft, and changes its delay',
    async () => {
      const user = userEvent.setup();
      const h = await toTemplate({
        inOffice: true,
        getComposeItem: async () => ({ subject: 'Draft subject', html: '<p>From Outlook</p>' }),
      });
      await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
      await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
      const step2 = screen.getByTestId('step-2');
      await user.selectOptions(within(step2).getByLabelText('Saved templates for step 2'), 'Nudge');
      await user.click(within(step2).getByRole('button', { name: 'Load' }));
      expect(stepBody(2).value).toBe('<p>Just checking in, {{firstName|there}}</p>');

      await user.click(screen.getByRole('button', { name: 'Use this draft for step 3' }));
      await waitFor(() => expect(stepBody(3).value).toBe('<p>From Outlook</p>'));
      expect(screen.getByText(/The draft’s body is now step 3/)).toBeTruthy();
      // Step 1 is untouched by either.
      expect((screen.getByLabelText('Subject') as HTMLInputElement).value).toBe('Hello {{firstName|there}}');

      const days = within(step2).getByLabelText('Days after step 1');
      await user.clear(days);
      await user.type(days, '45');
      expect(within(step2).getByText('Enter a whole number from 1 to 30.')).toBeTruthy();
      await user.clear(days);
      await user.type(days, '5');
      await user.selectOptions(within(step2).getByLabelText('Step 2: which days count'), 'calendar-days');
      expect(savedDraft(h).sequence.followUps[0]?.delay).toEqual({ amount: 5, unit: 'calendar-days' });
    },
    SLOW,
  );

  it(
    'shows each follow-up’s problems where they are, and the Send step will not send',
    async () => {
      const user = userEvent.setup();
      await toTemplate();
      await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
      fireEvent.change(stepBody(2), { target: { value: '<p>Hi {{firstName}} at {{employer}}</p>' } });
      const step2 = screen.getByTestId('step-2');
      expect(within(step2).getByText(/no column called employer/)).toBeTruthy();
      expect(
        within(step2).getByText(/1 prospect cannot get step 2 yet: Row 2 has no value for firstName/),
      ).toBeTruthy();
      await user.click(screen.getByRole('tab', { name: 'Send' }));
      expect(
        screen.getByText(/Fix these before sending:.*Step 2: The template uses \{\{employer\}\}/),
      ).toBeTruthy();
      expect(screen.getByRole('button', { name: 'Review and send' }).hasAttribute('disabled')).toBe(true);
    },
    SLOW,
  );
});

describe('Send step: window, out of office, grace', () => {
  it(
    'round-trips the recruiter’s choices into the campaign and summarises them',
    async () => {
      const user = userEvent.setup();
      const h = await toTemplate();
      await user.click(screen.getByRole('button', { name: 'Add a follow-up' }));
      fireEvent.change(stepBody(2), { target: { value: '<p>Any news?</p>' } });
      await user.click(screen.getByRole('tab', { name: 'Send' }));
      expect(screen.getByTestId('sequence-summary').textContent).toMatch(
        /^2 steps; step 2 three business days after step 1\. .*Messages go out at any time of day, any day\. The first messages wait 20 minutes/,
      );

      await user.click(screen.getByRole('radio', { name: 'Only on certain days and hours' }));
      expect(screen.getByTestId('window-zone').textContent).toMatch(/^Times are in your time zone, .+\.$/);
      await user.click(screen.getByRole('checkbox', { name: 'Friday' }));
      fireEvent.change(screen.getByLabelText('From'), { target: { value: '540' } });
      fireEvent.change(screen.getByLabelText('To'), { target: { value: '1020' } });
      fireEvent.change(screen.getByLabelText('Use each prospect’s time zone from column'), {
        target: { value: 'timeZone' },
      });
      await user.click(screen.getByRole('radio', { name: 'Skip their later steps' }));
      fireEvent.change(screen.getByLabelText('Before the first message goes out'), {
        target: { value: '0' },
      });
      expect(
        (screen.getByLabelText('Before the first message goes out') as HTMLSelectElement).selectedOptions[0]
          ?.textContent,
      ).toBe('Start right away');

      const { campaign } = deriveCampaign(savedDraft(h));
      expect(campaign.sequence).toMatchObject({
        window: { days: [1, 2, 3, 4], startMinute: 540, endMinute: 1020, prospectTimeZoneField: 'timeZone' },
        outOfOffice: { action: 'skip' },
        graceMinutes: 0,
      });
      expect(campaign.sequence?.window?.timeZone).toBeTruthy();
      expect(screen.getByTestId('sequence-summary').textContent).toMatch(
        /An out-of-office reply stops that prospect’s later steps\. Messages go out only Monday–Thursday, 09:00–17:00 in each prospect’s time zone \(from “timeZone”.*go out as soon as you press Send\./,
      );
      expect(await seriousViolations()).toEqual([]);
    },
    SLOW,
  );

  it(
    'explains a window with no days and will not send',
    async () => {
      const user = userEvent.setup();
      await toTemplate();
      await user.click(screen.getByRole('tab', { name: 'Send' }));
      await user.click(screen.getByRole('radio', { name: 'Only on certain days and hours' }));
      for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])
        await user.click(screen.getByRole('checkbox', { name: day }));
      expect(screen.getByRole('alert').textContent).toBe('Choose at least one day on which Candor may send.');
      expect(screen.getByRole('button', { name: 'Review and send' }).hasAttribute('disabled')).toBe(true);
    },
    SLOW,
  );
});
