import type { SendEngine } from '../../../src/core/send';
import type { ManualClock } from '../../../src/shared/clock';

/** Runs simulated time until the engine has nothing left to do on its own. */
export async function runUntilIdle(
  clock: ManualClock,
  engine: SendEngine,
  maxSteps = 200_000,
): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    await Promise.resolve();
    if (engine.idle) return;
    if (!(await clock.runNext())) {
      await new Promise((r) => setTimeout(r, 0));
      if (engine.idle) return;
      throw new Error('The engine is waiting for something that never comes.');
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
