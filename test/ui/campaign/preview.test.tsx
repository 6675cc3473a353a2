import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeRuntime, renderCampaigns, seriousViolations, tsv } from './harness';

async function toPreview() {
  renderCampaigns(fakeRuntime().runtime);
  fireEvent.change(await screen.findByLabelText(/Paste rows from a spreadsheet/), {
    target: {
      value: tsv([
        ['Email', 'First name', 'Company'],
        ['ada@example.com', 'Ada', 'Analytical'],
        ['eve@example.com', '<b>Eve</b> <script>x()</script>', ''],
        ['cy@example.com', '', 'Cyb'],
      ]),
    },
  });
  await userEvent.click(screen.getByRole('button', { name: 'Use pasted rows' }));
  await userEvent.click(screen.getByRole('tab', { name: 'Template' }));
  fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi {{firstName|there}}' } });
  fireEvent.change(screen.getByLabelText('Body (HTML)'), {
    target: { value: '<p>Hello {{firstName|there}} at {{company|your company}}</p>' },
  });
  await userEvent.click(screen.getByRole('tab', { name: 'Preview' }));
}

const frame = () => screen.getByTitle('Message preview') as HTMLIFrameElement;
const subject = () => screen.getByTestId('preview-subject').textContent;

describe('Preview step', () => {
  it('steps through prospects showing the rendered subject and body in a sandboxed frame', async () => {
    const user = userEvent.setup();
    await toPreview();
    expect(screen.getByRole('status').textContent).toBe('Prospect 1 of 3');
    expect(subject()).toBe('Subject: Hi Ada');
    expect(frame().getAttribute('sandbox')).toBe('');
    expect(frame().getAttribute('srcdoc')).toBe('<p>Hello Ada at Analytical</p>');

    await user.click(screen.getByRole('button', { name: 'Next' }));
    // Prospect values are escaped: markup in a cell is shown as text, never run.
    expect(frame().getAttribute('srcdoc')).toBe(
      '<p>Hello &lt;b&gt;Eve&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt; at your company</p>',
    );

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(subject()).toBe('Subject: Hi there');
    // Disabled at the end, but still focusable (aria-disabled), so the keyboard's place is kept.
    const next = screen.getByRole('button', { name: 'Next' });
    expect(next.getAttribute('aria-disabled')).toBe('true');
    await user.click(next);
    expect(subject()).toBe('Subject: Hi there');
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(screen.getByRole('status').textContent).toBe('Prospect 2 of 3');
    expect(await seriousViolations()).toEqual([]);
  });

  it('says where the open pixel goes, and that there is none when tracking is off', async () => {
    const user = userEvent.setup();
    await toPreview();
    expect(screen.getByTestId('preview-pixel').textContent).toMatch(
      /a 1×1 image is added at the very end of the body/,
    );
    // The frame never loads the pixel: previewing must not record an open.
    expect(frame().getAttribute('srcdoc')).not.toContain('<img');

    await user.click(screen.getByRole('checkbox', { name: 'Track opens for this prospect' }));
    expect(screen.getByTestId('preview-pixel').textContent).toBe(
      'No open-tracking image: opens are not tracked for this prospect.',
    );
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('preview-pixel').textContent).toMatch(/1×1 image/);

    await user.click(screen.getByRole('switch', { name: 'Track opens in this campaign' }));
    expect(screen.getByTestId('preview-pixel').textContent).toBe(
      'No open-tracking image: opens are not tracked for this prospect.',
    );
    expect(
      (screen.getByRole('checkbox', { name: 'Track opens for this prospect' }) as HTMLInputElement).disabled,
    ).toBe(true);
  });

  it('shows why a prospect cannot be rendered instead of a wrong message', async () => {
    await toPreview();
    await userEvent.click(screen.getByRole('tab', { name: 'Template' }));
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi {{firstName}}' } });
    await userEvent.click(screen.getByRole('tab', { name: 'Preview' }));
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      screen.getByText(
        'Row 3 has no value for firstName. Fill it in on the Prospects step, or add a fallback: {{firstName|…}}.',
      ),
    ).toBeTruthy();
    expect(screen.queryByTitle('Message preview')).toBeNull();
  });

  it('says a misspelt merge field is a column the list does not have, not a row problem', async () => {
    await toPreview();
    await userEvent.click(screen.getByRole('tab', { name: 'Template' }));
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi {{frstName}}' } });
    await userEvent.click(screen.getByRole('tab', { name: 'Preview' }));
    expect(
      screen.getByText(
        'The template uses {{frstName}}, but your list has no column called frstName. Check the spelling, or add a fallback: {{frstName|…}}.',
      ),
    ).toBeTruthy();
    expect(screen.queryByText(/Row 1/)).toBeNull();
  });
});
