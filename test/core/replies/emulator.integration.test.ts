import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../src/core/mail';
import type { TrackedCampaign } from '../../../src/core/replies/ports';
import { syncReplies } from '../../../src/core/replies/sync';
import { SendEngine } from '../../../src/core/send';
import type { ManualClock } from '../../../src/shared/clock';
import { runFor, runUntilIdle } from '../support/drive';
import { emulatedMailbox, RECRUITER } from '../support/emulated-mailbox';
import { FakeBackend, FakeCampaigns, MemoryCursors } from './fake-reply-mailbox';

const MIN = 60_000;

const render = (r: { id: string; address: string }): OutgoingMail => ({
  to: { address: r.address },
  subject: `A role for ${r.id}`,
  html: `<p>Hello ${r.id}</p>`,
});

/** Awaits work that waits on the simulated clock (request latency), moving the clock meanwhile. */
async function drive<T>(clock: ManualClock, work: Promise<T>): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  while (!done) {
    await new Promise((r) => setTimeout(r, 0));
    if (!done) await clock.advance(250);
  }
  return result;
}

const PROSPECTS = [
  { id: 'ana', address: 'ana+reply@example.org' },
  { id: 'ben', address: 'ben+bounce@example.net' },
  { id: 'cy', address: 'cy+ooo@example.com' },
  { id: 'dee', address: 'dee+silent@example.com' },
];

describe('reply sync × Graph boundary × mailbox emulator', () => {
  it.each(['returned', 'omitted', 'forbidden'] as const)(
    'finds copies, then a reply, a bounce and an out-of-office — and uploads nothing else (headers %s)',
    async (headers) => {
      const box = await emulatedMailbox({
        emulator: { internetMessageHeadersUnderReadBasic: headers, ambientMailEveryMs: 7 * MIN },
      });
      const engine = SendEngine.create({ clock: box.clock, sender: box.sender, render }, PROSPECTS);
      engine.start();
      await runUntilIdle(box.clock, engine);
      const campaign: TrackedCampaign = {
        campaignId: 'camp',
        status: engine.status,
        stopReason: null,
        recipients: engine.recipients(),
        backendSends: Object.fromEntries(
          engine.recipients().map((r) => [r.attempt?.sendId ?? '', `b-${r.id}`]),
        ),
      };
      const campaigns = new FakeCampaigns([campaign], () => box.clock.now());
      const backend = new FakeBackend();
      const deps = {
        mailbox: box.graph,
        campaigns,
        cursors: new MemoryCursors(),
        upload: backend.upload,
        clock: box.clock,
      };

      // Right after sending the copies are not in Sent Items yet (the emulator, like Exchange, files
      // them late); a later round finds them.
      await runFor(box.clock, 5_000);
      await drive(box.clock, syncReplies(deps));
      for (const p of PROSPECTS) expect(campaigns.recipient('camp', p.id)?.conversationId).toBeFalsy();
      await runFor(box.clock, 3 * MIN);
      await drive(box.clock, syncReplies(deps));
      for (const p of PROSPECTS) expect(campaigns.recipient('camp', p.id)?.conversationId).toBeTruthy();

      // 40 minutes later: the reply (30 min), bounce (1 min) and out-of-office (2 min) are in,
      // among unrelated mail the emulator delivers every 7 minutes.
      await runFor(box.clock, 40 * MIN);
      const report = await drive(box.clock, syncReplies(deps));

      const rows = [...backend.rows.values()].sort((a, b) => a.sendId.localeCompare(b.sendId));
      expect(rows.map((r) => [r.sendId, r.payload.kind])).toEqual([
        ['b-ana', 'reply'],
        ['b-ben', 'bounce'],
        ['b-cy', 'out-of-office'],
      ]);
      const [reply, bounce, ooo] = rows;
      expect(reply?.payload).toMatchObject({ confidence: 'high', matchedBy: 'conversation' });
      expect(ooo?.payload).toMatchObject({ confidence: 'high', matchedBy: 'conversation' });
      // Exchange's own bounce is threaded into our conversation.
      expect(bounce?.payload).toMatchObject({ confidence: 'high', matchedBy: 'conversation' });
      expect(reply?.payload.ip === null).toBe(headers !== 'returned');
      expect(report.headersUnavailable).toBe(headers !== 'returned');
      expect(report.dropped).toBeGreaterThan(0);
      // Nothing but our prospects' answers and the bounce report left the pane.
      for (const r of backend.requests)
        expect([
          ...PROSPECTS.map((p) => p.address),
          `postmaster@${RECRUITER.mail.split('@')[1]?.toLowerCase()}`,
        ]).toContain(r.payload.from.toLowerCase());

      expect(campaigns.recipient('camp', 'ana')?.response?.kind).toBe('replied');
      expect(campaigns.recipient('camp', 'ben')?.response?.kind).toBe('bounced');
      expect(campaigns.recipient('camp', 'cy')?.response?.kind).toBe('out-of-office');
      expect(campaigns.recipient('camp', 'dee')?.response).toBeUndefined();
    },
  );
});
