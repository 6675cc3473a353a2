/**
 * Abort handling that does not depend on the callee honouring the signal. In Node, a
 * `new Request(input, { signal })` follows `signal` only through a weak reference: if the Request is
 * garbage-collected while its promise hangs, aborting `signal` reaches nothing and an `await` on that
 * promise never settles. Whoever owns a timeout or a caller's signal races the work against it here.
 */

/** The signal's reason, or the standard AbortError when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * `work`'s result, or a rejection with the signal's reason as soon as the signal aborts, whether or
 * not `work` itself reacts to the abort. A late result or error of `work` is then ignored.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The caller's signal of a fetch-shaped call: `init.signal` wins over the Request's own. */
export function signalOf(input: RequestInfo | URL, init?: RequestInit): AbortSignal | undefined {
  return init?.signal ?? (input instanceof Request ? input.signal : undefined);
}
