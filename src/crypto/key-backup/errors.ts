/** Why a backup could not be made or opened, in terms a screen can act on. */
export type KeyBackupFailure =
  /** The header is not one this version understands, or asks for a weaker KDF than the floor. */
  | 'bad-header'
  /** The typed text cannot be a recovery code (wrong length or characters). */
  | 'invalid-code'
  /** Wrong secret, wrong share, or a blob moved to another user or key, or altered. */
  | 'does-not-open';

export class KeyBackupError extends Error {
  override readonly name = 'KeyBackupError';
  constructor(
    readonly kind: KeyBackupFailure,
    message: string,
  ) {
    super(message);
  }
}
