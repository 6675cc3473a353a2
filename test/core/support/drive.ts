import type { SendEngine } from '../../../src/core/send';
import type { ManualClock } from '../../../src/shared/clock';

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
    await Promise.resolve();
    if (current().idle) return;
    if (!(await clock.runNext())) {
      // Real async work (request bodies are streams) can take a few event-loop turns.
      for (let turn = 0; turn < 50 && clock.pending === 0 && !current().idle; turn++) {
        await new Promise((r) => setTimeout(r, 0));
      }
      if (current().idle) return;
      if (clock.pending === 0) throw new Error('The engine is waiting for something that never comes.');
    }
  }
  throw new Error('Simulation did not settle');
}

/** Runs simulated time for `ms`, whatever the engine does meanwhile. */
export async function runFor(clock: ManualClock, ms: number): Promise<void> {
  await clock.advance(ms);
}

export function addresses(n: number): { id: string; address: string }[] {
  return Array.from({ length: n }, (_, i) => ({ id: `p${i + 1}`, address: `Person${i + 1}@Example.com` }));
}
