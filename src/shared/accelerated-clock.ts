import type { Clock } from './clock';

/**
 * How a demo's simulated time relates to the wall clock: simulated = anchor + (wall − anchor) × factor.
 * Two processes given the same scale (the demo server's emulator and the task pane) agree on "now".
 */
export interface TimeScale {
  factor: number;
  /** Wall-clock ms at which simulated and real time coincide. */
  anchor: number;
}

/** The simulated time of a wall-clock instant (e.g. a time the backend stamped with its real clock). */
export function simulatedTime(scale: TimeScale, wallMs: number): number {
  return scale.anchor + (wallMs - scale.anchor) * scale.factor;
}

/**
 * A clock running `factor` times faster than the wall clock, for the demo's "fast clock" only: a
 * campaign paced at 30/minute plays out in seconds while pacing, Sent Items times and limits stay
 * consistent between the pane and the emulator. Never used outside demo mode.
 */
export function acceleratedClock(scale: TimeScale, wallNow: () => number = () => Date.now()): Clock {
  const { factor } = scale;
  if (!(factor >= 1)) throw new RangeError('A time scale factor must be at least 1.');
  return {
    now: () => simulatedTime(scale, wallNow()),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.max(0, ms) / factor,
        );
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
