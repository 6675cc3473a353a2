import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../src/emulator/mailbox';
import type { OutgoingMail } from '../../../src/core/mail';
import { SendEngine, type SendEngineOptions, type SendSnapshot } from '../../../src/core/send';
import { addresses, runFor, runUntilIdle } from '../support/drive';
import { emulatedMailbox } from '../support/emulated-mailbox';
import { expectExactlyOnce } from '../support/invariants';

const render = (r: { id: string; address: string }): OutgoingMail => ({
  to: { address: r.address },
  subject: `A role for ${r.id}`,
  html: `<p>Hello ${r.id}</p>`,
});

/**
 * The send engine over the real Graph boundary against the mailbox emulator. The boundary retries
 * no 429 itself here, so the engine's mailbox-wide pause is what is tested.
 */
async function setup(
  n: number,
  engine: Partial<SendEngineOptions> = {},
  box_: Omit<NonNullable<Parameters<typeof emulatedMailbox>[0]>, 'graph'> = {},
) {
  const box = await emulatedMailbox({ ...box_, graph: { maxThrottleRetries: 0 } });
  let persisted: SendSnapshot | null = null;
  let current: SendEngine;
  const options: SendEngineOptions = {
    clock: box.clock,
    sender: box.sender,
    render,
    onChange: () => {
      persisted = current.snapshot();
    },
    ...engine,
  };
  current = SendEngine.create(options, addresses(n));
  const sends = () => box.emulator.requestLog.filter((e) => /\/sendmail$/i.test(e.path));
  const sentItemReads = () => box.emulator.requestLog.filter((e) => /sentitems/i.test(e.path));
  return {
    ...box,
    options,
    engine: () => current,
    replace: (e: SendEngine) => (current = e),
    persisted: () => persisted as SendSnapshot | null,
    sends,
    sentItemReads,
  };
}

describe('send engine × Graph boundary × mailbox emulator', () => {
  it('sends 40 prospects once each at one Graph request per prospect, within Exchange limits', async () => {
    const t = await setup(40);
    t.engine().start();
    await runUntilIdle(t.clock, t.engine());
    expect(t.engine().progress()).toMatchObject({ sent: 40, status: 'finished' });
    expect(t.emulator.requestLog).toHaveLength(40);
    expect(t.emulator.stats.rateViolations).toBe(0);
    expect(t.emulator.stats.concurrencyRejections).toBe(0);
    expect(t.concurrency.max).toBe(4);
    expectExactlyOnce(t.engine().recipients(), t.deliveries());
  });

  it.each([
    ['with Retry-After', 20, 20_000],
    ['without Retry-After', null, 5_000],
  ] as const)(
    '429 %s pauses the mailbox, then the message goes once',
    async (_label, retryAfterSeconds, pauseMs) => {
      const t = await setup(6, { maxInFlight: 1 });
      t.engine().start();
      await runFor(t.clock, 100);
      t.emulator.injectFault({ kind: '429', retryAfterSeconds });
      await runUntilIdle(t.clock, t.engine());
      const log = t.sends();
      const throttled = log.findIndex((e) => e.status === 429);
      expect(throttled).toBeGreaterThan(-1);
      expect((log[throttled + 1]?.at ?? 0) - (log[throttled]?.at ?? 0)).toBeGreaterThanOrEqual(pauseMs);
      expect(t.engine().progress()).toMatchObject({ sent: 6, status: 'finished' });
      expectExactlyOnce(t.engine().recipients(), t.deliveries());
    },
  );

  it.each(['503-after-accept', 'timeout-after-accept'] as const)(
    '%s: found in Sent Items (filed late, so a second read), never sent twice',
    async (kind) => {
      const t = await setup(8);
      t.emulator.injectFault({ kind, times: 2 });
      t.engine().start();
      await runUntilIdle(t.clock, t.engine());
      expect(
        t
          .engine()
          .recipients()
          .filter((r) => r.confirmedBy === 'sent-items'),
      ).toHaveLength(2);
      expect(t.engine().progress()).toMatchObject({ sent: 8, uncertain: 0 });
      expect(t.sends()).toHaveLength(8);
      // The emulator files the Sent Items copy 90 s after transport: the first read may come too early.
      expect(t.sentItemReads().length).toBeGreaterThanOrEqual(1);
      expect(t.sentItemReads().length).toBeLessThanOrEqual(2);
      expectExactlyOnce(t.engine().recipients(), t.deliveries());
    },
  );

  it.each(['503-before-accept', 'network-error-before-accept'] as const)(
    '%s: not in Sent Items, so the recruiter decides; resend delivers exactly one copy',
    async (kind) => {
      const t = await setup(3);
      t.emulator.injectFault(kind);
      t.engine().start();
      await runUntilIdle(t.clock, t.engine());
      const waiting = t
        .engine()
        .recipients()
        .filter((r) => r.uncertain?.awaitingDecision);
      expect(waiting).toHaveLength(1);
      expectExactlyOnce(t.engine().recipients(), t.deliveries());
      t.engine().decide(waiting[0]!.id, 'resend');
      await runUntilIdle(t.clock, t.engine());
      expect(t.engine().progress()).toMatchObject({ sent: 3, uncertain: 0, status: 'finished' });
      expectExactlyOnce(t.engine().recipients(), t.deliveries());
    },
  );

  it('a revoked grant stops the campaign with the reason; after signing in again it finishes', async () => {
    const t = await setup(10, { maxInFlight: 1 });
    t.engine().start();
    await runFor(t.clock, 1_000);
    t.revokeOnNextSend();
    await runUntilIdle(t.clock, t.engine());
    expect(t.engine().status).toBe('stopped');
    expect(t.engine().stopReason?.code).toBe('InvalidAuthenticationToken');
    const requests = t.emulator.requestLog.length;
    await runFor(t.clock, 10 * 60_000);
    expect(t.emulator.requestLog).toHaveLength(requests);
    await t.signInAgain();
    t.engine().resume();
    await runUntilIdle(t.clock, t.engine());
    expect(t.engine().stopReason).toBeNull();
    expect(t.engine().progress()).toMatchObject({ sent: 10, status: 'finished' });
    expectExactlyOnce(t.engine().recipients(), t.deliveries());
  });

  it("the mailbox's spent 24-hour recipient quota: Graph still accepts, NDRs follow; the engine's own count holds it", async () => {
    // Mail sent from elsewhere used part of the quota: Exchange's limit (3 left) is below the engine's (5).
    const t = await setup(
      8,
      { maxInFlight: 1, dailyRecipientLimit: 5 },
      { emulator: { limits: { recipientsPerDay: 3 } } },
    );
    t.engine().start();
    // It waits (still running) until the 24 hours free up, instead of stopping as it did before sequences.
    await runFor(t.clock, 30 * 60_000);
    expect(t.engine().status).toBe('running');
    expect(t.engine().waitingOn()?.reason).toBe('daily-limit');
    expect(t.engine().progress()).toMatchObject({ sent: 5, queued: 3 });
    // Graph answered 202 to all five (as Exchange does, graph-mail.md §4.2); the two over its limit
    // come back as non-delivery reports, which only reply tracking can see.
    await runFor(t.clock, 10 * 60_000);
    const oid = t.emulator.requestLog[0]!.oid!;
    expect(t.emulator.inbox(oid).filter((m) => m.subject.startsWith('Undeliverable:'))).toHaveLength(2);
    expectExactlyOnce(
      t
        .engine()
        .recipients()
        .filter((r) => r.state !== 'queued'),
      t.deliveries(),
    );
    t.engine().dispose();
  });

  it('reload mid-campaign with requests in flight: nothing sent twice, nobody skipped', async () => {
    const t = await setup(50);
    t.engine().start();
    await runFor(t.clock, 61_100);
    const saved = JSON.parse(JSON.stringify(t.persisted())) as SendSnapshot;
    expect(saved.recipients.some((r) => r.state === 'sending')).toBe(true);
    t.engine().dispose();
    const restored = t.replace(SendEngine.restore(t.options, saved));
    restored.start();
    await runUntilIdle(t.clock, restored);
    expect(restored.progress()).toMatchObject({ sent: 50, status: 'finished' });
    expect(t.emulator.stats.rateViolations).toBe(0);
    expectExactlyOnce(restored.recipients(), t.deliveries());
  });

  it('pause, resume and cancel at any moment', async () => {
    const t = await setup(70);
    t.engine().start();
    await runFor(t.clock, 10_000);
    t.engine().pause();
    await runFor(t.clock, 5 * 60_000);
    t.engine().resume();
    await runFor(t.clock, 30_000);
    t.engine().cancel();
    await runUntilIdle(t.clock, t.engine());
    const p = t.engine().progress();
    expect(p.status).toBe('cancelled');
    expect(p.sent).toBe(60);
    expect(p.failed).toBe(10);
    expectExactlyOnce(t.engine().recipients(), t.deliveries());
  });
});

