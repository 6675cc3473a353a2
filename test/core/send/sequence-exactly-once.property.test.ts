import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MailboxLimits,
  prospectOf,
  SendEngine,
  type EngineView,
  type GateDecision,
  type RecipientInput,
  type RecipientRecord,
  type SendEngineOptions,
  type SendSnapshot,
} from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import type { SendFault } from '../support/fake-mailbox';
import { SequenceMailbox } from './sequence-mailbox';
import { DAY_MS, fixedDelays, sequenceRender, syncCopies, unitOf } from './sequence-support';

const STEPS = 3;
const FAULTS: SendFault[] = [
  'none',
  '429',
  '429-no-retry-after',
  '503-before-accept',
  '503-after-accept',
  'timeout-after-accept',
  'network-error-before-accept',
  'revoked',
  'quota',
];

/** Runs simulated time until every engine has nothing left to do on its own. */
async function drive(clock: ManualClock, engines: () => SendEngine[], beforeStep: (step: number) => void) {
  for (let step = 0; step < 100_000; step++) {
    beforeStep(step);
    await new Promise((r) => setTimeout(r, 0));
    if (engines().every((e) => e.idle)) return;
    if (!(await clock.runNext()) && !engines().every((e) => e.idle))
      throw new Error('The engines wait for something that never comes.');
  }
  throw new Error('Simulation did not settle');
}

