import { describe, expect, it } from 'vitest';
import { isCopyOf, MailboxLimits, SendEngine, type RecipientRecord } from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { addresses, runUntilIdle } from '../support/drive';
import { FakeMailbox } from '../support/fake-mailbox';

const DAY = 24 * 3_600_000;

describe('MailboxLimits', () => {
  it('counts a day of sends across engines, seeded from saved start times, and says when a slot frees', () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const limits = new MailboxLimits(clock, { perDay: 3 });
    limits.seed([t0 - DAY - 1, t0 - 5_000, t0 - 1_000]);
    expect(limits.dailyFreeAt(t0)).toBeNull();
    limits.startSend(t0);
    // The send in flight counts until it settles.
    expect(limits.dailyFreeAt(t0)).toBe(t0 - 5_000 + DAY);
    limits.settleSend(t0, false);
    // A 429 or a refusal never reached Exchange: it does not count.
    expect(limits.dailyFreeAt(t0)).toBeNull();
    limits.startSend(t0);
    limits.settleSend(t0, true);
    expect(limits.dailyFreeAt(t0)).toBe(t0 - 5_000 + DAY);
    expect(limits.dailyFreeAt(t0 - 5_000 + DAY)).toBeNull();
  });

  it('keeps 30 in any minute plus the margin, 4 requests in flight, and pauses everyone on a 429', () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const limits = new MailboxLimits(clock);
    for (let i = 0; i < 30; i++) limits.seedRecent([t0 - 10_000 + i]);
    expect(limits.nextSendAt(t0)).toBe(t0 - 10_000 + 61_000);
    for (let i = 0; i < 4; i++) limits.acquireRead();
    expect(limits.slotFree).toBe(false);
    const woken: number[] = [];
    limits.subscribe(() => woken.push(clock.now()));
    limits.recordThrottle(t0, 45_000);
    expect(limits.pausedUntil()).toBe(t0 + 45_000);
    expect(limits.nextSendAt(t0)).toBe(t0 + 51_000);
    limits.recordThrottle(t0, null);
    expect(limits.throttleStreak).toBe(2);
    expect(woken).toHaveLength(2);
  });

  it('refuses more than Exchange allows', () => {
    const clock = new ManualClock();
    expect(() => new MailboxLimits(clock, { perMinute: 31 })).toThrow(RangeError);
    expect(() => new MailboxLimits(clock, { maxInFlight: 5 })).toThrow(RangeError);
  });
});

describe('Sent Items matching of follow-ups', () => {
  it('a reply to a reply ("RE: RE: …") is the copy of the attempt "RE: …"; step 1 is not', () => {
    const record = {
      address: 'p1@example.com',
      attempt: { sendId: 's', startedAt: Date.UTC(2026, 0, 9), subject: 'RE: Role at Acme' },
    } as RecipientRecord;
    const item = (subject: string) => ({
      id: 'm',
      conversationId: 'c',
      subject,
      toRecipients: [{ address: 'P1@example.com' }],
      sentDateTime: new Date(Date.UTC(2026, 0, 9, 0, 0, 1)).toISOString(),
    });
    expect(isCopyOf(item('RE: RE: Role at Acme'), record, 0)).toBe(true);
    expect(isCopyOf(item('Re: Role at Acme'), record, 0)).toBe(true);
    expect(isCopyOf(item('Role at Acme'), record, 0)).toBe(false);
  });
});

describe('MailboxLimits shared by engines of one pane', () => {
  it('an engine restored in the same pane does not count its day of sends twice', async () => {
    const clock = new ManualClock();
    const mailbox = new FakeMailbox({ clock });
    const limits = new MailboxLimits(clock, { perDay: 5 });
    const options = {
      clock,
      sender: mailbox,
      mailbox: limits,
      render: (r: { address: string }) => ({ to: { address: r.address }, subject: 'Hi', html: '<p>Hi</p>' }),
    };
    const first = SendEngine.create(options, addresses(3));
    first.start();
    await runUntilIdle(clock, first);
    first.dispose();
    // The recruiter switches back to the campaign: it is restored against the same limits.
    const again = SendEngine.restore(options, first.snapshot());
    expect(limits.dailyFreeAt(clock.now())).toBeNull();
    const second = SendEngine.create(options, addresses(4).slice(3));
    second.start();
    await runUntilIdle(clock, second);
    expect(second.progress()).toMatchObject({ sent: 1, status: 'finished' });
    again.dispose();
  });
});
