import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GateDecision } from '../../../src/core/send/gate';
import {
  addDelay,
  firstStepInputs,
  followUpGate,
  isInsideWindow,
  nextFollowUp,
  prospectTimeZone,
  REPLY_SYNC_MAX_AGE_MS,
  sequenceHooks,
  stepOneGate,
  THREAD_COPY_RECHECK_MS,
} from '../../../src/core/sequence';
import { campaign, record, sent, view } from './fixtures';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Friday 5 June 2026, 16:00 in Berlin (CEST). */
const FRIDAY_1600_BERLIN = Date.UTC(2026, 5, 5, 14);

describe('prospectTimeZone', () => {
  it('uses the list’s time-zone column when it holds a zone, else the window’s, else the sequence’s, else UTC', () => {
    const c = campaign();
    const [p1, p2, p3] = c.prospects as [never, never, never];
    expect(prospectTimeZone(c, p1)).toBe('Europe/Berlin'); // empty cell
    expect(prospectTimeZone(c, p2)).toBe('America/New_York');
    expect(prospectTimeZone(c, p3)).toBe('Europe/Berlin'); // not a zone
    const noColumn = campaign({ window: { ...c.sequence!.window!, prospectTimeZoneField: null } });
    expect(prospectTimeZone(noColumn, p2)).toBe('Europe/Berlin');
    const noWindow = campaign({ window: null, timeZone: 'Asia/Kolkata' });
    expect(prospectTimeZone(noWindow, p2)).toBe('Asia/Kolkata');
    expect(prospectTimeZone(campaign({ window: null }), p2)).toBe('UTC');
    const padded = { ...c.prospects[1]!, fields: { ...c.prospects[1]!.fields, timeZone: ' Asia/Kolkata ' } };
    expect(prospectTimeZone(c, padded)).toBe('Asia/Kolkata');
  });
});

describe('firstStepInputs', () => {
  it('holds every first message for the grace period, and not at all with a grace of 0', () => {
    const now = FRIDAY_1600_BERLIN;
    expect(firstStepInputs(campaign(), now)).toEqual([
      { id: 'p1', address: 'person1@example.org', step: 1, notBefore: now + 20 * MINUTE },
      { id: 'p2', address: 'person2@example.org', step: 1, notBefore: now + 20 * MINUTE },
      { id: 'p3', address: 'person3@example.org', step: 1, notBefore: now + 20 * MINUTE },
    ]);
    expect(firstStepInputs(campaign({ graceMinutes: 0 }), now)[0]).toEqual({
      id: 'p1',
      address: 'person1@example.org',
      step: 1,
    });
  });
});

