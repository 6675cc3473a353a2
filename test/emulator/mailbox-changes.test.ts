/** Messages that change after they arrived, as delta and reads see them. */
import { describe, expect, it } from 'vitest';
import { setup, USER } from './harness';

const HOUR = 3_600_000;
const relative = (link: string) => link.replace(/^https:\/\/graph\.microsoft\.com\/v1\.0/, '');

async function syncAll(call: Awaited<ReturnType<typeof setup>>['call'], first: string) {
  let res = await call('GET', first);
  const value = [...res.json.value!];
  while (res.json['@odata.nextLink']) {
    res = await call('GET', relative(res.json['@odata.nextLink'] as string));
    value.push(...res.json.value!);
  }
  return { value, deltaLink: relative(res.json['@odata.deltaLink'] as string) };
}

describe('changes after arrival', () => {
  it('a moved message gets a new id: the old one 404s, the old folder reports @removed, the new folder a new item', async () => {
    const { call, emulator, send, clock } = await setup();
    await send('ana+reply@example.org', 'Hi');
    await clock.advance(HOUR);
    const inbox = await syncAll(call, '/me/mailFolders/inbox/messages/delta?$select=subject');
    const archive = await syncAll(call, '/me/mailFolders/archive/messages/delta?$select=subject');
    expect(archive.value).toEqual([]);
    const oldId = inbox.value[0]!.id as string;
    const newId = emulator.act(USER.oid, oldId, { action: 'move', to: 'archive' })!;
    expect(newId).not.toBe(oldId);
    expect((await call('GET', `/me/messages/${oldId}?$select=subject`)).status).toBe(404);
    expect((await call('GET', `/me/messages/${newId}?$select=subject`)).json.subject).toBe('RE: Hi');
    const inboxRound = await call('GET', inbox.deltaLink);
    expect(inboxRound.json.value).toEqual([
      { '@odata.type': '#microsoft.graph.message', id: oldId, '@removed': { reason: 'deleted' } },
    ]);
    const archiveRound = await call('GET', archive.deltaLink);
    expect(archiveRound.json.value!.map((m) => [m.id, m.subject])).toEqual([[newId, 'RE: Hi']]);
  });

  it('delete moves to Deleted Items; purge removes for good; both leave an @removed behind', async () => {
    const { call, emulator } = await setup();
    emulator.fillFolder(USER.oid, 'inbox', 3);
    const inbox = await syncAll(call, '/me/mailFolders/inbox/messages/delta?$select=subject');
    const [a, b] = inbox.value.map((m) => m.id as string);
    emulator.act(USER.oid, a!, { action: 'delete' });
    emulator.act(USER.oid, b!, { action: 'purge' });
    const round = await call('GET', inbox.deltaLink);
    expect(round.json.value!.map((m) => m.id).sort()).toEqual([a, b].sort());
    expect(round.json.value!.every((m) => m['@removed'])).toBe(true);
    expect(emulator.folder(USER.oid, 'deleteditems')).toHaveLength(1);
    expect(emulator.inbox(USER.oid)).toHaveLength(1);
  });

  it('changeType=updated reports changes only; changeType=deleted removals only', async () => {
    const { call, emulator, send, clock } = await setup();
    emulator.fillFolder(USER.oid, 'inbox', 3, { readShare: 0 });
    const updated = await syncAll(
      call,
      '/me/mailFolders/inbox/messages/delta?$select=subject&changeType=updated',
    );
    const deleted = await syncAll(
      call,
      '/me/mailFolders/inbox/messages/delta?$select=subject&changeType=deleted',
    );
    expect(updated.value).toEqual([]);
    const ids = emulator.inbox(USER.oid).map((m) => m.id);
    emulator.act(USER.oid, ids[0]!, { action: 'read' });
    emulator.act(USER.oid, ids[1]!, { action: 'purge' });
    await send('ana+reply@example.org', 'New');
    await clock.advance(HOUR);
    const u = await call('GET', updated.deltaLink);
    expect(u.json.value!.map((m) => m.id)).toEqual([ids[0]]);
    const d = await call('GET', deleted.deltaLink);
    expect(d.json.value!.map((m) => [m.id, Boolean(m['@removed'])])).toEqual([[ids[1], true]]);
  });

  it('an action can be scheduled on the clock', async () => {
    const { emulator, clock } = await setup();
    emulator.fillFolder(USER.oid, 'inbox', 1, { readShare: 0 });
    const [m] = emulator.inbox(USER.oid);
    emulator.act(USER.oid, m!.id, { action: 'flag' }, { at: clock.now() + HOUR });
    expect(emulator.inbox(USER.oid)[0]!.flag.flagStatus).toBe('notFlagged');
    await clock.advance(HOUR);
    expect(emulator.inbox(USER.oid)[0]!.flag.flagStatus).toBe('flagged');
    expect(emulator.act(USER.oid, 'AAMkAGnope=', { action: 'read' })).toBeNull();
  });
});
