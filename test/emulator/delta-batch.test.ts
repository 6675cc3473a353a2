import { describe, expect, it } from 'vitest';
import { errorCode, setup, USER } from './harness';

const HOUR = 3_600_000;

function relative(link: string): string {
  const url = new URL(link);
  return url.pathname.replace(/^\/v1\.0/, '') + url.search;
}

describe('Inbox delta', () => {
  it('pages with nextLink, ends with a deltaLink, and the next round returns only new mail', async () => {
    const { send, call, clock, emulator } = await setup({ ambientMailEveryMs: HOUR });
    const initial = emulator.inbox(USER.oid).length;
    let link: string | undefined =
      '/me/mailFolders/inbox/messages/delta?$select=subject,from,receivedDateTime,conversationId';
    const got: string[] = [];
    let deltaLink: string | undefined;
    while (link) {
      const page = await call('GET', link, { headers: { Prefer: 'odata.maxpagesize=2' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
      expect(page.json.value!.length).toBeLessThanOrEqual(2);
      for (const m of page.json.value!) {
        expect(m['@odata.type']).toBe('#microsoft.graph.message');
        expect(m).not.toHaveProperty('body');
        got.push(m.id as string);
      }
      const next = page.json['@odata.nextLink'] as string | undefined;
      deltaLink = page.json['@odata.deltaLink'] as string | undefined;
      expect(next === undefined || deltaLink === undefined).toBe(true);
      link = next ? relative(next) : undefined;
    }
    expect(got).toHaveLength(initial);
    expect(deltaLink).toMatch(/\$deltatoken=/);

    await send('ana+reply@example.org', 'Role');
    await clock.advance(45 * 60_000);
    const round = await call('GET', relative(deltaLink!));
    expect(round.json.value!.map((m) => m.subject)).toEqual(['RE: Role']);
    expect(new Set(got).has(round.json.value![0]!.id as string)).toBe(false);
  });

  it('an unknown or expired delta token answers 410 SyncStateNotFound when so configured', async () => {
    const { call, clock, emulator } = await setup({
      deltaTokenLifetimeMs: HOUR,
      expiredDeltaAnswer: 'gone-syncStateNotFound',
    });
    const first = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject');
    const deltaLink = relative(first.json['@odata.deltaLink'] as string);
    const bogus = await call('GET', '/me/mailFolders/inbox/messages/delta?$deltatoken=nope');
    expect(bogus.status).toBe(410);
    expect(errorCode(bogus.json)?.toLowerCase()).toBe('syncstatenotfound');
    await clock.advance(2 * HOUR);
    expect((await call('GET', deltaLink)).status).toBe(410);
    const again = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject');
    emulator.expireDeltaTokens(USER.oid);
    expect((await call('GET', relative(again.json['@odata.deltaLink'] as string))).status).toBe(410);
  });

  it('allows only receivedDateTime ge|gt in a delta $filter', async () => {
    const { call } = await setup();
    expect(
      (
        await call(
          'GET',
          '/me/mailFolders/inbox/messages/delta?$filter=receivedDateTime ge 2026-01-01T00:00:00Z',
        )
      ).status,
    ).toBe(200);
    const bad = await call('GET', "/me/mailFolders/inbox/messages/delta?$filter=subject eq 'x'");
    expect(bad.status).toBe(400);
  });
});

describe('$batch', () => {
  it('answers each request with its own status, headers and body; 202 for sendMail inside', async () => {
    const { call, clock, emulator } = await setup();
    const res = await call('POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/me?$select=displayName' },
          {
            id: '2',
            method: 'POST',
            url: '/me/sendMail',
            headers: { 'Content-Type': 'application/json' },
            body: {
              message: {
                subject: 'In a batch',
                toRecipients: [{ emailAddress: { address: 'x+silent@example.org' } }],
              },
            },
          },
          { id: '3', method: 'GET', url: 'me/messages?$select=body', headers: {} },
        ],
      },
    });
    expect(res.status).toBe(200);
    const responses = res.json.responses as {
      id: string;
      status: number;
      headers: Record<string, string>;
      body?: unknown;
    }[];
    const byId = new Map(responses.map((r) => [r.id, r]));
    expect(byId.get('1')!.status).toBe(200);
    expect((byId.get('1')!.body as { displayName: string }).displayName).toBe(USER.displayName);
    expect(byId.get('2')!.status).toBe(202);
    // The default scopes hold Mail.ReadBasic only: a body is refused inside a batch as outside.
    expect(byId.get('3')!.status).toBe(403);
    expect(errorCode(byId.get('3')!.body)).toBe('ErrorAccessDenied');
    await clock.advance(95_000);
    expect(emulator.sentItems(USER.oid).map((m) => m.subject)).toEqual(['In a batch']);
    expect(emulator.requestLog.filter((e) => e.inBatch)).toHaveLength(3);
  });

  it('inner requests keep their permission rules; a failed dependency yields 424', async () => {
    const { call, tokenWith } = await setup();
    const res = await call('POST', '/$batch', {
      token: await tokenWith(['User.Read', 'Mail.ReadBasic']),
      body: {
        requests: [
          { id: 'a', method: 'GET', url: '/me/messages?$select=body' },
          { id: 'b', method: 'GET', url: '/me', dependsOn: ['a'] },
        ],
      },
    });
    const responses = res.json.responses as { id: string; status: number; body?: unknown }[];
    expect(responses.find((r) => r.id === 'a')!.status).toBe(403);
    expect(errorCode(responses.find((r) => r.id === 'a')!.body)).toBe('ErrorAccessDenied');
    expect(responses.find((r) => r.id === 'b')!.status).toBe(424);
  });

  it('evaluates each inner request against the throttling limits, with Retry-After in its JSON headers', async () => {
    const { call } = await setup({ limits: { requestsPerWindow: 2 } });
    const requests = Array.from({ length: 4 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: '/me',
      dependsOn: i ? [String(i)] : undefined,
    }));
    const res = await call('POST', '/$batch', { body: { requests } });
    expect(res.status).toBe(200);
    const responses = res.json.responses as { status: number; headers: Record<string, string> }[];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429, 424]);
    expect(Number(responses[2]!.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('refuses more than 20 requests and duplicate ids with 400', async () => {
    const { call } = await setup();
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' }));
    expect((await call('POST', '/$batch', { body: { requests: many } })).status).toBe(400);
    expect((await call('POST', '/$batch', { body: { requests: many.slice(0, 20) } })).status).toBe(200);
    const dup = [
      { id: 'A', method: 'GET', url: '/me' },
      { id: 'a', method: 'GET', url: '/me' },
    ];
    expect((await call('POST', '/$batch', { body: { requests: dup } })).status).toBe(400);
  });
});
