import { describe, expect, it } from 'vitest';
import { replySyncChannel, type AttachableReplySync } from '../../../src/ui/campaign/reply-sync-channel';
import { ManualClock } from '../../../src/shared/clock';

/** A reply sync that completes when told to, and records when each run started. */
function fakeSync(clock: ManualClock) {
  const listeners = new Set<() => void>();
  const starts: number[] = [];
  let syncedAt: number | null = null;
  let finish: (() => void) | null = null;
  const source: AttachableReplySync = {
    sync() {
      const at = clock.now();
      starts.push(at);
      return new Promise<void>((resolve) => {
        finish = () => {
          syncedAt = at;
          for (const l of listeners) l();
          resolve();
        };
      });
    },
    subscribe(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    syncedAt: () => syncedAt,
  };
  return {
    source,
    starts,
    complete: async () => {
      const f = finish;
      finish = null;
      f?.();
      await clock.advance(0);
    },
  };
}

describe('the reply-sync channel between send engines and reply sync', () => {
  it('runs a requested sync once attached, and tells its subscribers when it completed', async () => {
    const clock = new ManualClock();
    const channel = replySyncChannel(clock, 60_000);
    let heard = 0;
    channel.subscribe(() => heard++);
    channel.request();
    expect(channel.syncedAt()).toBeNull();
    const sync = fakeSync(clock);
    channel.attach(sync.source);
    expect(sync.starts).toEqual([clock.now()]);
    await sync.complete();
    expect(heard).toBe(1);
    expect(channel.syncedAt()).toBe(sync.starts[0]);
  });

  it('joins requests made during a run, and runs at most once per gap after it', async () => {
    const clock = new ManualClock();
    const channel = replySyncChannel(clock, 60_000);
    const sync = fakeSync(clock);
    channel.attach(sync.source);
    const t0 = clock.now();
    channel.request();
    channel.request();
    expect(sync.starts).toEqual([t0]);
    // A request while the first run is going: one more run, but only a full gap after the first began.
    await clock.advance(5_000);
    channel.request();
    channel.request();
    await sync.complete();
    expect(sync.starts).toEqual([t0]);
    await clock.advance(54_999);
    expect(sync.starts).toEqual([t0]);
    await clock.advance(1);
    expect(sync.starts).toEqual([t0, t0 + 60_000]);
    await sync.complete();
    // Nobody asked since: no further run, however long it stays quiet.
    await clock.advance(10 * 60_000);
    expect(sync.starts).toHaveLength(2);
  });

  it('stops driving a source once detached', async () => {
    const clock = new ManualClock();
    const channel = replySyncChannel(clock, 0);
    const sync = fakeSync(clock);
    const detach = channel.attach(sync.source);
    detach();
    channel.request();
    expect(sync.starts).toEqual([]);
    expect(channel.syncedAt()).toBeNull();
  });
});
