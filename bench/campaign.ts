/**
 * Campaign send benchmark: 1,000 prospects through the real send engine, the real Graph boundary
 * and the mailbox emulator on a simulated clock. Prints Graph requests per prospect, simulated
 * duration against the 30-messages-per-minute minimum, duplicates and skips — once on a clean run
 * and once with injected faults and a page reload in the middle.
 */
import type { FaultSpec } from '../src/emulator/mailbox';
import { SendEngine, type SendEngineOptions, type SendSnapshot } from '../src/core/send';
import { addresses, runUntilIdle } from '../test/core/support/drive';
import { emulatedMailbox } from '../test/core/support/emulated-mailbox';

const PROSPECTS = 1_000;
const RATE = 30;

interface Result {
  label: string;
  requests: number;
  sendRequests: number;
  sentItemReads: number;
  reconcileCalls: number;
  simulatedMs: number;
  firstPassMs: number;
  minimumMs: number;
  duplicates: number;
  skipped: number;
  uncertainResolved: number;
  recruiterDecisions: number;
  rateViolations: number;
  maxConcurrent: number;
  wallMs: number;
  /** User + system CPU time of this process during the run. */
  cpuMs: number;
}

/** A deterministic pseudo-random fault plan (mulberry32), so every run measures the same thing. */
function faultPlan(seed: number, rate: number): (n: number) => FaultSpec | null {
  const faults: FaultSpec[] = [
    { kind: '429', retryAfterSeconds: 10 },
    { kind: '429', retryAfterSeconds: null },
    { kind: '503-before-accept' },
    { kind: '503-after-accept' },
    { kind: 'timeout-after-accept' },
    { kind: 'network-error-before-accept' },
  ];
  const plan: (FaultSpec | null)[] = [];
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < PROSPECTS * 2; i++) {
    plan.push(random() < rate ? (faults[Math.floor(random() * faults.length)] ?? null) : null);
  }
  return (n) => plan[n] ?? null;
}

/** When the last first attempt left: the campaign's own pace, before any recruiter decision. */
function lastStart(engine: SendEngine): number {
  return Math.max(...engine.recipients().map((r) => r.sentAt ?? r.attempt?.startedAt ?? 0));
}

