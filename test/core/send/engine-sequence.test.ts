import { describe, expect, it } from 'vitest';
import {
  followUpId,
  SendEngine,
  type EngineChange,
  type EngineView,
  type GateDecision,
  type RecipientInput,
  type RecipientRecord,
  type SendEngineOptions,
  type SendSnapshot,
} from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { addresses, runFor, runUntilIdle } from '../support/drive';
import { SequenceMailbox } from './sequence-mailbox';
import { DAY_MS, fixedDelays, sequenceRender, syncCopies, unitOf } from './sequence-support';

const MINUTE = 60_000;

/** Like src/core/sequence's rule: a follow-up waits (2 min at a time) while its thread's copy is being looked for. */
function waitForThreadCopy(unit: RecipientRecord, view: EngineView): GateDecision {
  const prev = unit.threadOf === undefined ? undefined : view.recipient(unit.threadOf);
  if (prev && !prev.sentItemId && prev.copySearchEndedAt === undefined)
    return { kind: 'wait', until: view.now + 2 * MINUTE, reason: 'thread-copy' };
  return { kind: 'send' };
}

function setup(
  n: number,
  engineOptions: Partial<SendEngineOptions> = {},
  inputs: (base: RecipientInput[]) => RecipientInput[] = (b) => b,
) {
  const clock = new ManualClock();
  const mailbox = new SequenceMailbox({ clock, headersVisible: true });
  const changes: EngineChange[] = [];
  let persisted: SendSnapshot | null = null;
  const options: SendEngineOptions = {
    clock,
    sender: mailbox,
    render: sequenceRender,
    next: fixedDelays(3, 2 * DAY_MS),
    gate: waitForThreadCopy,
    onChange: (change) => {
      changes.push(change);
      persisted = engine.snapshot();
    },
    ...engineOptions,
  };
  const engine = SendEngine.create(options, inputs(addresses(n)));
  /** Runs like the pane would: reply tracking finds each copy soon after it lands in Sent Items. */
  const run = (e: SendEngine = engine) => runUntilIdle(clock, e, () => syncCopies(e, mailbox));
  return { clock, mailbox, engine, options, changes, persisted: () => persisted, run };
}

/** (prospect, step) of every message Exchange accepted, in order. */
function delivered(mailbox: SequenceMailbox): string[] {
  return mailbox.sentMails.map((m) => {
    const u = unitOf(m);
    return `${u.prospect}#${u.step}`;
  });
}

