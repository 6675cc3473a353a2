/**
 * Reply-tracking benchmark (issue #7): Graph requests for a first sync of a 50,000-message Inbox and
 * per idle reply-sync round (the real Graph client against the mailbox emulator, counted in the
 * emulator's request log), and the time to open 10,000 sealed events in the pane (WebCrypto, as the
 * browser does it). Opening is measured twice: events in few sealing groups (one ECDH per group,
 * what a busy day of one campaign looks like) and one group per event (opens spread over days, the
 * worst case, one ECDH per event).
 * Every figure prints CPU time next to wall time (process.cpuUsage).
 */
import type { OutgoingMail } from '../src/core/mail';
import type { TrackedCampaign } from '../src/core/replies/ports';
import { syncReplies } from '../src/core/replies/sync';
import { SendEngine } from '../src/core/send';
import { generateUserKey } from '../src/crypto/keys';
import { createEventOpener, type SealedEventRow } from '../src/crypto/open-event';
import type { ManualClock } from '../src/shared/clock';
import { createEventSealer, importRecipientPublicKey } from '../src/shared/sealed-event';
import { runUntilIdle } from '../test/core/support/drive';
import { emulatedMailbox, RECRUITER } from '../test/core/support/emulated-mailbox';
import { FakeBackend, FakeCampaigns, MemoryCursors } from '../test/core/replies/fake-reply-mailbox';

const MIN = 60_000;
const INBOX = 50_000;
const EVENTS = 10_000;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, Timing]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return [value, { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }];
}

/** Awaits work that waits on the simulated clock, moving the clock meanwhile (no real sleeps). */
async function drive<T>(clock: ManualClock, work: Promise<T>): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  while (!done) {
    await new Promise((r) => setImmediate(r));
    if (!done) await clock.advance(250);
  }
  return result;
}

async function graphRequests(): Promise<void> {
  const box = await emulatedMailbox({ emulator: { ambientMailEveryMs: 0 } });
  const prospects = Array.from({ length: 20 }, (_, i) => ({
    id: `p${i}`,
    address: `p${i}+silent@example.org`,
  }));
  const render = (r: { id: string; address: string }): OutgoingMail => ({
    to: { address: r.address },
    subject: `A role for ${r.id}`,
    html: '<p>Hello</p>',
  });
  const engine = SendEngine.create({ clock: box.clock, sender: box.sender, render }, prospects);
  engine.start();
  await runUntilIdle(box.clock, engine);
  // The mailbox already holds 50,000 unrelated messages, received before the campaign.
  box.emulator.fillFolder(RECRUITER.oid, 'inbox', INBOX, { spanMs: 30 * 24 * 60 * MIN });
  const campaign: TrackedCampaign = {
    campaignId: 'camp',
    status: engine.status,
    stopReason: null,
    recipients: engine.recipients(),
    backendSends: Object.fromEntries(engine.recipients().map((r) => [r.attempt?.sendId ?? '', `b-${r.id}`])),
  };
  const deps = {
    mailbox: box.graph,
    campaigns: new FakeCampaigns([campaign], () => box.clock.now()),
    cursors: new MemoryCursors(),
    upload: new FakeBackend().upload,
    clock: box.clock,
  };
  // HTTP requests: a `$batch` is one, whatever it holds (its inner requests are logged with inBatch).
  const count = () => box.emulator.requestLog.filter((e) => !e.inBatch).length;

  // Unscoped first sync of the whole 50,000-message Inbox (the client's own paging, no page cap).
  let before = count();
  const [first, firstTime] = await timed(() => drive(box.clock, box.graph.mailFolderDelta('inbox')));
  const unscoped = count() - before;

  // Reply sync's first round: scoped by received date from the campaign's first send, both folders.
  await box.clock.advance(5 * MIN);
  before = count();
  const [, roundTime] = await timed(() => drive(box.clock, syncReplies(deps)));
  const firstRound = count() - before;
  // Idle rounds: nothing new arrived.
  await box.clock.advance(5 * MIN);
  await drive(box.clock, syncReplies(deps));
  before = count();
  const [, idleTime] = await timed(() => drive(box.clock, syncReplies(deps)));
  const idle = count() - before;
  before = count();
  await drive(box.clock, box.graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink }));
  const idleFolder = count() - before;

  console.log('\nReply sync — Graph requests (real client × mailbox emulator)');
  console.log(
    `  first sync of a ${INBOX.toLocaleString('en')}-message Inbox, unscoped: ${unscoped} requests, ` +
      `${first.messages.length.toLocaleString('en')} messages, ${firstTime.cpuMs.toFixed(0)} ms CPU ` +
      `(${((firstTime.cpuMs * 1000) / INBOX).toFixed(1)} µs per message)`,
  );
  console.log(
    `  reply sync's first round (scoped to the campaign, Inbox + Junk Email + Sent Items): ${firstRound} requests, ${roundTime.cpuMs.toFixed(0)} ms CPU`,
  );
  console.log(
    `  idle poll of one folder: ${idleFolder} request (goal 1); idle reply-sync round: ${idle} requests ` +
      `(Inbox + Junk Email in one $batch; goal 1), ${idleTime.cpuMs.toFixed(1)} ms CPU`,
  );
}

async function openEvents(): Promise<void> {
  const me = { tid: 'tenant-bench', oid: 'user-bench' };
  const key = await generateUserKey(me, 0);
  const recipient = await importRecipientPublicKey(key.publicKey);
  async function seal(groups: number): Promise<SealedEventRow[]> {
    const rows: SealedEventRow[] = [];
    const perGroup = Math.ceil(EVENTS / groups);
    for (let g = 0; g < groups; g++) {
      const sealer = await createEventSealer(recipient);
      for (let i = 0; i < perGroup && rows.length < EVENTS; i++) {
        const ids = { sendId: `s${rows.length % 500}`, eventId: `e${rows.length}` };
        const sealed = await sealer.seal(
          { kind: 'open', ...me, ...ids },
          { ip: '203.0.113.9', at: 1_767_600_000_000 + rows.length, verdict: 'human' },
        );
        rows.push({ ...ids, kind: 'open', sealed });
      }
    }
    return rows;
  }
  console.log(`\nOpening ${EVENTS.toLocaleString('en')} sealed events in the pane (WebCrypto)`);
  for (const groups of [100, EVENTS]) {
    const rows = await seal(groups);
    const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
    const [results, t] = await timed(() => Promise.all(rows.map((r) => opener.open(r))));
    const ok = results.filter((r) => r.ok).length;
    console.log(
      `  ${groups.toLocaleString('en').padStart(6)} sealing groups: ${t.wallMs.toFixed(0)} ms wall, ` +
        `${t.cpuMs.toFixed(0)} ms CPU (${((t.cpuMs * 1000) / EVENTS).toFixed(0)} µs per event), ${ok} opened`,
    );
  }
}

export async function repliesBench(): Promise<void> {
  await graphRequests();
  await openEvents();
}
