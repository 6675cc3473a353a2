import { describe, expect, it } from 'vitest';
import { DEFAULT_SEQUENCE, type SequenceSettings } from '../../../src/core/sequence/types';
import { newRecipient, type RecipientRecord } from '../../../src/core/send/recipient';
import {
  type CampaignDraft,
  deriveCampaign,
  emptyDraft,
  withDraftDefaults,
} from '../../../src/ui/campaign/draft';
import {
  addFollowUp,
  canAddFollowUp,
  changeFollowUp,
  defaultWindow,
  moveFollowUp,
  removeFollowUp,
  windowProblems,
  withDelay,
} from '../../../src/ui/campaign/sequence/steps';
import { sequenceSummary } from '../../../src/ui/campaign/sequence/summary';
import {
  dueOnOpenText,
  formatWhen,
  graceUntil,
  stepProgress,
  stepText,
  waitText,
} from '../../../src/ui/campaign/sequence/watch-text';

const body = (s: SequenceSettings) => s.followUps.map((f) => f.template.html);
const withBodies = (...html: string[]) =>
  html.reduce(
    (s, h) =>
      changeFollowUp(addFollowUp(s), s.followUps.length, (f) => ({
        ...f,
        template: { ...f.template, html: h },
      })),
    DEFAULT_SEQUENCE,
  );

describe('editing steps', () => {
  it('adds follow-ups of 3 business days up to five steps in all', () => {
    let s = DEFAULT_SEQUENCE;
    for (let i = 0; i < 6; i++) s = addFollowUp(s);
    expect(s.followUps).toHaveLength(4);
    expect(canAddFollowUp(s)).toBe(false);
    expect(s.followUps[0]?.delay).toEqual({ amount: 3, unit: 'business-days' });
  });

  it('removes and reorders follow-ups; moving past either end changes nothing', () => {
    const s = withBodies('a', 'b', 'c');
    expect(body(removeFollowUp(s, 1))).toEqual(['a', 'c']);
    expect(body(moveFollowUp(s, 2, -1))).toEqual(['a', 'c', 'b']);
    expect(body(moveFollowUp(s, 0, 1))).toEqual(['b', 'a', 'c']);
    expect(moveFollowUp(s, 0, -1)).toBe(s);
    expect(moveFollowUp(s, 2, 1)).toBe(s);
  });

  it('keeps delays whole numbers from 1 to 30', () => {
    const f = withBodies('a').followUps[0]!;
    expect(withDelay(f, 45, 'calendar-days').delay).toEqual({ amount: 30, unit: 'calendar-days' });
    expect(withDelay(f, 0, 'business-days').delay.amount).toBe(1);
  });

  it('explains a window without days or with hours the wrong way round', () => {
    const w = defaultWindow('Europe/Berlin');
    expect(windowProblems(w)).toEqual([]);
    expect(windowProblems({ ...w, days: [] })).toEqual(['Choose at least one day on which Candor may send.']);
    expect(windowProblems({ ...w, startMinute: 18 * 60, endMinute: 8 * 60 })[0]).toMatch(
      /end before they start/,
    );
  });
});

