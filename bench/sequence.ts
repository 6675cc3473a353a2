/**
 * Sequence benchmark: 1,000 prospects through a 3-step sequence (follow-ups 2 calendar days after
 * the previous step, no sending window) with the real send engine on a simulated clock, against the
 * in-process fake mailbox with Graph's reply and message lookup. Prints Graph requests per
 * follow-up sent and the simulated duration against the theoretical minimum — once clean, and once
 * with injected faults (429s, 503s and timeouts before and after acceptance) and moved copies.
 */
import { followUpId, SendEngine, type RecipientRecord, type SendEngineOptions } from '../src/core/send';
import type { MailSender } from '../src/core/mail';
import { ManualClock } from '../src/shared/clock';
import type { SendFault } from '../test/core/support/fake-mailbox';
import { SequenceMailbox } from '../test/core/send/sequence-mailbox';
import { DAY_MS, fixedDelays, sequenceRender, unitOf } from '../test/core/send/sequence-support';
import { SEND_ID_HEADER } from '../src/core/send/reconcile';

const PROSPECTS = 1_000;
const STEPS = 3;
const RATE = 30;
const DELAY_MS = 2 * DAY_MS;

interface Result {
  label: string;
  followUpsSent: number;
  followUpRequests: { sendMail: number; reply: number; findMessage: number; sentItemsReads: number };
  threaded: number;
  newMessage: number;
  simulatedMs: number;
  minimumMs: number;
  pacingMs: number;
  pacingMinimumMs: number;
  duplicates: number;
  missing: number;
  maxPerMinute: number;
  maxInFlight: number;
  sends: number;
  wallMs: number;
  cpuMs: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same thing. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function run(label: string, faultRate: number, moveRate: number): Promise<Result> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const clock = new ManualClock();
  const rnd = random(42);
  const faults: SendFault[] = [
    '429',
    '429-no-retry-after',
    '503-before-accept',
    '503-after-accept',
    'timeout-after-accept',
  ];
  const plan = Array.from({ length: PROSPECTS * STEPS * 2 }, () =>
    rnd() < faultRate ? (faults[Math.floor(rnd() * faults.length)] ?? 'none') : 'none',
  );
  const box = new SequenceMailbox({ clock, headersVisible: true, faults: (n) => plan[n] ?? 'none' });
  const counts = { stepOne: 0, sendMail: 0, reply: 0, findMessage: 0, sentItemsReads: 0 };
  const sender: MailSender = {
    sendMail: (mail) => {
      if (mail.subject.startsWith('RE:')) counts.sendMail++;
      else counts.stepOne++;
      return box.sendMail(mail);
    },
    reply: (id, mail) => (counts.reply++, box.reply(id, mail)),
    findMessage: (id) => (counts.findMessage++, box.findMessage(id)),
    listSentSince: (since) => (counts.sentItemsReads++, box.listSentSince(since)),
  };

  // Reply tracking, as the pane runs it: each sent record learns its Sent Items copy once it shows.
  // Its reads belong to reply sync (measured by the replies bench), so they are not counted here.
  const copiesBySendId = new Map<string, (typeof box.copies)[number]>();
  let indexed = 0;
  const pending = new Set<string>();
  const uncertain = new Set<string>();
  const sync = () => {
    // The recruiter resends, when asked, what was not found in Sent Items after the full wait.
    for (const id of uncertain) {
      const r = engine.recipient(id);
      if (r?.state !== 'uncertain') uncertain.delete(id);
      else if (r.uncertain?.awaitingDecision) {
        uncertain.delete(id);
        engine.decide(id, 'resend');
      }
    }
    for (; indexed < box.copies.length; indexed++) {
      const copy = box.copies[indexed];
      const id = copy?.record.internetMessageHeaders?.find((h) => h.name === SEND_ID_HEADER)?.value;
      if (copy && id) copiesBySendId.set(id, copy);
    }
    const now = clock.now();
    for (const id of pending) {
      const r = engine.recipient(id);
      const copy = r?.attempt ? copiesBySendId.get(r.attempt.sendId) : undefined;
      if (!r || r.state !== 'sent' || !copy || copy.visibleAt > now) continue;
      engine.annotate(id, { copy: copy.record });
      pending.delete(id);
      // Some copies get moved to another folder before the next step: the reply 404s.
      if (rnd() < moveRate) box.moveCopy(copy.record.id, `moved-${copy.record.id}`);
    }
  };

