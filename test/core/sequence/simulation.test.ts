import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GateDecision } from '../../../src/core/send/gate';
import { newRecipient, type RecipientRecord } from '../../../src/core/send/recipient';
import {
  addDelay,
  firstStepInputs,
  followUpGate,
  isInsideWindow,
  nextFollowUp,
  prospectTimeZone,
  REPLY_SYNC_MAX_AGE_MS,
  type SendingWindow,
} from '../../../src/core/sequence';
import { campaign, view } from './fixtures';

const MINUTE = 60_000;
const TICK = 10 * MINUTE;
const SYNC_EVERY = 60 * MINUTE;
const DAY = 24 * 60 * MINUTE;

type Answer = { kind: 'replied' | 'bounced' | 'out-of-office'; afterStep: number; minutes: number };

/**
 * A three-step sequence on a simulated clock, with a minimal stand-in for the send engine (dispatch
 * what is due and what the gate lets through; `next` on every send) and a reply sync every hour that
 * records what prospects answered since. What must hold: one record per step and prospect, every
 * follow-up its delay after the previous step and inside the window of the prospect's zone, nothing
 * sent to a prospect whose reply or bounce a sync had already seen, and everyone else gets every step.
 */
describe('a sequence on a simulated clock', () => {
  it('property: delays, windows, stop rule and exactly one record per step', () => {
    const windowArb: fc.Arbitrary<SendingWindow> = fc.record({
      days: fc.constantFrom<number[]>([1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 6], [2, 4]),
      startMinute: fc.constantFrom(0, 8 * 60, 9 * 60 + 30),
      endMinute: fc.constantFrom(17 * 60, 18 * 60, 24 * 60),
      timeZone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'),
      prospectTimeZoneField: fc.constant<string | null>('timeZone'),
    });
    const delay = fc.record({
      amount: fc.integer({ min: 1, max: 3 }),
      unit: fc.constantFrom('business-days' as const, 'calendar-days' as const),
    });
    const answer = fc.option(
      fc.record({
        kind: fc.constantFrom('replied' as const, 'bounced' as const, 'out-of-office' as const),
        afterStep: fc.integer({ min: 1, max: 2 }),
        minutes: fc.integer({ min: 1, max: 6 * 24 * 60 }),
      }),
      { nil: null },
    );
    fc.assert(
      fc.property(
        windowArb,
        fc.tuple(delay, delay),
        fc.array(answer, { minLength: 6, maxLength: 6 }),
        fc.integer({ min: Date.UTC(2026, 2, 1), max: Date.UTC(2026, 10, 15) }),
        fc.constantFrom<'skip' | 'delay'>('skip', 'delay'),
        (window: SendingWindow, [d2, d3], answers: (Answer | null)[], start, rule) => {
          const c = campaign(
            { window, outOfOffice: rule === 'skip' ? { action: 'skip' } : { action: 'delay', days: 2 } },
            6,
          );
          c.sequence!.followUps[0]!.delay = d2;
          c.sequence!.followUps[1]!.delay = d3;
          const records = new Map<string, RecipientRecord>();
          const add = (r: RecipientRecord) => {
            expect(records.has(r.id)).toBe(false);
            records.set(r.id, r);
          };
          const now0 = Math.ceil(start / TICK) * TICK;
          for (const input of firstStepInputs(c, now0)) {
            add({
              ...newRecipient(input),
              step: 1,
              ...(input.notBefore ? { notBefore: input.notBefore } : {}),
            });
          }
          let replySyncedAt: number | null = null;
          const wakeAt = new Map<string, number | null>();
          const syncs: number[] = [];
          const arrived = new Map<string, { kind: Answer['kind']; at: number }>();
          for (let now = now0; now < now0 + 40 * DAY; now += TICK) {
            // Prospects answer some minutes after the step they answer was sent.
            c.prospects.forEach((p, i) => {
              const a = answers[i];
              const answered = a && records.get(a.afterStep === 1 ? p.id : `${p.id}#${a.afterStep}`);
              if (
                a &&
                answered?.sentAt != null &&
                !arrived.has(p.id) &&
                answered.sentAt + a.minutes * MINUTE <= now
              ) {
                arrived.set(p.id, { kind: a.kind, at: answered.sentAt + a.minutes * MINUTE });
              }
            });
            if ((now - now0) % SYNC_EVERY === 0) {
              for (const [prospectId, response] of arrived) {
                const first = records.get(prospectId)!;
                if (!first.response) records.set(prospectId, { ...first, response });
              }
              replySyncedAt = now;
              syncs.push(now);
            }
            const synced = (now - now0) % SYNC_EVERY === 0;
            for (const unit of [...records.values()]) {
              if (unit.state !== 'queued' || (unit.notBefore ?? 0) > now) continue;
              // Like the engine: a unit told to wait is asked again at its time, or after a sync.
              const wake = wakeAt.get(unit.id);
              if (wake !== undefined && (wake === null ? !synced : wake > now)) continue;
              const engineView = view(now, [...records.values()]);
              const decision: GateDecision = followUpGate(c, unit, engineView, replySyncedAt);
              if (decision.kind === 'drop') records.delete(unit.id);
              if (decision.kind === 'wait') wakeAt.set(unit.id, decision.until);
              if (decision.kind !== 'send') continue;
              const done: RecipientRecord = {
                ...unit,
                state: 'sent',
                attempts: 1,
                sentAt: now,
                sentItemId: `item-${unit.id}`,
              };
              records.set(unit.id, done);
              const next = nextFollowUp(c, done, view(now, [...records.values()]));
              if (next)
                add({
                  ...newRecipient(next),
                  step: next.step!,
                  prospectId: next.prospectId!,
                  threadOf: next.threadOf!,
                  notBefore: next.notBefore!,
                });
            }
          }
          for (const [i, p] of c.prospects.entries()) {
            const zone = prospectTimeZone(c, p);
            const steps = [p.id, `${p.id}#2`, `${p.id}#3`].map((id) => records.get(id));
            const a = answers[i];
            const stops = a && (a.kind !== 'out-of-office' || rule === 'skip');
            for (const [k, r] of steps.entries()) {
              if (!r) continue;
              expect(r.state).toBe('sent');
              expect(isInsideWindow(r.sentAt!, window, zone)).toBe(true);
              if (k === 0) continue;
              const previous = steps[k - 1]!;
              expect(r.threadOf).toBe(previous.id);
              expect(r.sentAt!).toBeGreaterThanOrEqual(addDelay(previous.sentAt!, k === 1 ? d2 : d3, zone));
              // Reply sync ran between the step falling due and its sending, within the last hour.
              expect(
                syncs.some(
                  (s) => s >= r.notBefore! && s <= r.sentAt! && s >= r.sentAt! - REPLY_SYNC_MAX_AGE_MS,
                ),
              ).toBe(true);
              // A sync at or before this send that had seen a stopping answer would have dropped it.
              const seen = arrived.get(p.id);
              const lastSync = Math.max(...syncs.filter((s) => s <= r.sentAt!));
              if (stops && seen && seen.at <= lastSync)
                expect.fail(`${r.id} went after a synced ${seen.kind}`);
              if (seen?.kind === 'out-of-office' && rule === 'delay' && seen.at <= lastSync) {
                expect(r.sentAt!).toBeGreaterThanOrEqual(seen.at + 2 * DAY);
              }
            }
            // Everyone who did not stop gets all three steps.
            if (!stops) expect(steps.every(Boolean)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