describe('send engine: follow-up units', () => {
  it('queues each follow-up at its due time, stays running while it waits, and threads it as a reply', async () => {
    const { clock, mailbox, engine, run } = setup(3);
    const started = clock.now();
    engine.start();
    await runFor(clock, 10 * MINUTE);
    syncCopies(engine, mailbox);
    expect(delivered(mailbox)).toEqual(['p1#1', 'p2#1', 'p3#1']);
    // Step 1 is done; the follow-ups wait two days. The campaign is still running and says why.
    expect(engine.status).toBe('running');
    const p = engine.progress();
    expect(p).toMatchObject({ total: 6, sent: 3, queued: 3, waiting: 3 });
    expect(p.nextDue).toEqual({
      at: (engine.recipient('p1')?.sentAt as number) + 2 * DAY_MS,
      recipientId: followUpId('p1', 2),
      step: 2,
    });
    expect(engine.waitingOn()).toEqual({ reason: 'delay', until: p.nextDue?.at });
    await run();
    expect(engine.status).toBe('finished');
    expect(delivered(mailbox)).toEqual([
      'p1#1',
      'p2#1',
      'p3#1',
      'p1#2',
      'p2#2',
      'p3#2',
      'p1#3',
      'p2#3',
      'p3#3',
    ]);
    const step2 = engine.recipient(followUpId('p1', 2)) as RecipientRecord;
    const step3 = engine.recipient(followUpId('p1', 3)) as RecipientRecord;
    expect(step2.attempt?.startedAt).toBeGreaterThanOrEqual(started + 2 * DAY_MS);
    expect(step3.attempt?.startedAt).toBeGreaterThanOrEqual((step2.sentAt as number) + 2 * DAY_MS);
    // Threaded: each follow-up replied to the previous step's copy, in the same conversation.
    expect(step2.threading).toEqual({ how: 'reply' });
    expect(step3.threading).toEqual({ how: 'reply' });
    expect(mailbox.replies.map((r) => r.to)).toContain(engine.recipient('p1')?.sentItemId);
    expect(step2.conversationId).toBe(engine.recipient('p1')?.conversationId);
    // One request per message: no lookups, no 404s, and no Sent Items reads (nothing was uncertain).
    expect(mailbox.graphRequests).toBe(9);
  });

  it('a copy moved away (404): finds it by its internet message id and still replies in the thread', async () => {
    const { clock, mailbox, engine, run } = setup(1);
    engine.start();
    await runFor(clock, 10 * MINUTE);
    syncCopies(engine, mailbox);
    const first = engine.recipient('p1') as RecipientRecord;
    mailbox.moveCopy(first.sentItemId as string, 'moved-1');
    await runFor(clock, 2 * DAY_MS + 10 * MINUTE);
    const step2 = engine.recipient(followUpId('p1', 2)) as RecipientRecord;
    expect(step2.state).toBe('sent');
    expect(step2.threading).toEqual({ how: 'reply' });
    expect(mailbox.notFoundReplies).toBe(1);
    expect(mailbox.findRequests).toBe(1);
    expect(mailbox.replies.at(-1)?.to).toBe('moved-1');
    expect(delivered(mailbox)).toEqual(['p1#1', 'p1#2']);
    engine.dispose();
    void run;
  });

  it('a copy deleted (404, not found by id either): goes as a new "RE:" message and says why', async () => {
    const { clock, mailbox, engine } = setup(1);
    engine.start();
    await runFor(clock, 10 * MINUTE);
    syncCopies(engine, mailbox);
    mailbox.gone.add(engine.recipient('p1')?.sentItemId as string);
    await runFor(clock, 2 * DAY_MS + 10 * MINUTE);
    const step2 = engine.recipient(followUpId('p1', 2)) as RecipientRecord;
    expect(step2.state).toBe('sent');
    expect(step2.threading?.how).toBe('new-message');
    expect(step2.threading?.reason).toMatch(/no longer in the mailbox/);
    expect(mailbox.notFoundReplies).toBe(1);
    expect(mailbox.findRequests).toBe(1);
    expect(mailbox.sentMails.at(-1)?.subject).toBe('RE: Role at Acme for p1');
    expect(delivered(mailbox)).toEqual(['p1#1', 'p1#2']);
    engine.dispose();
  });

  it('a copy never found in Sent Items: the follow-up goes as a new message without trying to reply', async () => {
    const { clock, mailbox, engine } = setup(1, { gate: undefined });
    engine.start();
    // No reply tracking (and no gate waiting for it): the previous step's copy id is never learned.
    await runFor(clock, 2 * DAY_MS + 10 * MINUTE);
    const step2 = engine.recipient(followUpId('p1', 2)) as RecipientRecord;
    expect(step2).toMatchObject({ state: 'sent', threading: { how: 'new-message' } });
    expect(step2.threading?.reason).toMatch(/never found in Sent Items/);
    expect(mailbox.replyRequests).toBe(0);
    engine.dispose();
  });

  it('a reply that arrives while the follow-up renders drops it unsent (the gate is asked again before the write-ahead)', async () => {
    const gateCalls: string[] = [];
    const gate = (
      unit: RecipientRecord,
      view: { recipient(id: string): RecipientRecord | undefined },
    ): GateDecision => {
      gateCalls.push(unit.id);
      const first = view.recipient(unit.prospectId ?? unit.id);
      return first?.response?.kind === 'replied' ? { kind: 'drop', code: 'replied' } : { kind: 'send' };
    };
    const render = async (r: RecipientInput) => {
      // Reply sync lands while the follow-up is being prepared.
      if ((r.step ?? 1) === 2) engine.annotate('p1', { response: { kind: 'replied', at: Date.now() } });
      await Promise.resolve();
      return sequenceRender(r);
    };
    const t = setup(1, { gate, render });
    const engine = t.engine;
    engine.start();
    await t.run();
    expect(gateCalls).toEqual(['p1', 'p1', followUpId('p1', 2), followUpId('p1', 2)]);
    expect(delivered(t.mailbox)).toEqual(['p1#1']);
    expect(engine.recipient(followUpId('p1', 2))).toBeUndefined();
    expect(t.changes).toContainEqual({ recipientId: followUpId('p1', 2), state: null });
    expect(engine.status).toBe('finished');
    // The dropped unit never held a minute slot: nothing else was slowed by it.
    expect(engine.progress()).toMatchObject({ total: 1, sent: 1, queued: 0 });
  });

  it('a gate that waits for reply sync parks the unit until recheck(), and says so', async () => {
    let synced = false;
    const gate = (unit: RecipientRecord): GateDecision =>
      (unit.step ?? 1) > 1 && !synced
        ? { kind: 'wait', until: null, reason: 'reply-sync' }
        : { kind: 'send' };
    const t = setup(2, { gate, next: fixedDelays(2, DAY_MS) });
    t.engine.start();
    await t.run();
    // Nothing to do without a reply sync: idle, but not finished.
    expect(t.engine.idle).toBe(true);
    expect(t.engine.status).toBe('running');
    expect(t.engine.waitingOn()).toEqual({ reason: 'reply-sync', until: null });
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p2#1']);
    synced = true;
    t.engine.recheck();
    await t.run();
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p2#1', 'p1#2', 'p2#2']);
    expect(t.engine.status).toBe('finished');
  });

  it('a gate that waits until a time (the window) moves the unit there, keeping FIFO among the due ones', async () => {
    const t = setup(3, {
      next: fixedDelays(1, 0),
      gate: (unit, view) => {
        const opens = Date.UTC(2026, 0, 5, 12, 0, 0);
        return view.now < opens ? { kind: 'wait', until: opens, reason: 'window' } : { kind: 'send' };
      },
    });
    t.engine.start();
    await runFor(t.clock, MINUTE);
    expect(t.engine.waitingOn()).toEqual({ reason: 'window', until: Date.UTC(2026, 0, 5, 12, 0, 0) });
    expect(t.engine.recipient('p1')?.notBefore).toBe(Date.UTC(2026, 0, 5, 12, 0, 0));
    expect(t.mailbox.sendRequests).toBe(0);
    await t.run();
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p2#1', 'p3#1']);
    expect(t.mailbox.requestTimes[0]).toBe(Date.UTC(2026, 0, 5, 12, 0, 0));
  });
});

