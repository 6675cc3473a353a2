/**
 * Approving a new device from one that has the key. The server only relays:
 *
 *   new device  create {commitment}  ──►  old device  respond {its nonce}
 *   new device  reveal {ephemeral public key, nonce}  (only after the responder's nonce is fixed)
 *   both        show the same 6 digits, from the commitment's values and the responder's nonce
 *   old device  grant {key bytes sealed to the ephemeral public key}  ──►  new device opens it
 *
 * The commitment binds the new device's key before the old device picks its nonce, so whoever runs
 * the server cannot search for a key that gives the same code. The old device computes the code
 * with the commitment it saw and the nonce it chose itself, never with what the server echoes; a
 * reveal that does not match the commitment is denied automatically. Requests expire after 10
 * minutes (server side); the new device gives up then too.
 */
import { ApiError } from '../api/errors';
import type { UserIdentity } from '../crypto/keys';
import { abortable, abortReason } from '../shared/abort';
import type { Clock } from '../shared/clock';
import type { StoredUserKey } from './db';
import { KeyAccessError } from './key-access-error';
import type { KeyApi, KeyCrypto } from './key-ports';

export interface ApprovalRequest {
  /** The 6-digit code to compare ("123 456"), once the other device has answered. */
  code: Promise<string>;
  /** The key on this device; rejects with a KeyAccessError on deny, expiry or cancel. */
  done: Promise<import('./key-access').KeyState>;
  cancel(): void;
}

export interface IncomingApproval {
  id: string;
  /** null until the new device has revealed its key (then the user compares codes). */
  code: string | null;
  expiresAt: number;
  approve(): Promise<void>;
  deny(): Promise<void>;
}

export interface RequestApprovalContext {
  api: Pick<KeyApi, 'createApproval' | 'getApproval' | 'revealApproval' | 'deleteApproval'>;
  crypto: Pick<KeyCrypto, 'startApproval' | 'approvalCode' | 'openKeyFromDevice'>;
  identity: UserIdentity;
  clock: Clock;
  pollMs: number;
  /** Checks the granted key against the account's and stores it. */
  install(d: Uint8Array, keyId: string): Promise<import('./key-access').KeyState>;
}

const retryable = (err: unknown) => err instanceof ApiError && err.retryable;

