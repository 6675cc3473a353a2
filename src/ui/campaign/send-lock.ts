/**
 * One sender per campaign on this device. Two Candor panes (two Outlook windows, or a pane and a
 * browser tab) restoring the same campaign would both send: the Web Locks API lets only one hold
 * the campaign, and the lock is released when that page goes away, however it goes.
 */
export interface SendLock {
  /** A release function, or null when another window holds the campaign. */
  acquire(campaignId: string): Promise<(() => void) | null>;
}

type Locks = Pick<LockManager, 'request'>;

export function webSendLock(locks: Locks | undefined = globalThis.navigator?.locks): SendLock {
  return {
    acquire(campaignId) {
      // Without Web Locks (very old hosts) there is nothing to coordinate with.
      if (!locks) return Promise.resolve(() => {});
      return new Promise((resolve, reject) => {
        locks
          .request(`candor-send-${campaignId}`, { ifAvailable: true }, (lock) => {
            if (!lock) {
              resolve(null);
              return undefined;
            }
            // Held until released (or the page closes).
            return new Promise<void>((release) => resolve(() => release()));
          })
          .catch(reject);
      });
    },
  };
}