async function run(label: string, faultRate: number, reloadAtStep: number | null): Promise<Result> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const box = await emulatedMailbox({
    graph: { maxThrottleRetries: 0 },
    ...(faultRate > 0 ? { sendFaults: faultPlan(42, faultRate) } : {}),
  });
  let persisted: SendSnapshot | null = null;
  let engine: SendEngine;
  let reconcileCalls = 0;
  const options: SendEngineOptions = {
    clock: box.clock,
    sender: {
      sendMail: (mail, signal) => box.sender.sendMail(mail, signal),
      listSentSince: (since, signal) => (reconcileCalls++, box.sender.listSentSince(since, signal)),
    },
    ratePerMinute: RATE,
    render: (r) => ({ to: { address: r.address }, subject: `A role for you, ${r.id}`, html: '<p>Hello</p>' }),
    onChange: (change) => {
      // Write-ahead persistence, as the task pane does it (only the save before a send is awaited).
      if (change.state === 'sending') persisted = engine.snapshot();
    },
  };
  engine = SendEngine.create(options, addresses(PROSPECTS));
  const start = box.clock.now();
  engine.start();
  let decisions = 0;
  let firstPassMs = 0;
  for (let round = 0; round < 20; round++) {
    await runUntilIdle(
      box.clock,
      () => engine,
      (step) => {
        if (step !== reloadAtStep || round !== 0) return;
        engine.dispose();
        engine = SendEngine.restore(options, JSON.parse(JSON.stringify(persisted)) as SendSnapshot);
        engine.start();
      },
    );
    if (round === 0) firstPassMs = lastStart(engine) - start;
    const waiting = engine.recipients().filter((r) => r.uncertain?.awaitingDecision);
    if (waiting.length === 0) break;
    // The recruiter resends what is not in Sent Items after the full wait.
    for (const r of waiting) engine.decide(r.id, 'resend');
    decisions += waiting.length;
  }
  const end = Math.max(...engine.recipients().map((r) => r.sentAt ?? 0));

  const copies = new Map<string, number>();
  for (const m of box.emulator.sentItems('87d349ed-44d7-43e1-9a83-5f2406dee5bd', { includePending: true })) {
    const a = m.toRecipients[0]?.emailAddress.address.toLowerCase() ?? '';
    copies.set(a, (copies.get(a) ?? 0) + 1);
  }
  const records = engine.recipients();
  const log = box.emulator.requestLog;
  return {
    label,
    requests: log.length,
    sendRequests: log.filter((e) => /\/sendmail$/i.test(e.path)).length,
    sentItemReads: log.filter((e) => /sentitems/i.test(e.path)).length,
    reconcileCalls,
    simulatedMs: end - start,
    firstPassMs,
    // 30 per sliding minute: the last of N messages can start no earlier than this.
    minimumMs: Math.floor((PROSPECTS - 1) / RATE) * 60_000,
    duplicates: [...copies.values()].filter((c) => c > 1).length,
    skipped:
      records.filter((r) => r.state !== 'sent' && r.state !== 'failed' && !r.uncertain?.awaitingDecision)
        .length +
      records.filter((r) => r.state === 'sent' && copies.get(r.address.toLowerCase()) !== 1).length,
    uncertainResolved: records.filter((r) => r.confirmedBy === 'sent-items').length,
    recruiterDecisions: decisions,
    rateViolations: box.emulator.stats.rateViolations,
    maxConcurrent: box.concurrency.max,
    wallMs: performance.now() - wallStart,
    cpuMs: cpuMsSince(cpuStart),
  };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

export async function campaignBench(): Promise<void> {
  const results = [await run('clean', 0, null), await run('3% faults + reload', 0.03, 2_000)];
  console.log(
    `\nCampaign send: ${PROSPECTS} prospects, ${RATE}/min, real engine + Graph boundary + mailbox emulator, simulated clock`,
  );
  for (const r of results) {
    console.log(`\n  ${r.label}`);
    console.log(
      `    Graph requests per prospect   ${(r.requests / PROSPECTS).toFixed(3)}  (${r.sendRequests} sendMail, ${r.sentItemReads} Sent Items pages in ${r.reconcileCalls} reconciliations; goal <= 1.1)`,
    );
    console.log(
      `    simulated duration            ${(r.firstPassMs / 60_000).toFixed(2)} min vs minimum ${(r.minimumMs / 60_000).toFixed(2)} min = ${(r.firstPassMs / r.minimumMs).toFixed(3)}x (goal <= 1.05)`,
    );
    console.log(
      `    until everyone settled        ${(r.simulatedMs / 60_000).toFixed(2)} min (incl. the 10-minute Sent Items wait and the recruiter's resends)`,
    );
    console.log(`    duplicates                    ${r.duplicates}`);
    console.log(`    skipped                       ${r.skipped}`);
    console.log(
      `    settled via Sent Items        ${r.uncertainResolved}; recruiter resends ${r.recruiterDecisions}`,
    );
    console.log(
      `    emulator rate violations ${r.rateViolations}; max requests in flight ${r.maxConcurrent}; wall ${(r.wallMs / 1000).toFixed(1)} s`,
    );
    // Throughput alone hides a busy machine; CPU time per operation is what the code itself costs.
    console.log(
      `    throughput                    ${(PROSPECTS / (r.wallMs / 1000)).toFixed(0)} prospects/s wall; CPU ${(r.cpuMs / PROSPECTS).toFixed(2)} ms per prospect, ${(r.cpuMs / r.requests).toFixed(2)} ms per Graph request (${(r.cpuMs / 1000).toFixed(1)} s CPU / ${(r.wallMs / 1000).toFixed(1)} s wall)`,
    );
  }
}
