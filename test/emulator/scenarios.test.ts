/** Scenario switches of the emulator: expired-token answers, refused delta filters, page caps, late copies, clock offset. */
import { describe, expect, it } from 'vitest';
import { errorCode, setup, USER } from './harness';

const HOUR = 3_600_000;
const relative = (link: string) => link.replace(/^https:\/\/graph\.microsoft\.com\/v1\.0/, '');

describe('scenario switches', () => {
  it.each([
    ['gone-syncStateNotFound', 410, 'SyncStateNotFound'],
    ['gone-resyncRequired', 410, 'resyncRequired'],
    ['badRequest-syncStateNotFound', 400, 'syncStateNotFound'],
    ['badRequest-syncStateInvalid', 400, 'SyncStateInvalid'],
    ['notFound-invalidSyncStateData', 404, 'ErrorInvalidSyncStateData'],
  ] as const)('an expired delta token answered as %s: %i %s', async (answer, status, code) => {
    const { call, emulator } = await setup();
    const first = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject');
    emulator.expireDeltaTokens(USER.oid, answer);
    const res = await call('GET', relative(first.json['@odata.deltaLink'] as string));
    expect([res.status, errorCode(res.json)]).toEqual([status, code]);
    // 410 comes with a Location to restart from (delta-query-overview.md).
    expect(res.headers.get('location') !== null).toBe(status === 410);
  });

  it('by default an expired token is a 400 syncStateNotFound (not the easy 410), after 7 days', async () => {
    const { call, clock } = await setup();
    const first = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject');
    await clock.advance(7 * 24 * HOUR + 1);
    const res = await call('GET', relative(first.json['@odata.deltaLink'] as string));
    expect([res.status, errorCode(res.json)]).toEqual([400, 'syncStateNotFound']);
  });

  it('a skiptoken can expire in the middle of a first sync too', async () => {
    const { call, emulator } = await setup();
    emulator.fillFolder(USER.oid, 'inbox', 30);
    const first = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject');
    emulator.expireDeltaTokens(USER.oid);
    expect((await call('GET', relative(first.json['@odata.nextLink'] as string))).status).toBe(400);
  });

  it('deltaFilterRefused: any delta $filter is a 400, the same request without it works', async () => {
    const { call, emulator } = await setup({ deltaFilterRefused: true });
    const filtered = await call(
      'GET',
      '/me/mailFolders/inbox/messages/delta?$select=subject&$filter=receivedDateTime ge 2026-01-01T00:00:00Z',
    );
    expect([filtered.status, errorCode(filtered.json)]).toEqual([400, 'ErrorInvalidUrlQueryFilter']);
    expect((await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject')).status).toBe(200);
    emulator.configure({ deltaFilterRefused: false });
    expect(
      (
        await call(
          'GET',
          '/me/mailFolders/inbox/messages/delta?$select=subject&$filter=receivedDateTime ge 2026-01-01T00:00:00Z',
        )
      ).status,
    ).toBe(200);
  });

  it('Prefer: odata.maxpagesize is honoured up to maxDeltaPageSize, and says what it applied', async () => {
    const { call, emulator } = await setup({ maxDeltaPageSize: 100 });
    emulator.fillFolder(USER.oid, 'inbox', 250);
    const res = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject', {
      headers: { Prefer: 'odata.maxpagesize=1000' },
    });
    expect(res.json.value).toHaveLength(100);
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=100');
    const plain = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject');
    expect(plain.json.value).toHaveLength(10);
  });

  it("the Sent Items copy comes late by default, and Exchange's clock can differ from the client's", async () => {
    const { send, clock, emulator, call } = await setup({ exchangeClockOffsetMs: -4 * 60_000 });
    const clientNow = clock.now();
    await send('ana+silent@example.org', 'Late');
    await clock.advance(2000 + 89_999);
    expect(emulator.sentItems(USER.oid)).toHaveLength(0);
    await clock.advance(1);
    const [copy] = emulator.sentItems(USER.oid);
    // Exchange stamped it 4 minutes "before" the client sent it by its own clock.
    expect(Date.parse(copy!.sentDateTime)).toBe(clientNow - 4 * 60_000);
    const since = new Date(clientNow - 60_000).toISOString();
    const narrow = await call(
      'GET',
      `/me/mailFolders/sentitems/messages?$select=subject&$filter=sentDateTime ge ${since}`,
    );
    expect(narrow.json.value).toHaveLength(0);
    emulator.configure({ sentItemsDelayMs: 0, exchangeClockOffsetMs: 0 });
    await send('bo+silent@example.org', 'Prompt');
    await clock.advance(2000);
    expect(emulator.sentItems(USER.oid).map((m) => m.subject)).toEqual(['Prompt', 'Late']);
  });

  it('internet headers under Mail.ReadBasic switch at run time (the demo runs once with them omitted)', async () => {
    const { send, clock, emulator, call } = await setup();
    await send('ana+reply@example.org', 'Hi');
    await clock.advance(HOUR);
    const id = emulator.inbox(USER.oid)[0]!.id;
    const omitted = await call('GET', `/me/messages/${id}?$select=internetMessageHeaders`);
    expect(omitted.json.internetMessageHeaders).toBeUndefined();
    emulator.configure({ internetMessageHeadersUnderReadBasic: 'forbidden' });
    expect((await call('GET', `/me/messages/${id}?$select=internetMessageHeaders`)).status).toBe(403);
    emulator.configure({ internetMessageHeadersUnderReadBasic: 'returned' });
    const returned = await call('GET', `/me/messages/${id}?$select=internetMessageHeaders`);
    expect(returned.json.internetMessageHeaders).toBeDefined();
  });

  it('fills a 50,000-message folder quickly, with headers built only when read', async () => {
    const { emulator, call } = await setup();
    const started = performance.now();
    emulator.fillFolder(USER.oid, 'inbox', 50_000);
    const ms = performance.now() - started;
    // Generous bound for a loaded CI machine; about 2–5 s on a shared 2-core box.
    expect(ms).toBeLessThan(30_000);
    const folder = await call('GET', '/me/mailFolders/inbox');
    expect(folder.json.totalItemCount).toBe(50_000);
    expect(folder.json.unreadItemCount).toBe(5_000);
  }, 90_000);
});
