import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../src/core/mail';
import {
  SEND_ID_HEADER,
  SendEngine,
  type EngineChange,
  type RecipientInput,
  type SendEngineOptions,
  type SendSnapshot,
} from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { addresses, runFor, runUntilIdle } from '../support/drive';
import { FakeMailbox, type FakeMailboxOptions, type SendFault } from '../support/fake-mailbox';
import { expectExactlyOnce } from '../support/invariants';

const render = (r: RecipientInput): OutgoingMail => ({
  to: { address: r.address },
  subject: `Role at Acme for ${r.id}`,
  html: `<p>Hello ${r.id}</p>`,
});

/** Faults for specific request numbers (0-based); every other request succeeds. */
function faultsAt(map: Record<number, SendFault>): (n: number) => SendFault {
  return (n) => map[n] ?? 'none';
}

function setup(
  n: number,
  mailboxOptions: Partial<FakeMailboxOptions> = {},
  engineOptions: Partial<SendEngineOptions> = {},
) {
  const clock = new ManualClock();
  const mailbox = new FakeMailbox({ clock, ...mailboxOptions });
  const changes: EngineChange[] = [];
  let persisted: SendSnapshot | null = null;
  const options: SendEngineOptions = {
    clock,
    sender: mailbox,
    render,
    onChange: (change) => {
      changes.push(change);
      persisted = engine.snapshot();
    },
    ...engineOptions,
  };
  const engine = SendEngine.create(options, addresses(n));
  return { clock, mailbox, engine, options, changes, persisted: () => persisted };
}

