/**
 * Report benchmark: builds the campaign report (counts, rates, activity series, statuses, timelines,
 * needs-attention) for 5,000 prospects and 50,000 events, its CSV export, and renders the report
 * screen in jsdom (bench/report-render.tsx). Prints wall and CPU
 * time per operation (process.cpuUsage; the goal is well under 1 s) and, as a reference measured in
 * the same run, the cost of merely copying the same results once (JSON round trip).
 */
import { reportCsv } from '../src/core/results/csv';
import { buildReport, statusCounts, timelineOf } from '../src/core/results/report';
import { generatedResults } from '../test/support/fake-results';
import { measureRender } from './report-render';

const PROSPECTS = 5_000;
const EVENTS = 50_000;
const RUNS = 15;
const WARMUP = 3;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function measure(run: () => unknown): Timing {
  for (let i = 0; i < WARMUP; i++) run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

export async function reportBench(): Promise<void> {
  // Opens are 50,000 events; replies, bounces and out-of-office answers come on top.
  const results = generatedResults({ prospects: PROSPECTS, opens: EVENTS });
  const report = buildReport(results);
  const reference = measure(() => JSON.parse(JSON.stringify(results)));
  const rows: [string, Timing][] = [
    ['build report model', measure(() => buildReport(results))],
    ['status counts (list filter)', measure(() => statusCounts(report))],
    ['every prospect timeline', measure(() => report.prospects.forEach(timelineOf))],
    ['CSV export', measure(() => reportCsv(report))],
  ];
  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(
    `\nreport: ${PROSPECTS.toLocaleString('en')} prospects, ${(results.opens.length + results.replies.length).toLocaleString('en')} events (median of ${RUNS} runs; goal < 1,000 ms)`,
  );
  console.log(`${'operation'.padEnd(30)}${'wall ms'.padStart(8)}${'cpu ms'.padStart(8)}  vs copy`);
  // Render last: it installs jsdom as the global DOM.
  const renders = await measureRender(() => generatedResults({ prospects: PROSPECTS, opens: EVENTS }), 1 + 5);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const warm = renders.slice(1); // the first run also compiles React and Fluent
  rows.push([
    'render report screen (jsdom)',
    { wallMs: median(warm.map((t) => t.wallMs)), cpuMs: median(warm.map((t) => t.cpuMs)) },
  ]);
  for (const [name, t] of [['reference: copy results (JSON)', reference] as [string, Timing], ...rows])
    console.log(`${name.padEnd(30)}${f(t.wallMs)}${f(t.cpuMs)}  ${(t.cpuMs / reference.cpuMs).toFixed(2)}×`);
  console.log(
    `(first render, cold: ${renders[0]!.wallMs.toFixed(0)} ms wall, ${renders[0]!.cpuMs.toFixed(0)} ms CPU)`,
  );
}
