import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { openCandorDb, wipeAll } from '../../src/storage/db';
import { replyCursorStore } from '../../src/storage/reply-cursors';

const ME = { tid: 't1', oid: 'o1' };

describe('reply cursors', () => {
  it('keeps a delta link per user and folder, and disconnect wipes them', async () => {
    const db = await openCandorDb('cursors-test');
    const mine = replyCursorStore(db, ME);
    const theirs = replyCursorStore(db, { tid: 't1', oid: 'o2' });
    await mine.save('inbox', { deltaLink: 'https://graph/delta?1', since: '2026-01-05T08:45:00.000Z' });
    await mine.save('junkemail', { deltaLink: 'https://graph/delta?2', since: '2026-01-05T08:45:00.000Z' });
    expect(await mine.load('inbox')).toEqual({
      deltaLink: 'https://graph/delta?1',
      since: '2026-01-05T08:45:00.000Z',
    });
    expect(await theirs.load('inbox')).toBeNull();
    await wipeAll(db);
    expect(await mine.load('junkemail')).toBeNull();
    db.close();
  });

  it('upgrades a version-1 database in place, keeping what it held', async () => {
    const old = await openDB('upgrade-test', 1, {
      upgrade(db) {
        db.createObjectStore('keys', { keyPath: ['tid', 'oid'] });
        db.createObjectStore('snapshots', { keyPath: ['tid', 'oid', 'campaignId'] }).createIndex('byUser', [
          'tid',
          'oid',
        ]);
        db.createObjectStore('events', { keyPath: ['tid', 'oid', 'eventId'] }).createIndex('byUser', [
          'tid',
          'oid',
        ]);
        db.createObjectStore('cursors', { keyPath: ['tid', 'oid'] });
      },
    });
    await old.put('cursors', { ...ME, after: 'abc' });
    old.close();
    const db = await openCandorDb('upgrade-test');
    expect(await db.get('cursors', ['t1', 'o1'])).toEqual({ ...ME, after: 'abc' });
    await replyCursorStore(db, ME).save('inbox', { deltaLink: 'x', since: 'y' });
    expect(await replyCursorStore(db, ME).load('inbox')).toEqual({ deltaLink: 'x', since: 'y' });
    db.close();
  });
});
