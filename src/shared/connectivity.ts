/**
 * The one owner of "is this device online?". The browser knows when it has no network at all
 * (`navigator.onLine` is false, and an `online` event fires when it comes back); it cannot promise that
 * Microsoft 365 is reachable when it says online. Domain code takes a Connectivity so tests can drive it.
 */
export interface Connectivity {
  /** False only when the host knows it is offline. True is a hope, not a promise. */
  isOnline(): boolean;
  /** Calls `listener` whenever the host reports that the connection is back. Returns an unsubscribe. */
  onOnline(listener: () => void): () => void;
}

/** For hosts that cannot tell: always "maybe online", never an event (waits rely on retries alone). */
export const assumeOnline: Connectivity = {
  isOnline: () => true,
  onOnline: () => () => undefined,
};

interface OnlineHost {
  navigator?: { onLine?: boolean };
  addEventListener(type: 'online', listener: () => void): void;
  removeEventListener(type: 'online', listener: () => void): void;
}

/** The browser's view: `navigator.onLine` and the window's `online` event. */
export function browserConnectivity(host: OnlineHost = globalThis as unknown as OnlineHost): Connectivity {
  return {
    isOnline: () => host.navigator?.onLine !== false,
    onOnline(listener) {
      host.addEventListener('online', listener);
      return () => host.removeEventListener('online', listener);
    },
  };
}
