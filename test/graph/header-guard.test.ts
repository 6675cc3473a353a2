import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { assertHeaderOnly, createGraph, HeaderOnlyViolation } from '../../src/graph';
import { fakeFetch, json } from './fake-fetch';

const BASE = 'https://graph.microsoft.com/v1.0';

describe('assertHeaderOnly', () => {
  it.each([
    '/me/messages?$select=subject,body',
    '/me/messages?$select=subject,bodyPreview',
    '/me/messages?$select=UNIQUEBODY',
    '/me/mailFolders/inbox/messages/delta?$select=id&$expand=attachments',
    "/me/messages?$select=id&$expand=singleValueExtendedProperties($filter=id eq 'String 0x1035')",
    '/me/messages?$select=id&$expand=multiValueExtendedProperties',
    '/me/messages?$select=id&$expand=extensions',
    "/me/messages?$select=id&$filter=contains(body/content,'salary')",
    '/me/messages?$select=id&$orderby=bodyPreview',
    '/me/messages/AAMk=/$value',
    '/me/messages/AAMk=/%24value',
    '/me/messages/AAMk=/attachments',
    '/me/messages/AAMk=/attachments/1/$value',
    '/me/messages?$select=%62ody',
    '/me/messages',
    '/me/mailFolders/inbox/messages?$top=5',
    '/me/messages?$select=*',
    '/me/messages?$SELECT=subject,Body',
  ])('refuses %s', (path) => {
    expect(() => assertHeaderOnly(`${BASE}${path}`, 'GET')).toThrow(HeaderOnlyViolation);
  });

  it.each([
    '/me?$select=id,displayName,mail,userPrincipalName',
    '/me/mailFolders/sentitems/messages?$select=id,subject,toRecipients&$filter=sentDateTime ge 2026-01-01T00:00:00Z',
    "/me/messages?$select=id,subject&$filter=subject eq 'body language'",
    '/me/mailFolders/inbox/messages/delta?$deltatoken=abc',
    '/me/mailFolders/inbox/messages/delta?$skiptoken=abc',
    '/me/messages/AAMk=?$select=internetMessageHeaders',
  ])('allows %s', (path) => {
    expect(() => assertHeaderOnly(`${BASE}${path}`, 'GET')).not.toThrow();
  });

  it('allows sending a message (a POST body is ours to write)', () => {
    expect(() =>
      assertHeaderOnly(`${BASE}/me/sendMail`, 'POST', JSON.stringify({ message: { body: {} } })),
    ).not.toThrow();
  });

  it('names what it refused in a clear message', () => {
    expect(() => assertHeaderOnly(`${BASE}/me/messages?$select=subject,body`, 'GET')).toThrow(
      /"body" in \$select would read message content\. Candor reads message headers only/,
    );
  });

  it('inspects every request inside a $batch body', () => {
    const batch = (url: string) =>
      JSON.stringify({
        requests: [
          { id: '1', method: 'GET', url: '/me?$select=id' },
          { id: '2', method: 'GET', url },
        ],
      });
    expect(() => assertHeaderOnly(`${BASE}/$batch`, 'POST', batch('/me/messages?$select=id,body'))).toThrow(
      HeaderOnlyViolation,
    );
    expect(() => assertHeaderOnly(`${BASE}/$batch`, 'POST', batch('/me/messages/x/$value'))).toThrow(
      HeaderOnlyViolation,
    );
    expect(() => assertHeaderOnly(`${BASE}/$batch`, 'POST', batch('me/messages'))).toThrow(
      HeaderOnlyViolation,
    );
    expect(() =>
      assertHeaderOnly(`${BASE}/$batch`, 'POST', batch('/me/messages?$select=id,subject')),
    ).not.toThrow();
    expect(() => assertHeaderOnly(`${BASE}/$batch`, 'POST', '{not json')).toThrow(HeaderOnlyViolation);
  });
});

describe('the guard inside the Graph client', () => {
  it('stops a forbidden request before a token is asked for or a byte is sent', async () => {
    const fake = fakeFetch(() => json(200, {}));
    let tokens = 0;
    const graph = createGraph({
      getAccessToken: async () => {
        tokens++;
        return 't';
      },
      fetch: fake.fetch,
      clock: new ManualClock(),
    });
    // A stored deltaLink is followed verbatim, so a tampered one is the one way a caller can steer a URL.
    const tampered = `${BASE}/me/mailFolders/inbox/messages/delta?$select=id,body`;
    await expect(graph.mailFolderDelta('inbox', { deltaLink: tampered })).rejects.toThrow(
      HeaderOnlyViolation,
    );
    await expect(graph.getInternetHeaders('AAMk=/$value')).rejects.toThrow(HeaderOnlyViolation);
    expect(fake.calls).toHaveLength(0);
    expect(tokens).toBe(0);
  });
});

describe('malformed paths', () => {
  it('refuses a path it cannot decode rather than letting it through', () => {
    expect(() => assertHeaderOnly(`${BASE}/me/messages/%E0%A4%A/x?$select=id`, 'GET')).toThrow(
      HeaderOnlyViolation,
    );
  });
});
