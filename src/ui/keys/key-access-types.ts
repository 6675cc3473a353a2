/**
 * The pane's view of the user's key (issue #9): KeyAccess and its states are src/storage/key-access.ts's
 * (type-only imports, so none of storage enters the screens' chunks); the passphrase check is
 * src/crypto/key-backup/passphrase.ts's. Tests pass fakes of these shapes.
 */
export type { ApprovalRequest, IncomingApproval, KeyAccess, KeyState } from '../../storage/key-access';
import type { KeyAccess, KeyState } from '../../storage/key-access';

/**
 * What KeyAccess's recovery throws (the contract's KeyAccessError), read by its `kind`; the numbers may
 * sit on the error or in its `details`. `attemptsLeft` null: refused before any try was spent.
 */
export type KeyAccessProblem =
  | { kind: 'wrong-secret'; attemptsLeft: number | null }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'no-backup' }
  | { kind: 'network' }
  | { kind: 'denied' }
  | { kind: 'expired' };

/** The problem a KeyAccess call failed with, or null for any other error. */
export function keyAccessProblem(error: unknown): KeyAccessProblem | null {
  if (typeof error !== 'object' || error === null) return null;
  type Numbers = { attemptsLeft?: unknown; retryAfterSeconds?: unknown };
  const e = error as Numbers & { kind?: unknown; details?: Numbers };
  const n = (key: keyof Numbers) => {
    const v = e[key] ?? e.details?.[key];
    return typeof v === 'number' ? v : null;
  };
  switch (e.kind) {
    case 'wrong-secret':
      return { kind: 'wrong-secret', attemptsLeft: n('attemptsLeft') };
    case 'rate-limited':
      return { kind: 'rate-limited', retryAfterSeconds: n('retryAfterSeconds') ?? 60 };
    case 'no-backup':
    case 'network':
    case 'denied':
    case 'expired':
      return { kind: e.kind };
    default:
      return null;
  }
}

/** The passphrase check (src/crypto/key-backup/passphrase.ts's checkPassphrase). */
export interface PassphraseCheck {
  ok: boolean;
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
  suggestions: string[];
}
export type CheckPassphrase = (passphrase: string) => Promise<PassphraseCheck>;

/** The key as the App holds it once resolved: the access object and its latest state. */
export interface KeyStatus {
  access: KeyAccess;
  state: KeyState;
}

/**
 * Which key screen KeyGate shows: the unlock choices, the approval wait, start over, recovery setup;
 * `settings` (Data & privacy's key section) is shown below the privacy screen.
 */
export type KeyView = 'unlock' | 'approve' | 'start-over' | 'recovery' | 'settings';
