import { describe, expect, it } from 'vitest';
import { errorCode, setup, USER } from './harness';

const HOUR = 3_600_000;

describe('listing and reading messages', () => {
  it('finds our sent copy by sentDateTime and keeps conversationId, paging with @odata.nextLink', async () => {
    const { send, call, clock } = await setup();
    for (let i = 0; i < 12; i++)
      expect((await send(`p${i}+silent@example.org`, `Hello ${i}`)).status).toBe(202);
    await clock.advance(100_000);
    const since = '2026-01-05T08:59:00Z';
    const first = await call(
      'GET',
      `/me/mailFolders('sentitems')/messages?$filter=sentDateTime ge ${since}&$orderby=sentDateTime desc&$select=id,subject,toRecipients,sentDateTime,conversationId,internetMessageId&$top=5`,
    );
    expect(first.status).toBe(200);
    expect(first.json.value).toHaveLength(5);
    expect(Object.keys(first.json.value![0]!).sort()).toEqual(
      [
        '@odata.etag',
        'conversationId',
        'id',
        'internetMessageId',
        'sentDateTime',
        'subject',
        'toRecipients',
      ].sort(),
    );
    const seen = new Set(first.json.value!.map((m) => m.id));
    let next = first.json['@odata.nextLink'] as string | undefined;
    expect(next).toContain('$skip=5');
    while (next) {
      const url = new URL(next);
      const page = await call('GET', url.pathname.replace('/v1.0', '') + url.search);
      for (const m of page.json.value!) seen.add(m.id);
      next = page.json['@odata.nextLink'] as string | undefined;
    }
    expect(seen.size).toBe(12);
  });

  it('rejects $filter on toRecipients (ErrorInvalidUrlQueryFilter) and conversationId with $orderby (InefficientFilter)', async () => {
    const { call } = await setup();
    const recipients = await call(
      'GET',
      `/me/mailFolders/sentitems/messages?$filter=toRecipients/any(r:r/emailAddress/address eq 'a@b.org')`,
    );
    expect(recipients.status).toBe(400);
    expect(errorCode(recipients.json)).toBe('ErrorInvalidUrlQueryFilter');
    const order = await call(
      'GET',
      `/me/messages?$filter=conversationId eq 'AAQk'&$orderby=receivedDateTime desc`,
    );
    expect(order.status).toBe(400);
    expect(errorCode(order.json)).toBe('InefficientFilter');
    const unknown = await call('GET', `/me/messages?$select=subjekt`);
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown.json)).toBe('RequestBroker--ParseUri');
    const top = await call('GET', `/me/messages?$top=1001`);
    expect(top.status).toBe(400);
  });

  it('finds a reply by conversationId and filters the Inbox by receivedDateTime', async () => {
    const { send, call, clock, emulator } = await setup({ ambientMailEveryMs: 2 * HOUR });
    await send('ana+reply@example.org', 'Role at Contoso');
    await clock.advance(HOUR);
    const copy = emulator.sentItems(USER.oid)[0]!;
    const thread = await call(
      'GET',
      `/me/messages?$filter=conversationId eq '${copy.conversationId}'&$select=subject,from,receivedDateTime`,
    );
    expect(thread.json.value!.map((m) => m.subject).sort()).toEqual([
      'RE: Role at Contoso',
      'Role at Contoso',
    ]);
    const recent = await call(
      'GET',
      `/me/mailFolders/inbox/messages?$filter=receivedDateTime ge 2026-01-05T09:00:00Z&$select=subject`,
    );
    expect(recent.json.value!.map((m) => m.subject)).toEqual(['RE: Role at Contoso']);
  });

  it('gets one message with $select=internetMessageHeaders, and 404s an unknown id', async () => {
    const { send, call, clock, emulator } = await setup({ internetMessageHeadersUnderReadBasic: 'returned' });
    await send('ana+reply@example.org', 'Hi');
    await clock.advance(HOUR);
    const reply = emulator.inbox(USER.oid)[0]!;
    const res = await call('GET', `/me/messages/${reply.id}?$select=internetMessageHeaders`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual([
      '@odata.context',
      '@odata.etag',
      'id',
      'internetMessageHeaders',
    ]);
    const missing = await call('GET', `/me/messages/AAMkAGnope=`);
    expect(missing.status).toBe(404);
    expect(errorCode(missing.json)).toBe('ErrorItemNotFound');
  });
});