describe('send engine: the normal case', () => {
  it('sends every recipient exactly once with the rendered mail and a send-id header', async () => {
    const { clock, mailbox, engine } = setup(10);
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.status).toBe('finished');
    expect(engine.recipients().every((r) => r.state === 'sent' && r.confirmedBy === 'accepted')).toBe(true);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
    const first = mailbox.sentMails[0] as OutgoingMail;
    expect(first.subject).toBe('Role at Acme for p1');
    expect(first.html).toBe('<p>Hello p1</p>');
    expect(first.headers?.[SEND_ID_HEADER]).toBe(engine.recipient('p1')?.attempt?.sendId);
    expect(new Set(mailbox.sentMails.map((m) => m.headers?.[SEND_ID_HEADER])).size).toBe(10);
    expect(mailbox.listRequests).toBe(0);
  });

  it('keeps to 30 messages a minute and 4 requests in flight', async () => {
    const { clock, mailbox, engine } = setup(100, { latencyMs: 3_000 });
    const started = clock.now();
    engine.start();
    await runUntilIdle(clock, engine);
    expect(mailbox.sendRequests).toBe(100);
    expect(mailbox.maxPerMinute()).toBe(30);
    expect(mailbox.maxInFlight).toBeLessThanOrEqual(4);
    // 100 sends at 30 per sliding minute (plus the 1 s margin): the 100th starts after three windows.
    expect(clock.now() - started).toBeGreaterThanOrEqual(3 * 60_000);
    expect(clock.now() - started).toBeLessThan(3 * 61_000 + 10_000);
  });

  it('honours a lower configured rate', async () => {
    const { clock, mailbox, engine } = setup(25, {}, { ratePerMinute: 10 });
    engine.start();
    await runUntilIdle(clock, engine);
    expect(mailbox.maxPerMinute()).toBe(10);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('refuses a rate above 30/minute or more than 4 requests in flight', () => {
    expect(() => setup(1, {}, { ratePerMinute: 31 })).toThrow(RangeError);
    expect(() => setup(1, {}, { maxInFlight: 5 })).toThrow(RangeError);
  });
});

describe('send engine: throttling (429)', () => {
  it('pauses the whole mailbox for Retry-After, then sends the throttled message once', async () => {
    const { clock, mailbox, engine } = setup(8, { retryAfterMs: 45_000 }, { maxInFlight: 1 });
    mailbox.faults = faultsAt({ 2: '429' });
    engine.start();
    await runUntilIdle(clock, engine);
    const t = mailbox.requestTimes;
    // Request 2 was throttled at t[2]; nothing at all was asked of the mailbox until Retry-After passed.
    expect((t[3] as number) - (t[2] as number)).toBeGreaterThanOrEqual(45_000);
    expect(mailbox.sendRequests).toBe(9);
    expect(engine.recipient('p3')?.state).toBe('sent');
    expect(engine.recipient('p3')?.attempts).toBe(1);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('backs off exponentially when the 429 has no readable Retry-After', async () => {
    const { clock, mailbox, engine } = setup(
      3,
      {},
      { maxInFlight: 1, throttleBackoff: { initialMs: 5_000, maxMs: 60_000 } },
    );
    mailbox.faults = faultsAt({ 1: '429-no-retry-after', 2: '429-no-retry-after', 3: '429-no-retry-after' });
    engine.start();
    await runUntilIdle(clock, engine);
    const t = mailbox.requestTimes.map((x) => x - (mailbox.requestTimes[0] as number));
    const gaps = t.slice(2).map((x, i) => x - (t[i + 1] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(5_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(10_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(20_000);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
    expect(engine.recipients().every((r) => r.state === 'sent')).toBe(true);
  });
});

describe('send engine: unknown outcomes are reconciled, never re-sent blindly', () => {
  it.each(['503-after-accept', 'timeout-after-accept'] as const)(
    'after %s, finds the copy in Sent Items and marks it sent without a second send',
    async (fault) => {
      const { clock, mailbox, engine } = setup(6);
      mailbox.faults = faultsAt({ 1: fault, 3: fault });
      engine.start();
      await runUntilIdle(clock, engine);
      expect(mailbox.sendRequests).toBe(6);
      for (const id of ['p2', 'p4']) {
        expect(engine.recipient(id)).toMatchObject({ state: 'sent', confirmedBy: 'sent-items', attempts: 1 });
        expect(engine.recipient(id)?.sentItemId).toMatch(/^msg-/);
      }
      // Both uncertain recipients were settled by one Sent Items query.
      expect(mailbox.listRequests).toBe(1);
      expectExactlyOnce(engine.recipients(), mailbox.deliveries());
    },
  );

  it.each(['503-before-accept', 'network-error-before-accept'] as const)(
    'after %s, waits the full reconciliation window and then asks the recruiter',
    async (fault) => {
      const { clock, mailbox, engine } = setup(4);
      mailbox.faults = faultsAt({ 0: fault });
      engine.start();
      await runUntilIdle(clock, engine);
      const p1 = engine.recipient('p1');
      expect(p1?.state).toBe('uncertain');
      expect(p1?.uncertain?.awaitingDecision).toBe(true);
      expect(p1?.uncertain?.reason).toBeTruthy();
      expect(mailbox.sendRequests).toBe(4);
      expect(engine.progress()).toMatchObject({
        sent: 3,
        uncertain: 1,
        awaitingDecision: 1,
        status: 'finished',
      });
      // Asked only after the reasonable wait (10 minutes by default), after several looks.
      expect(clock.now() - (p1?.uncertain?.since ?? 0)).toBeGreaterThanOrEqual(10 * 60_000);
      expect(mailbox.listRequests).toBeGreaterThanOrEqual(2);
      expectExactlyOnce(engine.recipients(), mailbox.deliveries());

      // Time alone never resends it.
      await runFor(clock, 60 * 60_000);
      expect(mailbox.sendRequests).toBe(4);

      engine.decide('p1', 'resend');
      await runUntilIdle(clock, engine);
      expect(engine.recipient('p1')).toMatchObject({ state: 'sent', attempts: 2 });
      expect(engine.status).toBe('finished');
      expectExactlyOnce(engine.recipients(), mailbox.deliveries());
    },
  );

  it('lets the recruiter mark an uncertain recipient as not sent', async () => {
    const { clock, mailbox, engine } = setup(2);
    mailbox.faults = faultsAt({ 0: '503-before-accept' });
    engine.start();
    await runUntilIdle(clock, engine);
    engine.decide('p1', 'not-sent');
    expect(engine.recipient('p1')).toMatchObject({ state: 'failed', failure: { code: 'marked-not-sent' } });
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('does not allow a resend while the copy may still show up', async () => {
    const { clock, mailbox, engine } = setup(2, { sentItemsDelayMs: 5 * 60_000 });
    mailbox.faults = faultsAt({ 0: '503-after-accept' });
    engine.start();
    await runFor(clock, 90_000);
    expect(engine.recipient('p1')?.state).toBe('uncertain');
    expect(() => engine.decide('p1', 'resend')).toThrow(/Still looking/);
    await runUntilIdle(clock, engine);
    // The copy appeared after 5 minutes, inside the 10-minute wait: found, not resent.
    expect(engine.recipient('p1')).toMatchObject({ state: 'sent', confirmedBy: 'sent-items' });
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('matches by the send-id header when Graph returns headers, not by subject alone', async () => {
    for (const headersVisible of [true, false]) {
      const { clock, mailbox, engine } = setup(1, { headersVisible });
      // Another copy to the same person with the same subject, sent by something else a moment earlier.
      const other = mailbox.sendMail({
        ...render({ id: 'p1', address: 'person1@example.com' }),
        headers: { [SEND_ID_HEADER]: 'other' },
      });
      await runFor(clock, 1_000);
      await other;
      mailbox.faults = faultsAt({ 1: '503-before-accept' });
      engine.start();
      await runUntilIdle(clock, engine);
      // With headers the send id proves it is not ours; without them the subject rule cannot tell.
      expect(engine.recipient('p1')?.state).toBe(headersVisible ? 'uncertain' : 'sent');
    }
  });

  it('stops with the reason when Sent Items cannot be read, instead of looking busy forever', async () => {
    const { clock, mailbox, engine } = setup(2);
    mailbox.faults = faultsAt({ 0: '503-after-accept' });
    const read = mailbox.listSentSince.bind(mailbox);
    mailbox.listSentSince = () => Promise.reject(new Error('HTTP 503 ErrorServerBusy'));
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.status).toBe('stopped');
    expect(engine.stopReason).toMatchObject({ code: 'sent-items-unreadable' });
    expect(engine.stopReason?.message).toMatch(/ErrorServerBusy/);
    expect(engine.recipient('p1')?.state).toBe('uncertain');
    mailbox.listSentSince = read;
    engine.resume();
    await runUntilIdle(clock, engine);
    expect(engine.recipient('p1')).toMatchObject({ state: 'sent', confirmedBy: 'sent-items' });
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('finds a late copy when the recruiter asks to check again', async () => {
    const { clock, mailbox, engine } = setup(1, { sentItemsDelayMs: 20 * 60_000 });
    mailbox.faults = faultsAt({ 0: '503-after-accept' });
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.recipient('p1')?.uncertain?.awaitingDecision).toBe(true);
    await runFor(clock, 15 * 60_000);
    engine.checkSentItemsNow();
    await runUntilIdle(clock, engine);
    expect(engine.recipient('p1')).toMatchObject({ state: 'sent', confirmedBy: 'sent-items' });
  });
});

describe('send engine: errors that will not heal', () => {
  it('stops on a revoked token with the reason, and continues where it stopped after sign-in', async () => {
    const { clock, mailbox, engine } = setup(10, {}, { maxInFlight: 1 });
    mailbox.faults = faultsAt({ 4: 'revoked' });
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.status).toBe('stopped');
    expect(engine.stopReason).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token has been revoked.',
    });
    expect(engine.progress()).toMatchObject({ sent: 4, queued: 6, status: 'stopped' });
    const requests = mailbox.sendRequests;
    await runFor(clock, 30 * 60_000);
    expect(mailbox.sendRequests).toBe(requests);

    mailbox.reauthorize();
    engine.resume();
    await runUntilIdle(clock, engine);
    expect(engine.status).toBe('finished');
    expect(engine.stopReason).toBeNull();
    expect(engine.recipients().every((r) => r.state === 'sent')).toBe(true);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('stops on a full mailbox quota with the reason', async () => {
    const { clock, mailbox, engine } = setup(5);
    mailbox.faults = faultsAt({ 2: 'quota', 3: 'quota', 4: 'quota' });
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.status).toBe('stopped');
    expect(engine.stopReason?.code).toBe('ErrorQuotaExceeded');
    expect(engine.progress().queued).toBeGreaterThan(0);
    expectExactlyOnce(
      engine.recipients().filter((r) => r.state !== 'queued'),
      mailbox.deliveries(),
    );
  });

  it('stops with a reason when every message keeps being throttled, instead of waiting forever', async () => {
    const { clock, mailbox, engine } = setup(3, {}, { maxInFlight: 1 });
    mailbox.faults = (n) => (n >= 1 && n <= 10 ? '429-no-retry-after' : 'none');
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.status).toBe('stopped');
    expect(engine.stopReason).toMatchObject({ code: 'persistent-throttling' });
    expect(engine.stopReason?.message).toMatch(/daily sending limit/);
    expect(mailbox.sendRequests).toBe(11);
    engine.resume();
    await runUntilIdle(clock, engine);
    expect(engine.progress()).toMatchObject({ sent: 3, status: 'finished' });
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('waits at the 24-hour recipient limit (still running), says when it frees up, and continues by itself', async () => {
    // Before sequences the engine stopped here and the recruiter had to resume; now it waits on the clock.
    const { clock, mailbox, engine, options } = setup(8, {}, { dailyRecipientLimit: 5 });
    const started = clock.now();
    engine.start();
    await runFor(clock, 60 * 60_000);
    expect(engine.status).toBe('running');
    expect(engine.stopReason).toBeNull();
    expect(engine.waitingOn()).toEqual({ reason: 'daily-limit', until: started + 24 * 3_600_000 });
    expect(mailbox.sendRequests).toBe(5);
    // The limit survives a reload: the restored engine counts the day's sends from the snapshot.
    await runFor(clock, 11 * 3_600_000);
    engine.dispose();
    const restored = SendEngine.restore(options, engine.snapshot());
    restored.start();
    await runFor(clock, 11 * 3_600_000);
    expect(mailbox.sendRequests).toBe(5);
    expect(restored.waitingOn()).toEqual({ reason: 'daily-limit', until: started + 24 * 3_600_000 });
    await runUntilIdle(clock, restored);
    expect(restored.progress()).toMatchObject({ sent: 8, status: 'finished' });
    expect(mailbox.requestTimes[5]).toBeGreaterThanOrEqual(started + 24 * 3_600_000);
    expectExactlyOnce(restored.recipients(), mailbox.deliveries());
  });

  it('fails one recipient Exchange refuses, with the reason, and sends the rest', async () => {
    const { clock, mailbox, engine } = setup(4);
    mailbox.faults = faultsAt({ 1: 'bad-recipient' });
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.recipient('p2')).toMatchObject({
      state: 'failed',
      failure: { code: 'ErrorInvalidRecipients' },
    });
    expect(engine.progress()).toMatchObject({ sent: 3, failed: 1, status: 'finished' });
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('sends nothing when the progress cannot be saved first', async () => {
    const { clock, mailbox, engine } = setup(
      3,
      {},
      { onChange: (c) => (c.state === 'sending' ? Promise.reject(new Error('disk full')) : undefined) },
    );
    engine.start();
    await runUntilIdle(clock, engine);
    expect(mailbox.sendRequests).toBe(0);
    expect(engine.status).toBe('stopped');
    expect(engine.stopReason?.message).toMatch(/disk full/);
    expect(engine.progress().queued).toBe(3);
  });
});

describe('send engine: pause, resume, cancel', () => {
  it('pause stops new sends at once; resume continues; nobody is sent twice', async () => {
    const { clock, mailbox, engine } = setup(60);
    engine.start();
    await runFor(clock, 20_000);
    engine.pause();
    const atPause = mailbox.sendRequests;
    expect(atPause).toBe(30);
    await runFor(clock, 10 * 60_000);
    expect(mailbox.sendRequests).toBe(atPause);
    expect(engine.status).toBe('paused');
    expect(engine.progress()).toMatchObject({ sent: 30, queued: 30, etaAt: null });
    engine.resume();
    await runUntilIdle(clock, engine);
    expect(engine.progress()).toMatchObject({ sent: 60, status: 'finished' });
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('cancel fails every queued recipient as cancelled and sends nothing more', async () => {
    const { clock, mailbox, engine } = setup(50);
    engine.start();
    await runFor(clock, 61_000);
    engine.cancel();
    const atCancel = mailbox.sendRequests;
    await runUntilIdle(clock, engine);
    await runFor(clock, 10 * 60_000);
    expect(mailbox.sendRequests).toBe(atCancel);
    expect(engine.status).toBe('cancelled');
    const progress = engine.progress();
    expect(progress.sent + progress.failed).toBe(50);
    expect(
      engine
        .recipients()
        .filter((r) => r.state === 'failed')
        .every((r) => r.failure?.code === 'cancelled'),
    ).toBe(true);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });

  it('a cancel while a request is in flight still records that request', async () => {
    const { clock, mailbox, engine } = setup(3, { latencyMs: 10_000 }, { maxInFlight: 1 });
    engine.start();
    await runFor(clock, 1_000);
    engine.cancel();
    await runUntilIdle(clock, engine);
    expect(engine.recipient('p1')?.state).toBe('sent');
    expect(engine.recipient('p2')?.failure?.code).toBe('cancelled');
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());
  });
});

describe('send engine: reload', () => {
  it('a new engine restored from the snapshot resumes exactly where the old one stopped', async () => {
    const { clock, mailbox, engine, options } = setup(80);
    engine.start();
    await runFor(clock, 70_000);
    const snapshot = JSON.parse(JSON.stringify(engine.snapshot())) as SendSnapshot;
    engine.dispose();
    const before = mailbox.sendRequests;
    const restored = SendEngine.restore(options, snapshot);
    restored.start();
    await runUntilIdle(clock, restored);
    expect(restored.status).toBe('finished');
    expect(mailbox.sendRequests).toBe(80);
    expect(before).toBeGreaterThan(0);
    expect(mailbox.maxPerMinute()).toBeLessThanOrEqual(30);
    expectExactlyOnce(restored.recipients(), mailbox.deliveries());
  });

  it('a recipient saved as "sending" comes back uncertain and is found in Sent Items, not resent', async () => {
    const { clock, mailbox, engine, options, persisted } = setup(
      5,
      { latencyMs: 20_000 },
      { maxInFlight: 1 },
    );
    engine.start();
    await runFor(clock, 1_000);
    // The write-ahead snapshot shows p1 in flight; the page dies now.
    const saved = persisted() as SendSnapshot | null;
    expect(saved?.recipients.find((r) => r.id === 'p1')?.state).toBe('sending');
    engine.dispose();
    await runFor(clock, 30_000);
    const restored = SendEngine.restore(options, saved as SendSnapshot);
    expect(restored.recipient('p1')?.state).toBe('uncertain');
    restored.start();
    await runUntilIdle(clock, restored);
    expect(restored.recipient('p1')).toMatchObject({ state: 'sent', confirmedBy: 'sent-items' });
    expect(mailbox.deliveries().get('person1@example.com')).toBe(1);
    expectExactlyOnce(restored.recipients(), mailbox.deliveries());
  });

  it('a paused campaign stays paused after reload', async () => {
    const { clock, engine, options } = setup(40);
    engine.start();
    await runFor(clock, 5_000);
    engine.pause();
    await runUntilIdle(clock, engine);
    const restored = SendEngine.restore(options, engine.snapshot());
    restored.start();
    await runUntilIdle(clock, restored);
    expect(restored.status).toBe('paused');
    expect(restored.progress()).toMatchObject({ sent: 30, queued: 10 });
  });

  it('rejects a snapshot of an unknown version', () => {
    const { engine, options } = setup(1);
    expect(() => SendEngine.restore(options, { ...engine.snapshot(), version: 2 as 1 })).toThrow(/version/);
  });
});

describe('send engine: progress', () => {
  it('counts per state and gives an ETA from the pace', async () => {
    const { clock, engine } = setup(120);
    const start = clock.now();
    expect(engine.progress()).toMatchObject({ total: 120, queued: 120, status: 'ready', etaAt: null });
    engine.start();
    await runFor(clock, 150_000);
    const p = engine.progress();
    expect(p).toMatchObject({ total: 120, sent: 90, queued: 30, status: 'running' });
    expect(p.pacePerMinute).toBeGreaterThan(20);
    // The last 30 go out when the window after 2:00 frees, i.e. at 3:00.
    expect(p.etaAt).toBeGreaterThanOrEqual(start + 180_000);
    expect(p.etaAt).toBeLessThan(start + 240_000);
    await runUntilIdle(clock, engine);
    expect(clock.now()).toBeLessThanOrEqual((p.etaAt as number) + 5_000);
  });

  it('stays responsive with 5,000 recipients (progress and snapshot are cheap enough to call per change)', async () => {
    const { clock, engine, mailbox } = setup(5_000);
    mailbox.faults = (n) => (n % 40 === 3 ? '503-after-accept' : 'none');
    engine.start();
    await runFor(clock, 5 * 60_000);
    let started = performance.now();
    const progress = engine.progress();
    const progressMs = performance.now() - started;
    started = performance.now();
    const json = JSON.stringify(engine.snapshot());
    const snapshotMs = performance.now() - started;
    console.log(
      `5,000 recipients: progress() ${progressMs.toFixed(2)} ms, snapshot()+JSON ${snapshotMs.toFixed(1)} ms`,
    );
    const started5min = progress.sent + progress.uncertain + progress.sending;
    expect(progress.total).toBe(5_000);
    expect(started5min).toBe(5_000 - progress.queued);
    expect(started5min).toBeGreaterThanOrEqual(145);
    expect(started5min).toBeLessThanOrEqual(150);
    expect(json.length).toBeGreaterThan(5_000 * 100);
    // Generous bounds for a shared 2-core machine: far below a frame budget / a human's notice.
    expect(progressMs).toBeLessThan(50);
    expect(snapshotMs).toBeLessThan(250);
  });

  it('reports a 429 pause in the progress', async () => {
    const { clock, mailbox, engine } = setup(5, { retryAfterMs: 120_000 }, { maxInFlight: 1 });
    mailbox.faults = faultsAt({ 1: '429' });
    engine.start();
    await runFor(clock, 5_000);
    expect(engine.progress().throttledUntil).toBeGreaterThan(clock.now());
    expect(engine.progress().etaAt).toBeGreaterThanOrEqual(engine.progress().throttledUntil as number);
  });
});