describe('send engine: grace period, send now, cancel, stop a prospect', () => {
  const grace = (b: RecipientInput[]) => b.map((r) => ({ ...r, notBefore: Date.UTC(2026, 0, 5, 9, 20) }));

  it('holds the first messages for the grace period, then sends them', async () => {
    const t = setup(2, { next: fixedDelays(1, 0) }, grace);
    t.engine.start();
    await runFor(t.clock, 10 * MINUTE);
    expect(t.mailbox.sendRequests).toBe(0);
    expect(t.engine.status).toBe('running');
    expect(t.engine.waitingOn()).toEqual({ reason: 'grace', until: Date.UTC(2026, 0, 5, 9, 20) });
    expect(t.engine.progress()).toMatchObject({ queued: 2, waiting: 2 });
    await t.run();
    expect(t.mailbox.requestTimes[0]).toBe(Date.UTC(2026, 0, 5, 9, 20));
    expect(t.engine.status).toBe('finished');
  });

  it('"Send now" ends the grace period at once', async () => {
    const t = setup(2, { next: fixedDelays(1, 0) }, grace);
    t.engine.start();
    await runFor(t.clock, 2 * MINUTE);
    t.engine.sendNow();
    await runFor(t.clock, MINUTE);
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p2#1']);
    expect(t.mailbox.requestTimes[0]).toBeLessThan(Date.UTC(2026, 0, 5, 9, 4));
    expect(t.engine.recipient('p1')?.notBefore).toBeUndefined();
  });

  it('"Send now" asked before the engine starts (a device taking over the campaign) sends at start', async () => {
    // The pane replays what the recruiter asked for on the engine it just reloaded, then starts it.
    const t = setup(2, { next: fixedDelays(1, 0) }, grace);
    t.engine.sendNow();
    t.engine.start();
    await runFor(t.clock, MINUTE);
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p2#1']);
  });

  it('"Cancel" during the grace period sends nothing, ever', async () => {
    const t = setup(2, {}, grace);
    t.engine.start();
    await runFor(t.clock, 5 * MINUTE);
    t.engine.cancel();
    await runFor(t.clock, 3 * DAY_MS);
    expect(t.mailbox.sendRequests).toBe(0);
    expect(t.engine.recipients().map((r) => r.failure?.code)).toEqual(['cancelled', 'cancelled']);
    expect(t.engine.status).toBe('cancelled');
  });

  it('cancel after step 1 fails the queued follow-ups and sends no more', async () => {
    const t = setup(2);
    t.engine.start();
    await runFor(t.clock, DAY_MS);
    t.engine.cancel();
    await runFor(t.clock, 5 * DAY_MS);
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p2#1']);
    expect(t.engine.recipient(followUpId('p1', 2))?.failure?.code).toBe('cancelled');
  });

  it('stopProspect: drops a queued follow-up, fails a queued first message, remembers it across a reload', async () => {
    const t = setup(3, { maxInFlight: 1, ratePerMinute: 1 });
    t.engine.start();
    await runFor(t.clock, 30_000);
    // p1 is sent; p2 and p3 wait for the pace. p1's step 2 waits two days.
    expect(delivered(t.mailbox)).toEqual(['p1#1']);
    t.engine.stopProspect('p1', 'removed');
    t.engine.stopProspect('p2', 'do-not-contact');
    expect(t.engine.recipient(followUpId('p1', 2))).toBeUndefined();
    expect(t.engine.recipient('p2')?.failure).toMatchObject({ code: 'removed' });
    expect(t.engine.recipient('p2')?.failure?.message).toMatch(/do-not-contact/);
    expect(t.engine.snapshot().stopped).toEqual({
      p1: { code: 'removed', at: t.clock.now() },
      p2: { code: 'do-not-contact', at: t.clock.now() },
    });
    // A reload brings back no follow-up for p1.
    t.engine.dispose();
    const restored = SendEngine.restore(t.options, t.engine.snapshot());
    restored.start();
    await runUntilIdle(t.clock, restored, () => syncCopies(restored, t.mailbox));
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p3#1', 'p3#2', 'p3#3']);
    expect(restored.status).toBe('finished');
  });

  it('a prospect stopped while its follow-up is rendering gets nothing', async () => {
    const render = async (r: RecipientInput) => {
      if ((r.step ?? 1) === 2) engine.stopProspect('p1', 'removed');
      await Promise.resolve();
      return sequenceRender(r);
    };
    const t = setup(1, { render });
    const engine = t.engine;
    engine.start();
    await t.run();
    expect(delivered(t.mailbox)).toEqual(['p1#1']);
    expect(engine.status).toBe('finished');
  });
});