describe('scopes', () => {
  it('Mail.ReadBasic: no body fields by default; asking for them, $value or $search is refused', async () => {
    const { send, call, clock, tokenWith, emulator } = await setup();
    await send('ana+reply@example.org', 'Hi');
    await clock.advance(HOUR);
    const basic = await tokenWith(['User.Read', 'Mail.ReadBasic']);
    const list = await call('GET', '/me/messages', { token: basic });
    expect(list.status).toBe(200);
    for (const m of list.json.value!) {
      expect(m).not.toHaveProperty('body');
      expect(m).not.toHaveProperty('bodyPreview');
      expect(m).toHaveProperty('subject');
    }
    const id = emulator.inbox(USER.oid)[0]!.id;
    for (const path of [
      '/me/messages?$select=subject,body',
      '/me/messages?$select=bodyPreview',
      '/me/mailFolders/inbox/messages?$select=uniqueBody',
      '/me/mailFolders/inbox/messages/delta?$select=subject,body',
      `/me/messages/${id}?$select=singleValueExtendedProperties`,
      `/me/messages/${id}?$expand=attachments`,
      `/me/messages/${id}/attachments`,
      `/me/messages/${id}/$value`,
      '/me/messages?$search="pizza"',
    ]) {
      const res = await call('GET', path, { token: basic });
      expect({ path, status: res.status, code: errorCode(res.json) }).toEqual({
        path,
        status: 403,
        code: 'ErrorAccessDenied',
      });
    }
    const full = await call('GET', '/me/messages?$select=subject,body', {
      token: await tokenWith(['Mail.Read']),
    });
    expect(full.status).toBe(200);
    expect(full.json.value![0]).toHaveProperty('body');
  });

  it('internetMessageHeaders under Mail.ReadBasic can be returned, omitted or forbidden (undocumented)', async () => {
    const outcomes: Record<string, { status: number; hasHeaders: boolean }> = {};
    for (const mode of ['returned', 'omitted', 'forbidden'] as const) {
      const { send, call, clock, emulator } = await setup({ internetMessageHeadersUnderReadBasic: mode });
      await send('ana+reply@example.org', 'Hi');
      await clock.advance(HOUR);
      const id = emulator.inbox(USER.oid)[0]!.id;
      const res = await call('GET', `/me/messages/${id}?$select=subject,internetMessageHeaders`);
      outcomes[mode] = { status: res.status, hasHeaders: Array.isArray(res.json.internetMessageHeaders) };
    }
    expect(outcomes).toEqual({
      returned: { status: 200, hasHeaders: true },
      omitted: { status: 200, hasHeaders: false },
      forbidden: { status: 403, hasHeaders: false },
    });
  });

  it('401 InvalidAuthenticationToken for a missing, forged or expired token; 403 without User.Read for /me', async () => {
    const { call, clock, tokenWith, token } = await setup();
    const none = await call('GET', '/me', { token: null });
    expect(none.status).toBe(401);
    expect(errorCode(none.json)).toBe('InvalidAuthenticationToken');
    // The request-id header names the same request as the error body.
    expect((none.json.error as { innerError: Record<string, string> }).innerError['request-id']).toBe(
      none.headers.get('request-id'),
    );
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const forged = await call('GET', '/me', { token: token.slice(0, -4) + 'AAAA' });
    expect(forged.status).toBe(401);
    const noUserRead = await call('GET', '/me', { token: await tokenWith(['Mail.Send']) });
    expect(noUserRead.status).toBe(403);
    expect(errorCode(noUserRead.json)).toBe('Authorization_RequestDenied');
    await clock.advance(2 * HOUR);
    const expired = await call('GET', '/me', { token });
    expect(expired.status).toBe(401);
    expect((expired.json.error as { message: string }).message).toMatch(/expired/);
  });

  it('refuses a token for another audience', async () => {
    const { call, issuer } = await setup();
    const apiToken = await issuer.mintApiToken({
      ...USER,
      audience: 'api-client-id',
      azp: 'addin',
      scopes: ['access_as_user'],
    });
    const res = await call('GET', '/me', { token: apiToken });
    expect(res.status).toBe(401);
    expect((res.json.error as { message: string }).message).toMatch(/audience/i);
  });

  it("/users/{own id or UPN} is /me; another user's mailbox is out of reach of a delegated token", async () => {
    const { call } = await setup();
    expect((await call('GET', `/users/${USER.oid}/messages?$select=subject`)).status).toBe(200);
    expect((await call('GET', `/users/${USER.userPrincipalName}`)).json.id).toBe(USER.oid);
    const other = await call('GET', '/users/someone.else@contoso.com/messages');
    expect(other.status).toBe(403);
    expect(errorCode(other.json)).toBe('ErrorAccessDenied');
  });

  it('GET /me returns the user with Graph property names and honours $select', async () => {
    const { call } = await setup();
    const me = await call('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      id: USER.oid,
      displayName: USER.displayName,
      mail: USER.mail,
      userPrincipalName: USER.userPrincipalName,
    });
    const some = await call('GET', '/me?$select=displayName,mail');
    expect(
      Object.keys(some.json)
        .filter((k) => !k.startsWith('@'))
        .sort(),
    ).toEqual(['displayName', 'id', 'mail']);
  });
});
