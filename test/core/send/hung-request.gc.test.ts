/**
 * Requests that hang after Exchange accepted them (the `timeout-after-accept` fault) must end at the
 * Graph boundary's timeout even when a garbage collection runs while they hang. In Node, a
 * `new Request(input, { signal })` follows the caller's signal only through a weak reference: once the
 * Request is collected, aborting the caller's signal reaches nothing, and an `await` on it would never
 * settle — four recipients stuck in `sending` and the engine at its in-flight limit. This file runs
 * with `--expose-gc` (the `gc` project in vitest.config.ts) so it can force that collection.
 */
import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../src/core/mail';
import { SendEngine } from '../../../src/core/send';
import { addresses, runUntilIdle } from '../support/drive';
import { emulatedMailbox } from '../support/emulated-mailbox';
import { expectExactlyOnce } from '../support/invariants';

function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('This file needs node --expose-gc (vitest project "gc").');
  gc();
}

const render = (r: { id: string; address: string }): OutgoingMail => ({
  to: { address: r.address },
  subject: `A role for ${r.id}`,
  html: `<p>Hello ${r.id}</p>`,
});

/** Real time for the event loop to run finalizers (they run as tasks after a collection). */
const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('a hung request collected by the garbage collector', () => {
  it('still times out, and the campaign finishes with everyone sent exactly once', async () => {
    const box = await emulatedMailbox({
      graph: { maxThrottleRetries: 0 },
      // The first four sends are accepted by Exchange but never answered: all four slots hang.
      sendFaults: (n) => (n < 4 ? { kind: 'timeout-after-accept' } : null),
    });
    const engine = SendEngine.create({ clock: box.clock, sender: box.sender, render }, addresses(8));
    engine.start();
    await runUntilIdle(box.clock, engine, forceGc);
    expect(engine.progress()).toMatchObject({ status: 'finished', sent: 8, uncertain: 0 });
    expect(engine.recipients().filter((r) => r.confirmedBy === 'sent-items')).toHaveLength(4);
    expectExactlyOnce(engine.recipients(), box.deliveries());
  });

  const sendMailBody = JSON.stringify({
    message: {
      subject: 'A role for you',
      body: { contentType: 'HTML', content: '<p>Hello</p>' },
      toRecipients: [{ emailAddress: { address: 'person1@example.com' } }],
    },
  });
  type Box = Awaited<ReturnType<typeof emulatedMailbox>>;
  const url = 'https://graph.microsoft.com/v1.0/me/sendMail';

  it.each<[string, (box: Box, init: RequestInit) => Promise<Response>]>([
    ['the test harness fetch', (box, init) => box.fetch(url, init)],
    ["the emulator's fetchFn", (box, init) => box.emulator.fetchFn(url, init)],
    [
      "the demo relay's call (a Request of its own, and the connection's signal)",
      (box, init) => box.emulator.fetch(new Request(url, init), init.signal ?? undefined),
    ],
  ])('%s rejects on the caller’s abort after a collection, as fetch does', async (_name, call) => {
    const box = await emulatedMailbox({ latencyMs: 0 });
    // Exchange accepts the message, then the answer never comes.
    box.emulator.injectFault({ kind: 'timeout-after-accept' });
    const caller = new AbortController();
    let outcome = 'pending';
    void call(box, {
      method: 'POST',
      headers: { Authorization: box.authorization(), 'Content-Type': 'application/json' },
      body: sendMailBody,
      signal: caller.signal,
    }).then(
      () => (outcome = 'answered'),
      () => (outcome = 'rejected'),
    );
    for (let i = 0; i < 3; i++) {
      await box.clock.advance(0);
      forceGc();
    }
    expect(box.emulator.requestLog.at(-1)).toMatchObject({ fault: 'timeout-after-accept' });
    expect(outcome).toBe('pending');
    caller.abort(new Error('the caller gave up'));
    await turn();
    expect(outcome).toBe('rejected');
  });
});