describe('nextFollowUp', () => {
  const c = campaign();

  it('queues the next step its delay later, in the thread of the one just sent, at the window’s next opening', () => {
    const step1 = sent('p1', FRIDAY_1600_BERLIN);
    expect(nextFollowUp(c, step1, view(FRIDAY_1600_BERLIN, [step1]))).toEqual({
      id: 'p1#2',
      address: step1.address,
      step: 2,
      prospectId: 'p1',
      threadOf: 'p1',
      notBefore: Date.UTC(2026, 5, 9, 14), // Tuesday 16:00 CEST: two business days
    });
    // Sent Friday 17:30: due Tuesday 17:30, after the window; it opens Wednesday 9:00.
    const late = sent('p1', Date.UTC(2026, 5, 5, 15, 30));
    expect(nextFollowUp(c, late, view(0, [late]))?.notBefore).toBe(Date.UTC(2026, 5, 10, 7));
    // Step 2 → step 3 after three calendar days, replying to step 2.
    const step2 = sent('p1#2', Date.UTC(2026, 5, 9, 14), { step: 2, prospectId: 'p1', threadOf: 'p1' });
    expect(nextFollowUp(c, step2, view(0, [step1, step2]))).toMatchObject({
      id: 'p1#3',
      step: 3,
      prospectId: 'p1',
      threadOf: 'p1#2',
      notBefore: Date.UTC(2026, 5, 12, 14),
    });
    const step3 = sent('p1#3', Date.UTC(2026, 5, 12, 14), { step: 3, prospectId: 'p1' });
    expect(nextFollowUp(c, step3, view(0, [step1, step2, step3]))).toBeNull();
  });

  it('times each prospect in their own zone: Friday 16:00 in New York is due Tuesday 16:00 New York time', () => {
    const step1 = sent('p2', Date.UTC(2026, 5, 5, 20)); // 16:00 EDT, 22:00 in Berlin
    expect(nextFollowUp(c, step1, view(0, [step1]))?.notBefore).toBe(Date.UTC(2026, 5, 9, 20));
  });

  it('queues nothing for a prospect who replied, bounced, is away under "skip", or was stopped; waits out "delay" in the gate', () => {
    const at = FRIDAY_1600_BERLIN;
    const replied = sent('p1', at, { response: { kind: 'replied', at: at + 1 } });
    expect(nextFollowUp(c, replied, view(at, [replied]))).toBeNull();
    const bounced = sent('p1', at, { response: { kind: 'bounced', at: at + 1 } });
    expect(nextFollowUp(c, bounced, view(at, [bounced]))).toBeNull();
    const away = sent('p1', at, { response: { kind: 'out-of-office', at: at + 1 } });
    expect(nextFollowUp(campaign({ outOfOffice: { action: 'skip' } }), away, view(at, [away]))).toBeNull();
    expect(nextFollowUp(c, away, view(at, [away]))).not.toBeNull();
    const plain = sent('p1', at);
    expect(nextFollowUp(c, plain, view(at, [plain], { p1: { code: 'do-not-contact', at } }))).toBeNull();
  });

  it('queues nothing without follow-ups, for an unsent record, or when the next step exists already', () => {
    const step1 = sent('p1', FRIDAY_1600_BERLIN);
    expect(nextFollowUp(campaign({ followUps: [] }), step1, view(0, [step1]))).toBeNull();
    const { sequence: _omit, ...oneStep } = c;
    expect(nextFollowUp(oneStep, step1, view(0, [step1]))).toBeNull();
    expect(nextFollowUp(c, record('p1'), view(0, [record('p1')]))).toBeNull();
    expect(
      nextFollowUp(c, step1, view(0, [step1, record('p1#2', { step: 2, prospectId: 'p1' })])),
    ).toBeNull();
  });

  it('property: the next step is never due before its delay, and always inside the prospect’s window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('business-days' as const, 'calendar-days' as const),
        (sentAt, index, amount, unit) => {
          const camp = campaign();
          camp.sequence!.followUps[0]!.delay = { amount, unit };
          const prospect = camp.prospects[index]!;
          const step1 = sent(prospect.id, sentAt);
          const next = nextFollowUp(camp, step1, view(sentAt, [step1]));
          const zone = prospectTimeZone(camp, prospect);
          expect(next?.notBefore).toBeGreaterThanOrEqual(addDelay(sentAt, { amount, unit }, zone));
          expect(isInsideWindow(next!.notBefore!, camp.sequence!.window, zone)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('gates', () => {
  const c = campaign();
  const step1At = FRIDAY_1600_BERLIN;
  const due = Date.UTC(2026, 5, 9, 14); // Tuesday 16:00 CEST
  const unit = record('p1#2', { step: 2, prospectId: 'p1', threadOf: 'p1', notBefore: due });
  const gate = (records = [sent('p1', step1At), unit], now = due + MINUTE, synced: number | null = due) =>
    followUpGate(c, unit, view(now, records), synced);

  it('step 1 waits only for the window', () => {
    const first = record('p1', { step: 1 });
    expect(stepOneGate(c, first, view(Date.UTC(2026, 5, 5, 10), [first]))).toEqual({ kind: 'send' });
    expect(followUpGate(c, first, view(Date.UTC(2026, 5, 5, 10), [first]), null)).toEqual({ kind: 'send' });
    // Friday 19:00 CEST: Monday 9:00.
    expect(stepOneGate(c, first, view(Date.UTC(2026, 5, 5, 17), [first]))).toEqual({
      kind: 'wait',
      until: Date.UTC(2026, 5, 8, 7),
      reason: 'window',
    });
  });

  it('sends a due follow-up inside the window once replies were synced after it fell due', () => {
    expect(gate()).toEqual({ kind: 'send' });
  });

  it('drops a follow-up when the prospect replied between scheduling and sending', () => {
    const replied = sent('p1', step1At, { response: { kind: 'replied', at: due - DAY } });
    expect(gate([replied, unit])).toEqual({ kind: 'drop', code: 'replied' });
  });

  it('drops step 3 when step 2 bounced, and for a prospect the recruiter stopped', () => {
    const step3 = record('p1#3', { step: 3, prospectId: 'p1', threadOf: 'p1#2', notBefore: due });
    const bounced = sent('p1#2', step1At + DAY, {
      step: 2,
      prospectId: 'p1',
      response: { kind: 'bounced', at: 1 },
    });
    expect(followUpGate(c, step3, view(due + 1, [sent('p1', step1At), bounced, step3]), due)).toEqual({
      kind: 'drop',
      code: 'bounced',
    });
    const records = [sent('p1', step1At), unit];
    expect(followUpGate(c, unit, view(due + 1, records, { p1: { code: 'removed', at: 1 } }), due)).toEqual({
      kind: 'drop',
      code: 'removed',
    });
  });

  it('skips an away prospect under "skip", and waits until the out-of-office ends under "delay"', () => {
    const away = sent('p1', step1At, { response: { kind: 'out-of-office', at: due - DAY } });
    const skip = campaign({ outOfOffice: { action: 'skip' } });
    expect(followUpGate(skip, unit, view(due + 1, [away, unit]), due)).toEqual({
      kind: 'drop',
      code: 'out-of-office',
    });
    const until = due - DAY + 7 * DAY;
    expect(gate([away, unit])).toEqual({ kind: 'wait', until, reason: 'out-of-office' });
    // Once it ends (inside the window), a reply sync from after that is needed, then it goes.
    expect(gate([away, unit], until, due)).toEqual({ kind: 'wait', until: null, reason: 'reply-sync' });
    expect(gate([away, unit], until + MINUTE, until)).toEqual({ kind: 'send' });
  });

  it('waits for a reply sync that completed after the follow-up fell due', () => {
    expect(gate(undefined, due + MINUTE, null)).toEqual({ kind: 'wait', until: null, reason: 'reply-sync' });
    expect(gate(undefined, due + MINUTE, due - 1)).toEqual({
      kind: 'wait',
      until: null,
      reason: 'reply-sync',
    });
  });

  it('does not go on a sync older than an hour, even one from after it fell due (held back by the daily limit)', () => {
    const morning = Date.UTC(2026, 5, 9, 8); // Tuesday 10:00 CEST
    const early = record('p1#2', { step: 2, prospectId: 'p1', threadOf: 'p1', notBefore: morning });
    const records = [sent('p1', step1At), early];
    const later = morning + REPLY_SYNC_MAX_AGE_MS + MINUTE;
    expect(followUpGate(c, early, view(later, records), morning)).toEqual({
      kind: 'wait',
      until: null,
      reason: 'reply-sync',
    });
    expect(followUpGate(c, early, view(later, records), later - MINUTE)).toEqual({ kind: 'send' });
  });

  it('waits while the previous step’s Sent Items copy is still being looked for, not once the search ended', () => {
    const noCopy = sent('p1', step1At, { sentItemId: null });
    expect(gate([noCopy, unit], due + MINUTE)).toEqual({
      kind: 'wait',
      until: due + MINUTE + THREAD_COPY_RECHECK_MS,
      reason: 'thread-copy',
    });
    const searched = sent('p1', step1At, { sentItemId: null, copySearchEndedAt: step1At + 10 * MINUTE });
    expect(gate([searched, unit])).toEqual({ kind: 'send' });
  });

  it('waits for the window in the prospect’s zone, and is not sent before it is due', () => {
    // Tuesday 18:00 CEST: Wednesday 9:00.
    expect(gate(undefined, Date.UTC(2026, 5, 9, 16), due)).toEqual({
      kind: 'wait',
      until: Date.UTC(2026, 5, 10, 7),
      reason: 'window',
    });
    expect(gate(undefined, due - MINUTE)).toEqual({ kind: 'wait', until: due, reason: 'delay' });
  });

  it('property: never sends to a prospect who replied or bounced, nor outside the window, nor without a fresh reply sync', () => {
    const response = fc.option(
      fc.record({
        kind: fc.constantFrom('replied' as const, 'bounced' as const, 'out-of-office' as const),
        at: fc.integer({ min: step1At, max: due + 20 * DAY }),
      }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        response,
        response,
        fc.integer({ min: due - DAY, max: due + 20 * DAY }),
        fc.option(fc.integer({ min: step1At, max: due + 20 * DAY }), { nil: null }),
        fc.constantFrom<'skip' | 'delay'>('skip', 'delay'),
        (r1, r2, now, synced, rule) => {
          const camp = campaign({
            outOfOffice: rule === 'skip' ? { action: 'skip' } : { action: 'delay', days: 3 },
          });
          const step2 = record('p1#3', { step: 3, prospectId: 'p1', threadOf: 'p1#2', notBefore: due });
          const records = [
            sent('p1', step1At, r1 ? { response: r1 } : {}),
            sent('p1#2', step1At + DAY, { step: 2, prospectId: 'p1', ...(r2 ? { response: r2 } : {}) }),
            step2,
          ];
          const decision: GateDecision = followUpGate(camp, step2, view(now, records), synced);
          const kinds = [r1?.kind, r2?.kind];
          if (kinds.includes('replied')) expect(decision).toEqual({ kind: 'drop', code: 'replied' });
          else if (kinds.includes('bounced')) expect(decision).toEqual({ kind: 'drop', code: 'bounced' });
          else if (kinds.includes('out-of-office') && rule === 'skip')
            expect(decision).toEqual({ kind: 'drop', code: 'out-of-office' });
          if (decision.kind === 'send') {
            expect(now).toBeGreaterThanOrEqual(due);
            expect(isInsideWindow(now, camp.sequence!.window, 'Europe/Berlin')).toBe(true);
            expect(synced).not.toBeNull();
            expect(synced!).toBeGreaterThanOrEqual(due);
            const away = [r1, r2].filter((r) => r?.kind === 'out-of-office').map((r) => r!.at);
            if (away.length) expect(now).toBeGreaterThanOrEqual(Math.max(...away) + 3 * DAY);
          }
          if (decision.kind === 'wait' && decision.until !== null)
            expect(decision.until).toBeGreaterThan(now);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sequenceHooks binds next and gate to the campaign and the last reply sync', () => {
    let synced: number | null = null;
    const hooks = sequenceHooks(c, () => synced);
    const records = [sent('p1', step1At), unit];
    expect(hooks.gate(unit, view(due + 1, records))).toMatchObject({ reason: 'reply-sync' });
    synced = due + 1;
    expect(hooks.gate(unit, view(due + 2, records))).toEqual({ kind: 'send' });
    expect(hooks.next(sent('p1', step1At), view(0, [sent('p1', step1At)]))?.id).toBe('p1#2');
  });
});
