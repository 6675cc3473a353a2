import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../src/core/mail';
import { SendEngine, type SendEngineOptions, type SendSnapshot } from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { addresses, runUntilIdle as settle } from '../support/drive';
import { FakeMailbox, type SendFault } from '../support/fake-mailbox';
import { expectExactlyOnce } from '../support/invariants';

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
  'bad-recipient',
];

interface Scenario {
  recipients: number;
  faults: SendFault[];
  reloadAtSteps: number[];
  saveEveryChange: boolean;
  latencyMs: number;
  sentItemsDelayMs: number;
  headersVisible: boolean;
  maxInFlight: number;
}

/**
 * Plays one campaign under a fault sequence with page reloads at random moments. A reload restores
 * from the last *persisted* snapshot (only the write-ahead save before each send is guaranteed),
 * while the dead page's requests still reach the mailbox. The recruiter signs in again after a stop
 * and chooses "resend" for every recipient the engine could not settle.
 */
async function play(s: Scenario) {
  const clock = new ManualClock();
  const mailbox = new FakeMailbox({
    clock,
    latencyMs: s.latencyMs,
    sentItemsDelayMs: s.sentItemsDelayMs,
    headersVisible: s.headersVisible,
    faults: (n) => s.faults[n] ?? 'none',
  });
  let persisted: SendSnapshot | null = null;
  let engine: SendEngine;
  const options: SendEngineOptions = {
    clock,
    sender: mailbox,
    maxInFlight: s.maxInFlight,
    render: (r): OutgoingMail => ({
      to: { address: r.address },
      subject: `Hello ${r.id}`,
      html: '<p>Hi</p>',
    }),
    onChange: (change) => {
      if (s.saveEveryChange || change.state === 'sending') persisted = engine.snapshot();
    },
  };
  engine = SendEngine.create(options, addresses(s.recipients));
  persisted = engine.snapshot();
  engine.start();

  const reloads = new Set(s.reloadAtSteps);
  let steps = 0;
  const runUntilIdle = () =>
    settle(
      clock,
      () => engine,
      () => {
        if (!reloads.delete(steps++)) return;
        engine.dispose();
        engine = SendEngine.restore(options, JSON.parse(JSON.stringify(persisted)) as SendSnapshot);
        engine.start();
      },
    );

  for (let round = 0; round < 40; round++) {
    await runUntilIdle();
    if (engine.status === 'stopped') {
      mailbox.reauthorize();
      engine.resume();
      continue;
    }
    const waiting = engine
      .recipients()
      .filter((r) => r.state === 'uncertain' && r.uncertain?.awaitingDecision);
    if (waiting.length === 0 && engine.progress().queued === 0) break;
    for (const r of waiting) engine.decide(r.id, 'resend');
  }
  // Let any request of a dead page land before counting.
  await clock.advance(60 * 60_000);
  return { engine, mailbox };
}

describe('send engine: exactly once under random faults and reloads', () => {
  it('never sends anyone two copies and never skips anyone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          recipients: fc.integer({ min: 1, max: 10 }),
          faults: fc.array(fc.constantFrom(...FAULTS), { maxLength: 30 }),
          reloadAtSteps: fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 3 }),
          saveEveryChange: fc.boolean(),
          latencyMs: fc.integer({ min: 50, max: 20_000 }),
          sentItemsDelayMs: fc.integer({ min: 0, max: 3 * 60_000 }),
          headersVisible: fc.boolean(),
          maxInFlight: fc.integer({ min: 1, max: 4 }),
        }),
        async (scenario) => {
          const { engine, mailbox } = await play(scenario);
          const records = engine.recipients();
          expectExactlyOnce(records, mailbox.deliveries());
          // The recruiter resent every unsettled recipient, so everyone ends sent or failed with a reason.
          for (const r of records) expect(['sent', 'failed']).toContain(r.state);
          expect(
            records
              .filter((r) => r.state === 'failed')
              .every((r) => r.failure?.code === 'ErrorInvalidRecipients'),
          ).toBe(true);
          expect(mailbox.maxPerMinute()).toBeLessThanOrEqual(30);
        },
      ),
      { numRuns: 120 },
    );
  }, 240_000);
});
