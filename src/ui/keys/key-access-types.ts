/**
 * The pane's view of the user's key (issue #9), exactly as the shared contract declares it
 * (notes/KEYS-CONTRACT.md §3). The real KeyAccess is built in src/storage/key-access.ts and the
 * passphrase check in src/crypto/key-backup/passphrase.ts; the key screens depend only on these
 * shapes, so tests pass fakes and the real ones plug in unchanged.
 */
import type { StoredUserKey } from '../../storage/db';

export type KeyState =
  | {
      kind: 'ready';
      key: StoredUserKey;
      created: boolean;
      backups: { recovery: boolean; split: boolean; tenant: boolean | 'not-required' };
      /** A transfer copy is present: false for keys made before #9, which must rotate to be backed up. */
      canBackUp: boolean;
      /** A rotation stopped part-way (src/storage/key-access.ts): rotate() again finishes it. */
      rotationUnfinished?: boolean;
    }
  | {
      kind: 'needs-key';
      registeredKeyId: string;
      recovery: 'code' | 'passphrase' | null;
      canApprove: true;
      hadEarlierKey: boolean;
    };

export interface ApprovalRequest {
  code: Promise<string>;
  /** Rejects when the other device denies the request or it expires. */
  done: Promise<KeyState>;
  cancel(): void;
}

export interface IncomingApproval {
  id: string;
  /** Null until the new device has revealed its key (then both devices can show the code). */
  code: string | null;
  expiresAt: number;
  approve(): Promise<void>;
  deny(): Promise<void>;
}

export interface KeyAccess {
  resolve(): Promise<KeyState>;
  /** Throws a KeyAccessError (see keyAccessProblem). */
  recoverWithSecret(secret: string): Promise<KeyState>;
  requestApproval(signal: AbortSignal): ApprovalRequest;
  listApprovalRequests(): Promise<IncomingApproval[]>;
  setUpRecovery(
    choice: { kind: 'code' } | { kind: 'passphrase'; passphrase: string },
  ): Promise<{ code?: string }>;
  startOver(): Promise<KeyState>;
  rotate(onProgress?: (p: { done: number; total: number }) => void): Promise<KeyState>;
  keyring(): Promise<Map<string, CryptoKeyPair>>;
}

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
