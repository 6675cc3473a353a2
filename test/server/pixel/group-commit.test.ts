import { describe, expect, it } from 'vitest';
import { GroupCommitWriter } from '../../../src/server/pixel/group-commit';
import type { EventRow } from '../../../src/server/store/store';

const row = (n: number): EventRow => ({
  tid: 't',
  oid: 'o',
  sendId: 's',
  eventId: String(n),
  kind: 'open',
  verdict: 'human',
  occurredAt: n,
  sealed: new Uint8Array([n]),
});

function gatedStore() {
  const batches: EventRow[][] = [];
  const waiting: Array<() => void> = [];
  return {
    batches,
    /** Flushes handed to the store and not yet released. */
    get open() {
      return waiting.length;
    },
    store: {
      appendEvents: async (rows: readonly EventRow[]) => {
        batches.push([...rows]);
        await new Promise<void>((r) => waiting.push(r));
        return { inserted: rows.length };
      },
    },
    /** Commits the oldest open flush. */
    release: () => waiting.shift()?.(),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('group commit writer', () => {
  it('writes everything appended in one turn as one transaction', async () => {
    const g = gatedStore();
    const w = new GroupCommitWriter(g.store);
    const done = Array.from({ length: 25 }, (_, i) => w.append(row(i)));
    await tick();
    expect(g.batches.map((b) => b.length)).toEqual([25]);
    g.release();
    await Promise.all(done);
    expect(w.stats).toMatchObject({ committed: 25, flushes: 1, pending: 0 });
  });

  it('applies backpressure when full instead of dropping or growing', async () => {
    const g = gatedStore();
    const w = new GroupCommitWriter(g.store, { maxBatch: 2, capacity: 4 });
    const settled: number[] = [];
    const all = Array.from({ length: 7 }, (_, i) => w.append(row(i)).then(() => settled.push(i)));
    await tick();
    await tick();
    // 4 in flight (two flushes of 2), 3 waiting for space; nothing committed, nothing dropped.
    expect(w.stats).toMatchObject({ pending: 4, waitingForSpace: 3, committed: 0 });
    expect(g.open).toBe(2);
    for (let i = 0; i < 6 && settled.length < 7; i++) {
      g.release();
      await tick();
      await tick();
    }
    await Promise.all(all);
    expect(
      g.batches
        .flat()
        .map((r) => r.eventId)
        .sort(),
    ).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(Math.max(...g.batches.map((b) => b.length))).toBeLessThanOrEqual(2);
  });

  it('keeps the store busy: starts the next flush while one commits, up to the limit', async () => {
    const g = gatedStore();
    const w = new GroupCommitWriter(g.store, { maxBatch: 1, maxFlushesInFlight: 3 });
    const done = Array.from({ length: 5 }, (_, i) => w.append(row(i)));
    await tick();
    expect(g.open).toBe(3);
    expect(w.stats).toMatchObject({ pending: 5, committed: 0 });
    g.release();
    await tick();
    await tick();
    // One committed, its place taken by the next: still 3 open, one left waiting.
    expect(w.stats.committed).toBe(1);
    expect(g.open).toBe(3);
    while (g.open > 0) {
      g.release();
      await tick();
      await tick();
    }
    await Promise.all(done);
    expect(w.stats).toMatchObject({ committed: 5, flushes: 5, pending: 0 });
  });

  it('rejects every append of a failed transaction and carries on with the next', async () => {
    let fail = true;
    const w = new GroupCommitWriter({
      appendEvents: async (rows) => {
        if (fail) throw new Error('io');
        return { inserted: rows.length };
      },
    });
    const a = Promise.allSettled([w.append(row(1)), w.append(row(2))]);
    expect((await a).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(w.append(row(3))).resolves.toBeUndefined();
    expect(w.stats).toMatchObject({ committed: 1, failed: 2 });
  });

  it('close flushes what is buffered, then refuses new appends', async () => {
    const seen: string[] = [];
    const w = new GroupCommitWriter(
      { appendEvents: async (rows) => (seen.push(...rows.map((r) => r.eventId)), { inserted: rows.length }) },
      { maxDelayMs: 10_000 },
    );
    const p = w.append(row(1));
    await w.close();
    await p;
    expect(seen).toEqual(['1']);
    await expect(w.append(row(2))).rejects.toThrow(/closed/);
  });
});
