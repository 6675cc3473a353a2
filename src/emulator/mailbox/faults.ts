import type { FaultKind, FaultSpec } from './types';

interface PendingFault {
  spec: FaultSpec;
  remaining: number;
}

const SEND_MAIL = /\/sendmail$/i;
const REPLY = /\/messages\/[^/]+\/reply$/i;

function matches(spec: FaultSpec, method: string, path: string): boolean {
  const match = spec.match ?? 'send';
  if (match === 'any') return true;
  if (match === 'send') return method === 'POST' && (SEND_MAIL.test(path) || REPLY.test(path));
  if (match === 'sendMail') return method === 'POST' && SEND_MAIL.test(path);
  if (match === 'reply') return method === 'POST' && REPLY.test(path);
  return (!match.method || match.method.toUpperCase() === method) && (!match.path || match.path.test(path));
}

/**
 * Faults queued for coming requests. Each request takes the first pending fault that matches it, in
 * the order they were injected, so a test (or a property test) can lay down any sequence.
 */
export class FaultQueue {
  #pending: PendingFault[] = [];

  add(spec: FaultSpec | FaultKind): void {
    const s = typeof spec === 'string' ? { kind: spec } : spec;
    this.#pending.push({ spec: s, remaining: Math.max(1, s.times ?? 1) });
  }

  take(method: string, path: string): FaultSpec | undefined {
    const i = this.#pending.findIndex((f) => matches(f.spec, method, path));
    if (i < 0) return undefined;
    const fault = this.#pending[i]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#pending.splice(i, 1);
    return fault.spec;
  }

  get pending(): number {
    return this.#pending.reduce((n, f) => n + f.remaining, 0);
  }

  clear(): void {
    this.#pending = [];
  }
}