const FAULTS: (FaultSpec | null)[] = [
  null,
  { kind: '429', retryAfterSeconds: 7 },
  { kind: '429', retryAfterSeconds: null },
  { kind: '503-before-accept' },
  { kind: '503-after-accept' },
  { kind: 'timeout-after-accept' },
  { kind: 'network-error-before-accept' },
];

describe('send engine × emulator: random faults and reloads', () => {
  it('never delivers two copies to anyone and never skips anyone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.constantFrom(...FAULTS), { maxLength: 16 }),
        fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 2 }),
        fc.boolean(),
        async (n, faults, reloadAtSteps, revokeOnce) => {
          const t = await setup(n, {}, { sendFaults: (i: number) => faults[i] ?? null });
          if (revokeOnce) t.revokeOnNextSend();
          const reloads = new Set(reloadAtSteps);
          t.engine().start();
          let steps = 0;
          const settle = () =>
            runUntilIdle(t.clock, t.engine, () => {
              if (!reloads.delete(steps++)) return;
              // The page dies: restore from the last saved snapshot (written before every send).
              t.engine().dispose();
              const saved = JSON.parse(JSON.stringify(t.persisted())) as SendSnapshot;
              t.replace(SendEngine.restore(t.options, saved)).start();
            });
          for (let round = 0; round < 30; round++) {
            await settle();
            if (t.engine().status === 'stopped') {
              await t.signInAgain();
              t.engine().resume();
              continue;
            }
            const waiting = t
              .engine()
              .recipients()
              .filter((r) => r.uncertain?.awaitingDecision);
            if (waiting.length === 0 && t.engine().progress().queued === 0) break;
            for (const r of waiting) t.engine().decide(r.id, 'resend');
          }
          await t.clock.advance(60 * 60_000);
          expectExactlyOnce(t.engine().recipients(), t.deliveries());
          expect(
            t
              .engine()
              .recipients()
              .every((r) => r.state === 'sent'),
          ).toBe(true);
          expect(t.emulator.stats.rateViolations).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);
});
