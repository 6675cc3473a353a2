/**
 * `npm run bench`: runs every in-process benchmark in turn (the pixel benchmark, which starts
 * servers, has its own `npm run bench:pixel`). Pass names to run a subset: `npm run bench -- campaign`, `npm run bench -- report` or `npm run bench -- sequence`.
 */
import { campaignBench } from './campaign';
import { repliesBench } from './replies';
import { reportBench } from './report';
import { sequenceBench } from './sequence';

const BENCHES: Record<string, () => Promise<void>> = {
  campaign: campaignBench,
  replies: repliesBench,
  report: reportBench,
  sequence: sequenceBench,
};

const wanted = process.argv.slice(2);
for (const [name, bench] of Object.entries(BENCHES)) {
  if (wanted.length === 0 || wanted.includes(name)) await bench();
}
