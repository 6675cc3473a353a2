import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ApiClient, ApiEvent } from '../../src/api/client';
import { ApiError } from '../../src/api/errors';
import { generateUserKey } from '../../src/crypto/keys';
import { createEventOpener } from '../../src/crypto/open-event';
import { openCandorDb } from '../../src/storage/db';
import { pullEvents, readEvents } from '../../src/storage/event-sync';
import { createEventSealer, importRecipientPublicKey } from '../../src/shared/sealed-event';

const me = { tid: 'tenant-1', oid: 'user-1' };

/** Pages like the backend: `next` is the cursor after the last row, or `after` when empty. */
class FakeEventsApi implements Pick<ApiClient, 'listEvents'> {
  rows: ApiEvent[] = [];
  calls: (string | null)[] = [];
  failAfterCalls = Infinity;
  /** Cursors the backend refuses as it does another user's or an outdated one. */
  refused = new Set<string>();
  async listEvents({ after = null, limit = 100 }: { after?: string | null; limit?: number } = {}) {
    this.calls.push(after);
    if (this.calls.length > this.failAfterCalls) throw new ApiError('network');
    if (after !== null && this.refused.has(after)) {
      throw new ApiError('invalid-request', { status: 400, code: 'invalid-cursor' });
    }
    const start = after === null ? 0 : Number(after);
    const events = this.rows.slice(start, start + limit);
    return { events, next: events.length ? String(start + events.length) : after };
  }
}

async function sealedRows(publicKey: string, n: number, from = 0): Promise<ApiEvent[]> {
  const sealer = await createEventSealer(await importRecipientPublicKey(publicKey));
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const eventId = `evt-${from + i}`;
      const sendId = `send-${(from + i) % 4}`;
      const at = 1_000 + from + i;
      return {
        eventId,
        sendId,
        kind: 'open' as const,
        verdict: 'human' as const,
        occurredAt: at,
        sealed: await sealer.seal(
          { kind: 'open', ...me, sendId, eventId },
          { ip: null, at, verdict: 'human' },
        ),
      };
    }),
  );
}

describe('event sync', () => {
  it('lists from the start when the backend refuses the stored cursor, without doubling rows', async () => {
    const db = await openCandorDb('event-sync-cursor-refused');
    const key = await generateUserKey(me, 0);
    const api = new FakeEventsApi();
    api.rows = await sealedRows(key.publicKey, 5);
    await pullEvents({ db, api, identity: me, pageSize: 10 });
    api.refused.add('5');
    api.rows.push(...(await sealedRows(key.publicKey, 2, 5)));
    api.calls = [];
    await pullEvents({ db, api, identity: me, pageSize: 10 });
    expect(api.calls).toEqual(['5', null]);
    expect(await db.count('events')).toBe(7);
    expect((await db.get('cursors', [me.tid, me.oid]))?.after).toBe('7');
  });

  it('pages through new events, stores them sealed, and resumes from the cursor', async () => {
    const db = await openCandorDb('event-sync-1');
    const key = await generateUserKey(me, 0);
    const api = new FakeEventsApi();
    api.rows = await sealedRows(key.publicKey, 25);
    expect(await pullEvents({ db, api, identity: me, pageSize: 10 })).toHaveLength(25);
    expect(api.calls).toEqual([null, '10', '20']);

    api.rows.push(...(await sealedRows(key.publicKey, 3, 25)));
    const added = await pullEvents({ db, api, identity: me, pageSize: 10 });
    expect(added.map((e) => e.eventId)).toEqual(['evt-25', 'evt-26', 'evt-27']);
    expect(api.calls.slice(3)).toEqual(['25']);

    const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
    const opened = await readEvents(db, me, opener);
    expect(opened).toHaveLength(28);
    expect(opened.every((o) => o.ok)).toBe(true);
    expect(opened.map((o) => o.eventId)).toEqual(api.rows.map((r) => r.eventId));
  });

  it('opens each row once per session when given a memo, and only new rows on the next read', async () => {
    const db = await openCandorDb('event-sync-memo');
    const key = await generateUserKey(me, 0);
    const api = new FakeEventsApi();
    api.rows = await sealedRows(key.publicKey, 5);
    await pullEvents({ db, api, identity: me, pageSize: 10 });
    const inner = createEventOpener({ identity: me, keyPair: key.keyPair });
    const openedIds: string[] = [];
    const opener = {
      open: (row: Parameters<typeof inner.open>[0]) => (openedIds.push(row.eventId), inner.open(row)),
    };
    const memo = new Map();
    const first = await readEvents(db, me, opener, memo);
    api.rows.push(...(await sealedRows(key.publicKey, 2, 5)));
    await pullEvents({ db, api, identity: me, pageSize: 10 });
    const second = await readEvents(db, me, opener, memo);
    expect(second.slice(0, 5)).toEqual(first);
    expect(second).toHaveLength(7);
    expect(second.every((o) => o.ok)).toBe(true);
    // 5 + 2 opens, not 5 + 7.
    expect(openedIds).toEqual([...first.map((o) => o.eventId), 'evt-5', 'evt-6']);
  });

  it('keeps what it stored when the connection drops mid-pull, and never stores opened data', async () => {
    const db = await openCandorDb('event-sync-2');
    const key = await generateUserKey(me, 0);
    const api = new FakeEventsApi();
    api.rows = await sealedRows(key.publicKey, 30);
    api.failAfterCalls = 2;
    await expect(pullEvents({ db, api, identity: me, pageSize: 10 })).rejects.toThrow(ApiError);
    expect(await db.count('events')).toBe(20);
    api.failAfterCalls = Infinity;
    await pullEvents({ db, api, identity: me, pageSize: 10 });
    expect(await db.count('events')).toBe(30);
    expect(api.calls.at(-2)).toBe('20');
    const stored = await db.getAll('events');
    expect(stored.every((e) => e.sealed instanceof Uint8Array && !('payload' in e))).toBe(true);
  });
});
