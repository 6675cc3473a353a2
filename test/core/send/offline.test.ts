import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../src/core/mail';
import { SendEngine, type RecipientInput, type SendEngineOptions } from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { manualConnectivity } from '../support/connectivity';
import { addresses, runFor, runUntilIdle } from '../support/drive';
import { FakeMailbox } from '../support/fake-mailbox';
import { expectExactlyOnce } from '../support/invariants';

const render = (r: RecipientInput): OutgoingMail => ({
  to: { address: r.address },
  subject: `Role at Acme for ${r.id}`,
  html: `<p>Hello ${r.id}</p>`,
});

function setup(n: number, engine: Partial<SendEngineOptions> = {}) {
  const clock = new ManualClock();
  const mailbox = new FakeMailbox({ clock, latencyMs: 300, sentItemsDelayMs: 2_000 });
  const options: SendEngineOptions = { clock, sender: mailbox, render, ...engine };
  return { clock, mailbox, engine: SendEngine.create(options, addresses(n)) };
}

describe('send engine: the connection drops mid-send', () => {
  it('sends nothing while the device says it is offline, and resumes by itself on the online event', async () => {
    const connectivity = manualConnectivity();
    const { clock, mailbox, engine } = setup(40, { connectivity });
    engine.start();
    await runFor(clock, 1_000);
    const before = mailbox.sendRequests;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(40);

    mailbox.offline = true;
    connectivity.set(false);
    await runFor(clock, 10 * 60_000);
    // Nothing was handed to a dead network, so nobody became uncertain.
    expect(mailbox.sendRequests).toBe(before);
    const waiting = engine.progress();
    expect(waiting).toMatchObject({ status: 'running', uncertain: 0, etaAt: null });
    expect(waiting.offline).not.toBeNull();

    mailbox.offline = false;
    connectivity.set(true);
    await runFor(clock, 1_000);
    expect(mailbox.sendRequests).toBeGreaterThan(before);
    expect(engine.progress().offline).toBeNull();
    expect(connectivity.listeners).toBe(0);
    await runUntilIdle(clock, engine);
    expect(engine.progress()).toMatchObject({ status: 'finished', sent: 40, uncertain: 0 });
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('when the device cannot tell: waits after the first lost connection, tests it with backoff on the clock, and resumes', async () => {
    const { clock, mailbox, engine } = setup(40);
    engine.start();
    await runFor(clock, 1_000);
    const before = mailbox.sendRequests;
    mailbox.offline = true;
    const lostAt = clock.now();
    await runFor(clock, 10 * 60_000);
    // Only the requests that were already leaving are in doubt; the rest wait in the queue.
    expect(mailbox.sendRequests - before).toBeLessThanOrEqual(4);
    const offline = engine.progress();
    expect(offline.uncertain).toBe(mailbox.sendRequests - before);
    expect(offline).toMatchObject({ status: 'running', stopReason: null });
    expect(offline.offline).toMatchObject({ since: expect.any(Number) });
    // Connection tests 5 s, 10 s, 20 s, … apart, at most 2 minutes: a handful of reads, not a storm.
    expect(mailbox.listRequests).toBeGreaterThanOrEqual(5);
    expect(mailbox.listRequests).toBeLessThanOrEqual(10);
    expect(offline.offline?.nextTryAt).toBeLessThanOrEqual(clock.now() + 2 * 60_000);
    expect(offline.offline?.since).toBeGreaterThanOrEqual(lostAt);

    mailbox.offline = false;
    await runFor(clock, 2 * 60_000);
    expect(engine.progress().offline).toBeNull();
    expect(mailbox.sendRequests).toBeGreaterThan(before + 4);
    await runUntilIdle(clock, engine);
    // Those in doubt were never accepted: after the wait they await the recruiter, never re-sent by Candor.
    const done = engine.progress();
    expect(done).toMatchObject({ status: 'finished', awaitingDecision: offline.uncertain });
    expect(done.sent).toBe(40 - offline.uncertain);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('a "try now" tests the connection at once instead of waiting for the next step', async () => {
    const { clock, mailbox, engine } = setup(10, { reconnectBackoff: { initialMs: 60_000, maxMs: 60_000 } });
    mailbox.offline = true;
    engine.start();
    await runFor(clock, 5_000);
    expect(engine.progress().offline).not.toBeNull();
    const reads = mailbox.listRequests;
    mailbox.offline = false;
    engine.retryConnectionNow();
    await runFor(clock, 1_000);
    expect(mailbox.listRequests).toBe(reads + 1);
    expect(engine.progress().offline).toBeNull();
  });
});

describe('send engine: back online, but Microsoft 365 refuses', () => {
  it('leaves offline mode on any answer, and stops with a reason instead of testing the connection forever', async () => {
    const { clock, mailbox, engine } = setup(10);
    mailbox.offline = true;
    engine.start();
    await runFor(clock, 10_000);
    expect(engine.progress().offline).not.toBeNull();
    // The network returns, but the grant was revoked meanwhile: reads answer 401, sends would too.
    mailbox.offline = false;
    mailbox.revoked = true;
    await runFor(clock, 60 * 60_000);
    const p = engine.progress();
    expect(p.offline).toBeNull();
    // The first answer ends offline mode; the next send meets the revoked grant and says so.
    expect(p.status).toBe('stopped');
    expect(p.stopReason?.code).toBe('InvalidAuthenticationToken');
    expect(mailbox.deliveries().size).toBe(0);
  });
});
