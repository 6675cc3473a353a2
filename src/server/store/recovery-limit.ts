/**
 * The recovery-secret attempt limit's arithmetic, shared by both stores (they only keep the times
 * of wrong answers, per user, in the database, so every instance counts the same attempts).
 *
 * A wrong recovery code or passphrase costs the guesser one Argon2id run on their side, but the
 * server answers instantly, so guessing is slowed here: 5 wrong answers per 15 minutes and 20 per
 * 24 hours per user. A right answer resets nothing (a thief who also knows one right answer gains
 * no extra guesses), and the limit only delays: it never locks the account for good. Only the
 * user's own API token can spend attempts, so nobody else can use it to lock the user out.
 */
import type { AttemptPolicy } from './store';

export const RECOVERY_ATTEMPT_POLICY: AttemptPolicy = {
  windows: [
    { ms: 15 * 60_000, max: 5 },
    { ms: 24 * 3600_000, max: 20 },
  ],
};

/** The longest window: older attempts no longer count and may be deleted. */
export const longestWindowMs = (policy: AttemptPolicy): number =>
  Math.max(...policy.windows.map((w) => w.ms));

/**
 * `wrongAt`: times of the user's wrong answers within the longest window, oldest first.
 * `waitMs` is null when another attempt may be made now, else how long until one may;
 * `left` is how many wrong answers may still be given now.
 */
export function attemptAllowance(
  policy: AttemptPolicy,
  wrongAt: readonly number[],
  now: number,
): { waitMs: number | null; left: number } {
  let waitMs: number | null = null;
  let left = Infinity;
  for (const w of policy.windows) {
    const inWindow = wrongAt.filter((t) => t > now - w.ms);
    left = Math.min(left, Math.max(0, w.max - inWindow.length));
    if (inWindow.length >= w.max) {
      // The window frees a place when the attempt that filled it ages out.
      const freesAt = inWindow[inWindow.length - w.max]! + w.ms;
      waitMs = Math.max(waitMs ?? 0, Math.max(1, freesAt - now));
    }
  }
  return { waitMs, left };
}
