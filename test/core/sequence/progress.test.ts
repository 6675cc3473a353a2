import { describe, expect, it } from 'vitest';
import { describeWait, dueOnOpen, sequenceProgress } from '../../../src/core/sequence';
import { campaign, record, sent } from './fixtures';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Monday 8 June 2026, 10:00 in Berlin. */
const NOW = Date.UTC(2026, 5, 8, 8);

describe('sequenceProgress', () => {
  it('counts each step, the prospects later steps will not go to and why, and the next unit that waits', () => {
    const c = campaign({}, 6);
    const records = [
      sent('p1', Date.UTC(2026, 5, 5, 14)), // Friday 16:00
      // Due Tuesday 16:00 by its delay.
      record('p1#2', { step: 2, prospectId: 'p1', threadOf: 'p1', notBefore: Date.UTC(2026, 5, 9, 14) }),
      sent('p2', NOW - 3 * DAY, { response: { kind: 'replied', at: NOW - DAY } }),
      sent('p3', NOW - 3 * DAY, { response: { kind: 'bounced', at: NOW - DAY } }),
      sent('p4', NOW - 5 * DAY),
      record('p4#2', { step: 2, prospectId: 'p4', threadOf: 'p4', notBefore: NOW - MINUTE }), // due now
      record('p5', { state: 'failed', failure: { code: 'removed', message: 'Removed.' } }),
      record('p6', { state: 'uncertain' }),
    ];
    const progress = sequenceProgress(c, records, { p5: { code: 'removed', at: NOW - DAY } }, NOW);
    expect(
      progress.steps.map(({ step, sent: s, queued, waiting, failed, uncertain }) => ({
        step,
        s,
        queued,
        waiting,
        failed,
        uncertain,
      })),
    ).toEqual([
      { step: 1, s: 4, queued: 0, waiting: 0, failed: 1, uncertain: 1 },
      { step: 2, s: 0, queued: 1, waiting: 1, failed: 0, uncertain: 0 },
      { step: 3, s: 0, queued: 0, waiting: 0, failed: 0, uncertain: 0 },
    ]);
    const stopped = { replied: 1, bounced: 1, 'out-of-office': 0, removed: 1, 'do-not-contact': 0 };
    expect(progress.steps[0]?.stopped).toEqual({ ...stopped, replied: 0, bounced: 0, removed: 0 });
    expect(progress.steps[1]?.stopped).toEqual(stopped);
    expect(progress.steps[2]?.stopped).toEqual(stopped);
    expect(progress.dueNow).toBe(1);
    expect(progress.nextDue).toEqual({ at: Date.UTC(2026, 5, 9, 14), step: 2, reason: 'delay' });
  });

  it('says the window when the delay ended outside it, the grace period for first messages, and out-of-office', () => {
    const c = campaign();
    // Sent Friday 17:30: the delay ends Tuesday 17:30, the window opens Wednesday 9:00.
    const late = [
      sent('p1', Date.UTC(2026, 5, 5, 15, 30)),
      record('p1#2', { step: 2, prospectId: 'p1', threadOf: 'p1', notBefore: Date.UTC(2026, 5, 10, 7) }),
    ];
    expect(sequenceProgress(c, late, undefined, NOW).nextDue).toEqual({
      at: Date.UTC(2026, 5, 10, 7),
      step: 2,
      reason: 'window',
    });
    const grace = [record('p1', { step: 1, notBefore: NOW + 20 * MINUTE })];
    expect(sequenceProgress(c, grace, undefined, NOW).nextDue).toEqual({
      at: NOW + 20 * MINUTE,
      step: 1,
      reason: 'grace',
    });
    // Saturday: the first messages wait for Monday 9:00 even with no grace left.
    const saturday = Date.UTC(2026, 5, 6, 10);
    expect(sequenceProgress(c, [record('p1', { step: 1 })], undefined, saturday).nextDue).toEqual({
      at: Date.UTC(2026, 5, 8, 7),
      step: 1,
      reason: 'window',
    });
    const away = [
      sent('p1', NOW - 3 * DAY, { response: { kind: 'out-of-office', at: NOW } }),
      record('p1#2', { step: 2, prospectId: 'p1', threadOf: 'p1', notBefore: NOW }),
    ];
    const progress = sequenceProgress(c, away, undefined, NOW);
    expect(progress.nextDue).toEqual({ at: NOW + 7 * DAY, step: 2, reason: 'out-of-office' });
    expect(progress.steps[1]).toMatchObject({ waiting: 1, queued: 0 });
    // Away until Sunday: then the window (Monday 9:00) is what it waits on last.
    away[0] = sent('p1', NOW - 3 * DAY, { response: { kind: 'out-of-office', at: NOW - DAY } });
    expect(sequenceProgress(c, away, undefined, NOW).nextDue).toEqual({
      at: Date.UTC(2026, 5, 15, 7),
      step: 2,
      reason: 'window',
    });
  });

  it('counts a queued follow-up of a prospect who replied as stopped, not as waiting', () => {
    const records = [
      sent('p1', NOW - 3 * DAY, { response: { kind: 'replied', at: NOW - MINUTE } }),
      record('p1#2', { step: 2, prospectId: 'p1', threadOf: 'p1', notBefore: NOW + DAY }),
    ];
    const progress = sequenceProgress(campaign(), records, undefined, NOW);
    expect(progress.steps[1]).toMatchObject({ waiting: 0, queued: 0, stopped: { replied: 1 } });
    expect(progress.nextDue).toBeNull();
  });
});

describe('dueOnOpen', () => {
  it('counts the queued units that fell due before the pane opened', () => {
    const records = [
      record('p1', { notBefore: NOW - DAY }),
      record('p2#2', { step: 2, prospectId: 'p2', notBefore: NOW - MINUTE }),
      record('p3#2', { step: 2, prospectId: 'p3', notBefore: NOW + MINUTE }),
      sent('p4', NOW - DAY),
      record('p5'),
    ];
    expect(dueOnOpen(records, NOW)).toBe(3);
  });
});

describe('describeWait', () => {
  it('says when the next step goes out in the recruiter’s time and what it waits on', () => {
    const tuesday9 = Date.UTC(2026, 5, 9, 7);
    expect(describeWait('window', tuesday9, 'Europe/Berlin', { step: 2, now: NOW })).toBe(
      'Step 2 goes out Tue 9:00 (your sending window opens).',
    );
    expect(describeWait('grace', NOW + 20 * MINUTE, 'Europe/Berlin', { step: 1, now: NOW })).toBe(
      'Step 1 goes out today 10:20 (after the grace period; you can still send now or cancel).',
    );
    expect(describeWait('out-of-office', NOW + 9 * DAY, 'Europe/Berlin', { step: 3, now: NOW })).toBe(
      'Step 3 goes out Wed 17 Jun 10:00 (the prospect is out of office until then).',
    );
    expect(describeWait('reply-sync', null, 'Europe/Berlin')).toBe(
      'The next message goes out once Candor checks for replies first.',
    );
  });
});