/** The new device's side. */
export function requestApproval(ctx: RequestApprovalContext, signal: AbortSignal): ApprovalRequest {
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(abortReason(signal));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  let showCode!: (code: string) => void;
  let failCode!: (err: unknown) => void;
  const code = new Promise<string>((resolve, reject) => {
    showCode = resolve;
    failCode = reject;
  });
  code.catch(() => undefined); // the caller may only watch `done`

  async function run() {
    try {
      return await poll();
    } catch (err) {
      if (ctl.signal.aborted && !(err instanceof KeyAccessError))
        throw new KeyAccessError('cancelled', { cause: err });
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async function poll() {
    if (ctl.signal.aborted) throw new KeyAccessError('cancelled');
    const start = await ctx.crypto.startApproval();
    // Not abortable: once asked, the request is known by its id and can be withdrawn below.
    const { id, expiresAt } = await ctx.api.createApproval(start.commitment);
    try {
      let revealed = false;
      for (;;) {
        if (ctx.clock.now() >= expiresAt) throw new KeyAccessError('expired');
        let a;
        try {
          a = await abortable(ctx.api.getApproval(id), ctl.signal);
        } catch (err) {
          if (!retryable(err)) throw err;
          a = undefined; // offline for a moment: ask again at the next tick
        }
        if (a === null) throw new KeyAccessError(ctx.clock.now() >= expiresAt ? 'expired' : 'denied');
        if (a?.state === 'responded' && !revealed) {
          if (!a.responderNonce) throw new KeyAccessError('denied');
          await abortable(ctx.api.revealApproval(id, start.publicKey, start.nonce), ctl.signal);
          revealed = true;
          showCode(
            await ctx.crypto.approvalCode({
              commitment: start.commitment,
              publicKey: start.publicKey,
              nonce: start.nonce,
              responderNonce: a.responderNonce,
            }),
          );
        } else if (a?.state === 'granted') {
          if (!revealed || !a.sealedKey || !a.keyId) throw new KeyAccessError('denied');
          const d = await ctx.crypto.openKeyFromDevice(
            a.sealedKey,
            start.ephemeral,
            ctx.identity,
            id,
            a.keyId,
          );
          try {
            return await ctx.install(d, a.keyId);
          } finally {
            d.fill(0);
          }
        }
        await ctx.clock.sleep(ctx.pollMs, ctl.signal);
      }
    } finally {
      // Granted or given up: the request has done its job either way (cleanup; it expires anyway).
      void ctx.api.deleteApproval(id).catch(() => undefined);
    }
  }

  const done = run();
  done.catch((err: unknown) => failCode(err));
  return { code, done, cancel: () => ctl.abort(new KeyAccessError('cancelled')) };
}

export interface ApprovalResponderContext {
  api: Pick<KeyApi, 'listApprovals' | 'respondApproval' | 'grantApproval' | 'deleteApproval'>;
  crypto: Pick<KeyCrypto, 'responderNonce' | 'approvalCode' | 'openTransferCopy' | 'sealKeyForDevice'>;
  identity: UserIdentity;
  load(): Promise<StoredUserKey | undefined>;
}

/** The old device's side: answers requests, shows their codes, approves or denies. */
export function createApprovalResponder(ctx: ApprovalResponderContext) {
  /** Requests this device answered, with the commitment it saw and the nonce it chose (memory only). */
  const answered = new Map<string, { commitment: string; nonce: string; code?: string }>();

  async function deny(id: string): Promise<void> {
    answered.delete(id);
    await ctx.api.deleteApproval(id);
  }

  async function list(): Promise<IncomingApproval[]> {
    const key = await ctx.load();
    if (!key?.transfer) return []; // nothing this device could hand over
    const approvals = await ctx.api.listApprovals();
    const live = new Set(approvals.map((a) => a.id));
    for (const id of answered.keys()) if (!live.has(id)) answered.delete(id);
    const out: IncomingApproval[] = [];
    for (const a of approvals) {
      if (a.state === 'created' && !answered.has(a.id)) {
        const nonce = ctx.crypto.responderNonce();
        try {
          await ctx.api.respondApproval(a.id, nonce);
        } catch {
          continue; // another device of the user answered first, or it just expired
        }
        answered.set(a.id, { commitment: a.commitment, nonce });
      }
      const mine = answered.get(a.id);
      if (!mine) continue;
      if (a.state === 'revealed' && mine.code === undefined) {
        try {
          if (!a.publicKey || !a.nonce) throw new Error('incomplete reveal');
          mine.code = await ctx.crypto.approvalCode({
            commitment: mine.commitment,
            publicKey: a.publicKey,
            nonce: a.nonce,
            responderNonce: mine.nonce,
          });
        } catch {
          await deny(a.id).catch(() => undefined); // not the key that was committed to: never approve
          continue;
        }
      }
      if (a.state === 'granted') continue;
      const publicKey = a.publicKey;
      out.push({
        id: a.id,
        code: mine.code ?? null,
        expiresAt: a.expiresAt,
        async approve() {
          if (mine.code === undefined || !publicKey) throw new KeyAccessError('denied');
          const current = await ctx.load();
          if (!current?.transfer) throw new KeyAccessError('cannot-back-up');
          const d = await ctx.crypto.openTransferCopy(
            current.transfer.key,
            current.transfer.sealed,
            ctx.identity,
            current.keyId,
          );
          try {
            const sealed = await ctx.crypto.sealKeyForDevice(d, publicKey, ctx.identity, a.id, current.keyId);
            await ctx.api.grantApproval(a.id, current.keyId, sealed);
          } finally {
            d.fill(0);
          }
          answered.delete(a.id);
        },
        deny: () => deny(a.id),
      });
    }
    return out;
  }

  return { list };
}
