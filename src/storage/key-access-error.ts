/**
 * Why key access could not do what was asked, in words for the recruiter, with what to do next.
 */
export type KeyAccessErrorKind =
  /** The recovery code or passphrase did not open the backup. */
  | 'wrong-secret'
  /** Too many wrong tries: wait `retryAfterSeconds`. */
  | 'rate-limited'
  /** There is no recovery backup for the account's current key. */
  | 'no-backup'
  /** Candor could not be reached. */
  | 'network'
  /** This device does not hold the account's key (approve or recover first). */
  | 'needs-key'
  /** The key on this device was made before backups existed: rotate to a new key first. */
  | 'cannot-back-up'
  /** What arrived opened a different key than the account's (changed meanwhile, or tampered). */
  | 'key-mismatch'
  /** The other device denied the request (or it was cancelled there). */
  | 'denied'
  /** The approval request expired (10 minutes). */
  | 'expired'
  /** Cancelled on this device. */
  | 'cancelled';

const MESSAGES: Record<KeyAccessErrorKind, string> = {
  'wrong-secret': 'That recovery code or passphrase is not right. Check it and try again.',
  'rate-limited':
    'Too many wrong tries. Wait a while, then try again, or approve from a device that has your key.',
  'no-backup':
    'There is no recovery backup for your current key. Approve this device from one that has your key, or start over.',
  network: 'Could not reach Candor. Check your connection and try again.',
  'needs-key':
    'This device does not have your key yet. Enter your recovery code or approve it from a device that has the key.',
  'cannot-back-up':
    'Your key was made before Candor could back keys up. Rotate to a new key (Privacy settings), then set up recovery.',
  'key-mismatch':
    'What arrived does not match your account’s current key (it may have just changed). Try again from the start.',
  denied: 'The request was denied on your other device. Start a new request, or enter your recovery code.',
  expired: 'The request expired after 10 minutes. Start a new one, with Candor open on your other device.',
  cancelled: 'The request was cancelled.',
};

export class KeyAccessError extends Error {
  override readonly name = 'KeyAccessError';
  constructor(
    readonly kind: KeyAccessErrorKind,
    readonly details: {
      /** For `wrong-secret`: tries left before a wait; null when the secret was refused before any try was spent. */
      attemptsLeft?: number | null;
      /** For `rate-limited`. */
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
    message = MESSAGES[kind],
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}
