import type { SendEngine } from '../../../src/core/send';
import type { ManualClock } from '../../../src/shared/clock';

/**
 * Work in progress that does not wait on the simulated clock (request bodies are streams, the Graph
 * client chains promises). Harnesses count it here so simulated time never jumps while a request is
 * half-way through — otherwise a 30 s client timeout could fire on a request that is merely busy.
 */
export const realWork = { busy: 0 };

/** How long real async work may take before a quiet clock and a busy engine count as a deadlock. */
const REAL_WORK_GRACE_MS = 3_000;

async function settle(): Promise<void> {
  for (let turn = 0; turn < 200 && realWork.busy > 0; turn++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 0));
}

/**
 * Runs simulated time until the engine has nothing left to do on its own. `engine` may be a getter
 * (the engine changes on a simulated reload); `beforeStep` lets a test act between steps.
 */
export async function runUntilIdle(
  clock: ManualClock,
  engine: SendEngine | (() => SendEngine),
  beforeStep?: (step: number) => void,
  maxSteps = 200_000,
): Promise<void> {
  const current = typeof engine === 'function' ? engine : () => engine;
  for (let step = 0; step < maxSteps; step++) {
    beforeStep?.(step);
    await settle();
    if (current().idle) return;
    if (!(await clock.runNext())) {
      // Real async work (request bodies are streams, WebCrypto) can take a few event-loop turns,
      // or many more when the machine is busy running other test files: give it real time, not a
      // number of turns, before calling it a deadlock.
      const deadline = Date.now() + REAL_WORK_GRACE_MS;
      while (Date.now() < deadline && clock.pending === 0 && !current().idle) {
        await new Promise((r) => setTimeout(r, 1));
      }
      if (current().idle) return;
      if (clock.pending === 0) throw new Error('The engine is waiting for something that never comes.');
    }
  }
  throw new Error('Simulation did not settle');
}

/** Runs simulated time for `ms`, whatever the engine does meanwhile, in at most 100 steps (each ≥ 1 s). */
export async function runFor(clock: ManualClock, ms: number): Promise<void> {
  const chunk = Math.max(1_000, Math.ceil(ms / 100));
  for (let left = ms; left > 0; left -= chunk) {
    await settle();
    await clock.advance(Math.min(chunk, left));
  }
  await settle();
}

export function addresses(n: number): { id: string; address: string }[] {
  return Array.from({ length: n }, (_, i) => ({ id: `p${i + 1}`, address: `Person${i + 1}@Example.com` }));
}