function campaign(prefix: string, n: number): RecipientInput[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i + 1}`,
    address: `${prefix}${i + 1}@Example.com`,
  }));
}

interface Scenario {
  sizes: [number, number];
  faults: SendFault[];
  replyNotFound: number[];
  /** Per prospect (A's then B's): 0 never replies, k replies after step k (later steps are dropped). */
  repliesAfter: number[];
  reloadAtSteps: number[];
  saveEveryChange: boolean;
  latencyMs: number;
  sentItemsDelayMs: number;
  headersVisible: boolean;
}

/**
 * Two campaigns of one mailbox, 3 steps each, sharing one MailboxLimits, under random faults and
 * page reloads (a reload restores both engines from their last persisted snapshots, with a fresh
 * MailboxLimits, while the dead page's requests still land). The recruiter signs in again after a
 * stop and resends whatever the engines could not settle.
 */
async function play(s: Scenario) {
  const clock = new ManualClock();
  const mailbox = new SequenceMailbox({
    clock,
    latencyMs: s.latencyMs,
    sentItemsDelayMs: s.sentItemsDelayMs,
    headersVisible: s.headersVisible,
    faults: (n) => s.faults[n] ?? 'none',
  });
  const notFound = new Set(s.replyNotFound);
  mailbox.replyNotFound = (n) => notFound.has(n);
  const inputs = [campaign('a', s.sizes[0]), campaign('b', s.sizes[1])];
  const repliesAfter = new Map<string, number>();
  inputs.flat().forEach((p, i) => repliesAfter.set(p.id, s.repliesAfter[i] ?? 0));
  const gate = (unit: RecipientRecord, view: EngineView): GateDecision => {
    const k = repliesAfter.get(prospectOf(unit)) ?? 0;
    if (k > 0 && (unit.step ?? 1) > k) return { kind: 'drop', code: 'replied' };
    const prev = unit.threadOf === undefined ? undefined : view.recipient(unit.threadOf);
    if (prev && !prev.sentItemId && prev.copySearchEndedAt === undefined)
      return { kind: 'wait', until: view.now + 2 * 60_000, reason: 'thread-copy' };
    return { kind: 'send' };
  };

  let limits = new MailboxLimits(clock);
  const persisted: (SendSnapshot | null)[] = [null, null];
  const engines: SendEngine[] = [];
  const optionsFor = (i: number): SendEngineOptions => ({
    clock,
    sender: mailbox,
    render: sequenceRender,
    next: fixedDelays(STEPS, 2 * DAY_MS),
    gate,
    mailbox: limits,
    onChange: (change) => {
      if (s.saveEveryChange || change.state === 'sending') persisted[i] = engines[i]?.snapshot() ?? null;
    },
  });
  for (const [i, list] of inputs.entries()) {
    engines[i] = SendEngine.create(optionsFor(i), list);
    persisted[i] = engines[i].snapshot();
  }
  for (const e of engines) e.start();

  const reloads = new Set(s.reloadAtSteps);
  let steps = 0;
  const beforeStep = () => {
    for (const e of engines) syncCopies(e, mailbox);
    if (!reloads.delete(steps++)) return;
    for (const e of engines) e.dispose();
    limits = new MailboxLimits(clock);
    for (let i = 0; i < engines.length; i++) {
      engines[i] = SendEngine.restore(
        optionsFor(i),
        JSON.parse(JSON.stringify(persisted[i])) as SendSnapshot,
      );
    }
    for (const e of engines) e.start();
  };

  for (let round = 0; round < 60; round++) {
    await drive(clock, () => engines, beforeStep);
    let acted = false;
    for (const e of engines) {
      if (e.status === 'stopped') {
        mailbox.reauthorize();
        e.resume();
        acted = true;
        continue;
      }
      for (const r of e.recipients())
        if (r.state === 'uncertain' && r.uncertain?.awaitingDecision) {
          e.decide(r.id, 'resend');
          acted = true;
        }
    }
    if (!acted) break;
  }
  // Let any request of a dead page land before counting.
  await clock.advance(60 * 60_000);
  return { engines, mailbox, repliesAfter };
}

describe('sequences: exactly once per step under random faults and reloads, two campaigns sharing the mailbox', () => {
  it('delivers each (prospect, step) once, in step order, none after a reply, within 30/min', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          sizes: fc.tuple(fc.integer({ min: 1, max: 18 }), fc.integer({ min: 1, max: 18 })),
          faults: fc.array(fc.constantFrom(...FAULTS), { maxLength: 40 }),
          replyNotFound: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 4 }),
          repliesAfter: fc.array(fc.integer({ min: 0, max: STEPS }), { minLength: 36, maxLength: 36 }),
          reloadAtSteps: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 3 }),
          saveEveryChange: fc.boolean(),
          latencyMs: fc.integer({ min: 50, max: 400 }),
          sentItemsDelayMs: fc.integer({ min: 0, max: 3 * 60_000 }),
          headersVisible: fc.boolean(),
        }),
        async (scenario) => {
          const { engines, mailbox, repliesAfter } = await play(scenario);
          // Ground truth: what Exchange accepted, in order.
          const order = new Map<string, number[]>();
          mailbox.sentMails.forEach((mail, index) => {
            const { prospect, step } = unitOf(mail);
            const key = `${prospect}#${step}`;
            order.set(key, [...(order.get(key) ?? []), index]);
          });
          for (const [prospect, k] of repliesAfter) {
            const expected = k === 0 ? STEPS : k;
            for (let step = 1; step <= STEPS; step++) {
              const copies = order.get(`${prospect}#${step}`) ?? [];
              expect(copies.length, `${prospect} step ${step}`).toBe(step <= expected ? 1 : 0);
              if (step > 1 && step <= expected)
                expect(copies[0], `${prospect} step ${step} after step ${step - 1}`).toBeGreaterThan(
                  order.get(`${prospect}#${step - 1}`)?.[0] ?? Infinity,
                );
            }
          }
          for (const e of engines) {
            expect(e.status).toBe('finished');
            for (const r of e.recipients()) expect(r.state, r.id).toBe('sent');
          }
          expect(mailbox.maxPerMinute()).toBeLessThanOrEqual(30);
          if (scenario.reloadAtSteps.length === 0) expect(mailbox.maxInFlight).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 60 },
    );
  }, 300_000);

  it('two campaigns sharing MailboxLimits keep to 30 a minute and 4 in flight together', async () => {
    const clock = new ManualClock();
    const mailbox = new SequenceMailbox({ clock, latencyMs: 5_000 });
    const limits = new MailboxLimits(clock);
    const engines = ['a', 'b'].map((prefix) =>
      SendEngine.create(
        { clock, sender: mailbox, render: sequenceRender, mailbox: limits, ratePerMinute: 30 },
        campaign(prefix, 45),
      ),
    );
    const started = clock.now();
    for (const e of engines) e.start();
    await drive(
      clock,
      () => engines,
      () => {},
    );
    expect(mailbox.sendRequests).toBe(90);
    expect(mailbox.maxPerMinute()).toBe(30);
    expect(mailbox.maxInFlight).toBe(4);
    // 90 messages at 30 per (minute + 1 s margin), with 5 s requests 4 at a time: three minutes, not 1.5 (two campaigns each at 30).
    expect(clock.now() - started).toBeGreaterThanOrEqual(2 * 61_000);
    for (const e of engines) expect(e.progress()).toMatchObject({ sent: 45, status: 'finished' });
  });

  it('a 429 on one campaign pauses the other too', async () => {
    const clock = new ManualClock();
    const mailbox = new SequenceMailbox({
      clock,
      retryAfterMs: 45_000,
      faults: (n) => (n === 1 ? '429' : 'none'),
    });
    const limits = new MailboxLimits(clock);
    const engines = ['a', 'b'].map((prefix) =>
      SendEngine.create(
        { clock, sender: mailbox, render: sequenceRender, mailbox: limits, maxInFlight: 1 },
        campaign(prefix, 3),
      ),
    );
    for (const e of engines) e.start();
    await drive(
      clock,
      () => engines,
      () => {},
    );
    // Request 1 (campaign b's first) was throttled when its answer came (300 ms later): from then on
    // nobody asked anything of the mailbox for 45 s, campaign a included.
    const throttledAt = (mailbox.requestTimes[1] as number) + 300;
    const during = mailbox.requestTimes.filter((t) => t > throttledAt && t < throttledAt + 45_000);
    expect(during).toEqual([]);
    expect(mailbox.requestTimes.filter((t) => t >= throttledAt + 45_000).length).toBeGreaterThanOrEqual(4);
    for (const e of engines) expect(e.progress()).toMatchObject({ sent: 3, status: 'finished' });
  });
});
