/**
 * Reads a Retry-After header: delay-seconds (Graph sends fractions such as "2.128") or an HTTP-date.
 * Returns null when absent or unreadable — in a browser Graph's CORS policy may hide the header.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // An HTTP-date always names a day or month; this keeps Date.parse from reading "-3" as a year.
  if (!/[A-Za-z]{3}/.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** [0, 1); injected so tests are deterministic. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, capMs: 60_000, random: Math.random };

/**
 * Exponential backoff with "equal jitter": half of the exponential step is fixed, half random, so
 * retries spread out without ever collapsing to zero. `attempt` counts from 0.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.round(step / 2 + (step / 2) * options.random());
}
