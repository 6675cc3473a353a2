import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../src/core/mail';
import { SendEngine, type SendEngineOptions } from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { addresses, runUntilIdle } from '../support/drive';
import { FakeMailbox } from '../support/fake-mailbox';

const render = (r: { id: string; address: string }): OutgoingMail => ({
  to: { address: r.address },
  subject: `Role at Acme for ${r.id}`,
  html: '<p>Hi</p>',
});

function setup(n: number, options: Partial<SendEngineOptions> = {}) {
  const clock = new ManualClock();
  const mailbox = new FakeMailbox({ clock });
  const engine = SendEngine.create({ clock, sender: mailbox, render, ...options }, addresses(n));
  return { clock, mailbox, engine };
}

describe('send engine: what reply tracking tells it', () => {
  it('keeps the copy’s ids and the prospect’s response in its snapshot', async () => {
    const { clock, engine } = setup(2);
    engine.start();
    await runUntilIdle(clock, engine);
    engine.annotate('p1', {
      copy: { id: 's1', conversationId: 'conv-1', internetMessageId: '<m1@x>', sentDateTime: undefined },
    });
    engine.annotate('p1', { response: { kind: 'out-of-office', at: 5 } });
    engine.annotate('p1', { response: { kind: 'replied', at: 6 } });
    // An out-of-office after a reply says nothing new: the reply stays.
    engine.annotate('p1', { response: { kind: 'out-of-office', at: 7 } });
    expect(engine.snapshot().recipients[0]).toMatchObject({
      sentItemId: 's1',
      conversationId: 'conv-1',
      internetMessageId: '<m1@x>',
      response: { kind: 'replied', at: 6 },
    });
  });

  it('confirms an uncertain recipient when its copy is found, without re-sending', async () => {
    const { clock, mailbox, engine } = setup(1, {
      reconcile: { firstCheckAfterMs: 3_600_000, recheckEveryMs: 3_600_000, decideAfterMs: 7_200_000 },
    });
    mailbox.faults = () => 'timeout-after-accept';
    engine.start();
    await clock.advance(60_000);
    expect(engine.recipient('p1')?.state).toBe('uncertain');
    engine.annotate('p1', {
      copy: {
        id: 's1',
        conversationId: 'conv-1',
        internetMessageId: '<m1@x>',
        sentDateTime: new Date(clock.now()).toISOString(),
      },
    });
    await runUntilIdle(clock, engine);
    expect(engine.recipient('p1')).toMatchObject({
      state: 'sent',
      confirmedBy: 'sent-items',
      conversationId: 'conv-1',
    });
    expect(engine.status).toBe('finished');
    expect(mailbox.sendRequests).toBe(1);
  });

  it('stops a running campaign with the reason given, and sends no more', async () => {
    const { clock, mailbox, engine } = setup(10, { ratePerMinute: 1 });
    engine.start();
    await clock.advance(30_000);
    engine.stopFor('bounce-5.7.233', 'Your organisation reached its daily limit.');
    await clock.advance(10 * 60_000);
    expect(engine.status).toBe('stopped');
    expect(engine.stopReason).toMatchObject({
      code: 'bounce-5.7.233',
      message: 'Your organisation reached its daily limit.',
    });
    expect(mailbox.sendRequests).toBe(1);
  });
});
