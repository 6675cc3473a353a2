import type { Connectivity } from '../../../src/shared/connectivity';

/** A device whose connection the test switches; going online fires the `online` event like a browser. */
export function manualConnectivity(
  online = true,
): Connectivity & { set(online: boolean): void; listeners: number } {
  const listeners = new Set<() => void>();
  return {
    isOnline: () => online,
    onOnline(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(next) {
      const cameBack = next && !online;
      online = next;
      if (cameBack) for (const l of [...listeners]) l();
    },
    get listeners() {
      return listeners.size;
    },
  };
}
