import type { StoredUserKey } from '../../../src/storage/db';
import type {
  ApprovalRequest,
  IncomingApproval,
  KeyAccess,
  KeyState,
} from '../../../src/ui/keys/key-access-types';

type Ready = Extract<KeyState, { kind: 'ready' }>;
type NeedsKey = Extract<KeyState, { kind: 'needs-key' }>;

export const readyState = (over: Partial<Ready> = {}): Ready => ({
  kind: 'ready',
  key: { keyId: 'key-new' } as unknown as StoredUserKey,
  created: false,
  backups: { recovery: true, split: true, tenant: 'not-required' },
  canBackUp: true,
  ...over,
});

export const needsKeyState = (over: Partial<NeedsKey> = {}): NeedsKey => ({
  kind: 'needs-key',
  registeredKeyId: 'key-1',
  recovery: 'code',
  canApprove: true,
  hadEarlierKey: false,
  ...over,
});

/** An error as KeyAccess throws it (the contract's KeyAccessError, read by its kind). */
export class FakeKeyAccessError extends Error {
  constructor(
    readonly kind: 'wrong-secret' | 'rate-limited' | 'no-backup' | 'network' | 'denied' | 'expired',
    readonly attemptsLeft?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(kind);
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export interface FakeApproval {
  signal: AbortSignal;
  cancelled: boolean;
  code: ReturnType<typeof deferred<string>>;
  done: ReturnType<typeof deferred<KeyState>>;
}

/**
 * A scripted KeyAccess: `state` is what resolve() answers; recovery accepts `secret` and throws the
 * queued errors first; approval requests and incoming approvals are controlled by the test.
 */
export function fakeKeyAccess(initial: KeyState, options: { secret?: string } = {}) {
  const calls: string[] = [];
  const recoverErrors: Error[] = [];
  const requests: FakeApproval[] = [];
  const incoming: IncomingApproval[] = [];
  const rotation = { steps: [] as { done: number; total: number }[], finish: deferred<void>() };
  let state = initial;
  const access: KeyAccess = {
    async resolve() {
      calls.push('resolve');
      return state;
    },
    async recoverWithSecret(secret) {
      calls.push(`recover:${secret}`);
      const error = recoverErrors.shift();
      if (error) throw error;
      if (secret !== options.secret) throw new FakeKeyAccessError('wrong-secret', 3);
      state = readyState();
      return state;
    },
    requestApproval(signal): ApprovalRequest {
      calls.push('requestApproval');
      const r: FakeApproval = { signal, cancelled: false, code: deferred(), done: deferred() };
      requests.push(r);
      return {
        code: r.code.promise,
        done: r.done.promise,
        cancel: () => {
          r.cancelled = true;
        },
      };
    },
    async listApprovalRequests() {
      calls.push('listApprovalRequests');
      return [...incoming];
    },
    async setUpRecovery(choice) {
      calls.push(choice.kind === 'code' ? 'setUpRecovery:code' : `setUpRecovery:${choice.passphrase}`);
      if (state.kind === 'ready') state = { ...state, backups: { ...state.backups, recovery: true } };
      return choice.kind === 'code' ? { code: 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ' } : {};
    },
    async startOver() {
      calls.push('startOver');
      state = readyState({
        created: true,
        backups: { recovery: false, split: true, tenant: 'not-required' },
      });
      return state;
    },
    async rotate(onProgress) {
      calls.push('rotate');
      for (const step of rotation.steps) onProgress?.(step);
      await rotation.finish.promise;
      state = readyState({ canBackUp: true, backups: { recovery: false, split: true, tenant: false } });
      return state;
    },
    async keyring() {
      return new Map();
    },
  };
  return {
    access,
    calls,
    recoverErrors,
    requests,
    incoming,
    rotation,
    setState(next: KeyState) {
      state = next;
    },
  };
}

/** An incoming approval whose approve/deny are recorded. */
export function fakeIncoming(id: string, code: string | null, log: string[]): IncomingApproval {
  return {
    id,
    code,
    expiresAt: Date.now() + 600_000,
    async approve() {
      log.push(`approve:${id}`);
    },
    async deny() {
      log.push(`deny:${id}`);
    },
  };
}