  const options: SendEngineOptions = {
    clock,
    sender,
    ratePerMinute: RATE,
    render: sequenceRender,
    next: fixedDelays(STEPS, DELAY_MS),
    gate: (unit, view) => {
      const prev = unit.threadOf === undefined ? undefined : view.recipient(unit.threadOf);
      return prev && !prev.sentItemId
        ? { kind: 'wait', until: view.now + 2 * 60_000, reason: 'thread-copy' }
        : { kind: 'send' };
    },
    onChange: (change) => {
      if (change.state === 'sent' && change.recipientId) pending.add(change.recipientId);
      if (change.state === 'uncertain' && change.recipientId) uncertain.add(change.recipientId);
    },
  };
  const prospects = Array.from({ length: PROSPECTS }, (_, i) => ({
    id: `p${i + 1}`,
    address: `person${i + 1}@example.com`,
  }));
  const engine = SendEngine.create(options, prospects);
  const start = clock.now();
  engine.start();
  for (let round = 0; round < 20; round++) {
    for (let step = 0; step < 1_000_000 && !engine.idle; step++) {
      sync();
      if (!(await clock.runNext())) break;
    }
    const waiting = engine.recipients().filter((r) => r.uncertain?.awaitingDecision);
    if (waiting.length === 0) break;
    for (const r of waiting) engine.decide(r.id, 'resend');
  }
  const records = engine.recipients();
  const byId = new Map(records.map((r) => [r.id, r] as const));
  const startOf = (r: RecipientRecord | undefined) => r?.attempt?.startedAt ?? 0;
  const end = Math.max(...records.map(startOf));
  const lastStepOne = Math.max(...prospects.map((p) => startOf(byId.get(p.id))));
  const delivered = new Map<string, number>();
  for (const mail of box.sentMails) {
    const u = unitOf(mail);
    const key = u.step === 1 ? u.prospect : followUpId(u.prospect, u.step);
    delivered.set(key, (delivered.get(key) ?? 0) + 1);
  }
  const followUps = records.filter((r) => (r.step ?? 1) > 1 && r.state === 'sent');
  // 30 per sliding minute: the last of N messages of one step can start no earlier than this.
  const pacingMinimumMs = Math.floor((PROSPECTS - 1) / RATE) * 60_000;
  return {
    label,
    followUpsSent: followUps.length,
    followUpRequests: {
      sendMail: counts.sendMail,
      reply: counts.reply,
      findMessage: counts.findMessage,
      sentItemsReads: counts.sentItemsReads,
    },
    threaded: followUps.filter((r) => r.threading?.how === 'reply').length,
    newMessage: followUps.filter((r) => r.threading?.how === 'new-message').length,
    simulatedMs: end - start,
    // Each prospect's step N waits (N-1) delays after its step 1; the last prospect's step 1 waits for the pace.
    minimumMs: (STEPS - 1) * DELAY_MS + pacingMinimumMs,
    pacingMs: lastStepOne - start,
    pacingMinimumMs,
    duplicates: [...delivered.values()].filter((c) => c > 1).length,
    missing: PROSPECTS * STEPS - delivered.size,
    maxPerMinute: box.maxPerMinute(),
    maxInFlight: box.maxInFlight,
    sends: box.sentMails.length,
    wallMs: performance.now() - wallStart,
    cpuMs: cpuMsSince(cpuStart),
  };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

export async function sequenceBench(): Promise<void> {
  const results = [await run('clean', 0, 0), await run('3% faults + 2% moved copies', 0.03, 0.02)];
  console.log(
    `\nSequence: ${PROSPECTS} prospects x ${STEPS} steps, follow-ups ${DELAY_MS / DAY_MS} calendar days apart, ${RATE}/min, no window; real engine + fake mailbox (reply, lookup), simulated clock`,
  );
  for (const r of results) {
    const q = r.followUpRequests;
    const perFollowUp = (q.sendMail + q.reply + q.findMessage + q.sentItemsReads) / r.followUpsSent;
    console.log(`\n  ${r.label}`);
    console.log(
      `    Graph requests per follow-up  ${perFollowUp.toFixed(3)}  (${q.reply} reply incl. 404s, ${q.findMessage} lookups, ${q.sendMail} new-message sends, ${q.sentItemsReads} Sent Items reads for ${r.followUpsSent} follow-ups; goal <= 1.1)`,
    );
    console.log(`    threaded / new message        ${r.threaded} / ${r.newMessage}`);
    console.log(
      `    simulated duration            ${(r.simulatedMs / DAY_MS).toFixed(4)} days vs minimum ${(r.minimumMs / DAY_MS).toFixed(4)} days = ${(r.simulatedMs / r.minimumMs).toFixed(4)}x (goal <= 1.05)`,
    );
    console.log(
      `    step 1 pacing alone           ${(r.pacingMs / 60_000).toFixed(2)} min vs ${(r.pacingMinimumMs / 60_000).toFixed(2)} min = ${(r.pacingMs / r.pacingMinimumMs).toFixed(3)}x (clean: the 1 s margin per minute; faults add the 10-minute Sent Items wait before a resend)`,
    );
    console.log(
      `    duplicates ${r.duplicates}; missing ${r.missing}; max per minute ${r.maxPerMinute}; max in flight ${r.maxInFlight}`,
    );
    console.log(
      `    throughput                    ${(r.sends / (r.wallMs / 1000)).toFixed(0)} sends/s wall; CPU ${(r.cpuMs / r.sends).toFixed(2)} ms per send (${(r.cpuMs / 1000).toFixed(1)} s CPU / ${(r.wallMs / 1000).toFixed(1)} s wall)`,
    );
  }
}