describe('send engine: follow-ups across reloads', () => {
  it('a reload right after step 1 was accepted (follow-up not saved yet) queues the follow-up on start', async () => {
    let saved: SendSnapshot | null = null;
    let engine: SendEngine;
    const t = setup(1, {
      onChange: (c) => {
        if (c.state === 'sending') saved = engine.snapshot();
      },
    });
    engine = t.engine;
    engine.start();
    await runFor(t.clock, 10 * MINUTE);
    engine.dispose();
    // The only saved state is the write-ahead: p1 "sending". It comes back uncertain, is found, and step 2 follows.
    expect((saved as SendSnapshot | null)?.recipients.map((r) => r.state)).toEqual(['sending']);
    engine = SendEngine.restore(t.options, saved as unknown as SendSnapshot);
    engine.start();
    await runUntilIdle(t.clock, engine, () => syncCopies(engine, t.mailbox));
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p1#2', 'p1#3']);
    expect(engine.recipient('p1')?.confirmedBy).toBe('sent-items');
  });

  it('a saved sent step 1 without its follow-up gets it on start (the `next` catch-up)', async () => {
    const t = setup(1, { next: undefined, gate: undefined });
    t.engine.start();
    await t.run();
    const snapshot = t.engine.snapshot();
    const restored = SendEngine.restore({ ...t.options, next: fixedDelays(2, DAY_MS) }, snapshot);
    expect(restored.recipient(followUpId('p1', 2))).toBeUndefined();
    restored.start();
    expect(restored.recipient(followUpId('p1', 2))).toMatchObject({
      state: 'queued',
      step: 2,
      threadOf: 'p1',
    });
    await runUntilIdle(t.clock, restored);
    expect(delivered(t.mailbox)).toEqual(['p1#1', 'p1#2']);
  });
});