describe('the draft and the campaign', () => {
  it('a new draft has one step, no window and a 20-minute grace period', () => {
    const d = emptyDraft('c1');
    expect(d.sequence).toEqual({
      followUps: [],
      window: null,
      outOfOffice: { action: 'delay', days: 7 },
      graceMinutes: 20,
    });
  });

  it('a draft saved before sequences loads with the defaults', () => {
    const { sequence: _dropped, ...old } = emptyDraft('c1');
    const loaded = withDraftDefaults(old as CampaignDraft);
    expect(loaded.sequence).toEqual(DEFAULT_SEQUENCE);
    // The campaign also carries the recruiter's zone, where business days are counted.
    expect(deriveCampaign(old as CampaignDraft).campaign.sequence).toEqual({
      ...DEFAULT_SEQUENCE,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
  });

  it('deriveCampaign copies steps, window, out-of-office rule and grace; follow-up subjects are RE: step 1', () => {
    const d: CampaignDraft = {
      ...emptyDraft('c1'),
      template: { subject: 'Hello {{firstName|there}}', html: '<p>Hi</p>' },
      sequence: {
        followUps: withBodies('<p>Any news?</p>').followUps,
        window: { ...defaultWindow('America/New_York'), prospectTimeZoneField: 'tz' },
        outOfOffice: { action: 'skip' },
        graceMinutes: 0,
      },
    };
    const { sequence } = deriveCampaign(d).campaign;
    expect(sequence?.followUps[0]?.template).toEqual({
      subject: 'RE: Hello {{firstName|there}}',
      html: '<p>Any news?</p>',
    });
    expect(sequence?.window).toEqual(d.sequence.window);
    expect(sequence?.outOfOffice).toEqual({ action: 'skip' });
    expect(sequence?.graceMinutes).toBe(0);
  });
});

describe('the summary on the Send step', () => {
  it('says how many steps and when each goes', () => {
    let s = withBodies('a', 'b');
    s = changeFollowUp(s, 1, (f) => withDelay(f, 5, 'calendar-days'));
    s = { ...s, window: defaultWindow('Europe/Berlin') };
    const text = sequenceSummary(s);
    expect(text).toContain(
      '3 steps; step 2 three business days after step 1, step 3 five calendar days after step 2.',
    );
    expect(text).toContain(
      'Messages go out only Monday–Friday, 08:00–18:00 in your time zone (Europe/Berlin).',
    );
    expect(text).toContain('After an out-of-office reply, that prospect’s next step waits 7 days.');
    expect(text).toContain('The first messages wait 20 minutes after you press Send');
  });

  it('one step at any time, starting right away', () => {
    expect(sequenceSummary({ ...DEFAULT_SEQUENCE, graceMinutes: 0 })).toBe(
      '1 step: one message per prospect. Messages go out at any time of day, any day. The first messages go out as soon as you press Send.',
    );
  });
});

const rec = (
  id: string,
  step: number,
  state: RecipientRecord['state'],
  notBefore?: number,
): RecipientRecord => ({
  ...newRecipient({ id, address: `${id}@example.com` }),
  state,
  ...(step > 1 ? { step, prospectId: id.split('#')[0] } : {}),
  ...(notBefore !== undefined ? { notBefore } : {}),
});

describe('watching a sequence', () => {
  const now = Date.UTC(2026, 0, 5, 10, 22);
  it('finds the end of the grace period while no step-1 message has gone', () => {
    const held = [rec('a', 1, 'queued', now + 20 * 60_000), rec('b', 1, 'queued', now + 20 * 60_000)];
    expect(graceUntil(held, now)).toBe(now + 20 * 60_000);
    expect(graceUntil([...held, rec('c', 1, 'sent')], now)).toBeNull();
    expect(graceUntil([rec('a', 1, 'queued')], now)).toBeNull();
  });

  it('counts each step, with who stopped and why', () => {
    const records = [rec('a', 1, 'sent'), rec('b', 1, 'sent'), rec('a#2', 2, 'queued', now + 1)];
    const steps = stepProgress(records, 3, [{ step: 2, sent: 0, waiting: 1, stopped: { replied: 1 } }]);
    expect(steps.map(stepText)).toEqual([
      'Step 1: 2 sent, 0 waiting.',
      'Step 2: 0 sent, 1 waiting. Stopped: 1 replied.',
      'Step 3: 0 sent, 0 waiting.',
    ]);
  });

  it('says what the next step waits on, in the recruiter’s time zone', () => {
    const monday8 = Date.UTC(2026, 0, 12, 7, 0); // 08:00 in Berlin
    expect(formatWhen(now + 20 * 60_000, now, 'UTC')).toBe('10:42');
    expect(waitText('window', monday8, now, 'Europe/Berlin')).toBe(
      'It waits for your sending window, which opens Mon 12 Jan, 08:00.',
    );
    expect(waitText('daily-limit', now + 3_600_000, now, 'UTC')).toMatch(
      /10,000 recipients a day.*continues 11:22/,
    );
    expect(waitText('reply-sync', null, now, 'UTC')).toMatch(/check your inbox for replies/);
    expect(dueOnOpenText(3, true, null)).toBe(
      '3 follow-ups fell due while Candor was closed; sending them now (within your window).',
    );
  });
});
