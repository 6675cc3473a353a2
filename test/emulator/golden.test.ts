import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceAvailable, referencePath } from '../support/reference';
import { errorCode, setup, USER } from './harness';

interface Example {
  request: { method: string | null; url: string | null; headers: Record<string, string>; body: unknown };
  response: { status: number | null; headers: Record<string, string>; body: unknown };
}

function example(name: string): Example {
  return JSON.parse(readFileSync(referencePath('graph', 'examples', `${name}.json`), 'utf8')) as Example;
}

/** The documented URL as a path after /v1.0 (examples write it unencoded, with spaces and quotes). */
function pathOf(url: string): string {
  return url.replace(/^https:\/\/graph\.microsoft\.com\/v1\.0/, '');
}

/**
 * Where our JSON differs in shape from the documented JSON: a documented key we lack, or a value of
 * another JSON type. Documented responses are marked truncated, so extra keys of ours are allowed here
 * (the CSDL conformance test checks those).
 */
function shapeProblems(documented: unknown, ours: unknown, path = '$'): string[] {
  if (documented === null) return [];
  if (Array.isArray(documented)) {
    if (!Array.isArray(ours)) return [`${path}: expected an array`];
    if (documented.length === 0 || ours.length === 0) return [];
    return shapeProblems(documented[0], ours[0], `${path}[0]`);
  }
  if (typeof documented === 'object') {
    if (typeof ours !== 'object' || ours === null || Array.isArray(ours))
      return [`${path}: expected an object`];
    return Object.entries(documented as Record<string, unknown>).flatMap(([k, v]) =>
      k in (ours as Record<string, unknown>)
        ? shapeProblems(v, (ours as Record<string, unknown>)[k], `${path}.${k}`)
        : [`${path}.${k}: missing`],
    );
  }
  return typeof documented === typeof ours
    ? []
    : [`${path}: ${typeof ours} where the docs have ${typeof documented}`];
}

const keys = (o: unknown) => Object.keys(o as object).sort();
const valueKeys = (o: unknown) => keys(o).filter((k) => !k.startsWith('@odata.context'));

/** A mailbox with replies, sent mail and a message titled as in the query-parameters examples. */
async function withMail() {
  const env = await setup({
    ambientMailEveryMs: 3_600_000,
    internetMessageHeadersUnderReadBasic: 'returned',
  });
  await env.send('ana+reply@example.org', 'Role at Contoso');
  await env.send('bo+silent@example.org', "let's meet for lunch?");
  await env.send('cy+silent@example.org', 'welcome');
  await env.clock.advance(2 * 3_600_000);
  const full = await env.tokenWith(['User.Read', 'Mail.Read', 'Mail.Send']);
  return { ...env, full };
}

describe.skipIf(!referenceAvailable)(
  'golden shapes: the documented Graph examples replayed against the emulator',
  () => {
    it('user-sendmail 1–4: 202 with no body (JSON, custom headers, attachment, MIME)', async () => {
      const { call, clock, emulator } = await setup();
      for (const name of ['user-sendmail--1', 'user-sendmail--2', 'user-sendmail--3', 'user-sendmail--4']) {
        const ex = example(name);
        const res = await call(ex.request.method!, pathOf(ex.request.url!), {
          body: ex.request.body,
          headers: ex.request.headers,
        });
        expect({ name, status: res.status, body: res.text }).toEqual({
          name,
          status: ex.response.status,
          body: '',
        });
      }
      await clock.advance(100_000);
      // Example 1 asks for no copy ("saveToSentItems": "false"); 2, 3 and 4 keep one.
      expect(
        emulator
          .sentItems(USER.oid)
          .map((m) => m.subject)
          .sort(),
      ).toEqual(['9/9/2018: concert', 'Meet for lunch?', 'Test Message']);
      expect(emulator.sentItems(USER.oid).find((m) => m.subject === 'Meet for lunch?')!.hasAttachments).toBe(
        true,
      );
    });

    it('user-sendmail 5: malformed MIME gives the documented status, code and message', async () => {
      const { call } = await setup();
      const ex = example('user-sendmail--5');
      const res = await call('POST', '/me/sendMail', {
        body: 'this is not base64 ***',
        headers: { 'Content-type': 'text/plain' },
      });
      expect(res.status).toBe(ex.response.status);
      const documented = (ex.response.body as { error: { code: string; message: string } }).error;
      expect((res.json.error as { code: string; message: string }).code).toBe(documented.code);
      expect((res.json.error as { code: string; message: string }).message).toBe(documented.message);
    });

    it('user-sendmail 6 (a documented deviation): a body without "message" is refused', async () => {
      // The page's Example 5 puts subject/toRecipients at the top level, contradicting its own Request
      // body section (message, saveToSentItems). The emulator follows the Request body section.
      const { call, emulator } = await setup();
      const ex = example('user-sendmail--6');
      const res = await call('POST', pathOf(ex.request.url!), {
        body: ex.request.body,
        headers: ex.request.headers,
      });
      expect(res.status).toBe(400);
      expect(emulator.deliveries(USER.oid)).toHaveLength(0);
    });

    it('user-list-messages: $select=sender,subject returns exactly those (plus id and etag), same types', async () => {
      const { call } = await withMail();
      const ex = example('user-list-messages--1');
      const res = await call('GET', pathOf(ex.request.url!));
      expect(res.status).toBe(ex.response.status);
      const docBody = ex.response.body as { value: unknown[] };
      expect(res.json['@odata.context']).toMatch(/\$metadata#users\('.+'\)\/messages\(sender,subject\)$/);
      for (const m of res.json.value!) expect(keys(m)).toEqual(keys(docBody.value[0]));
      expect(shapeProblems(docBody, res.json)).toEqual([]);
    });

    it('mailfolder-list-messages and message-get 1 (Mail.Read): documented keys and types are all there', async () => {
      const { call, full, emulator } = await withMail();
      const folder = await call('GET', '/me/mailFolders/inbox', { token: full });
      const list = await call('GET', `/me/mailFolders/${folder.json.id as string}/messages`, { token: full });
      const exList = example('mailfolder-list-messages--1');
      expect(list.status).toBe(exList.response.status);
      expect(shapeProblems(exList.response.body, list.json)).toEqual([]);
      const id = emulator.inbox(USER.oid)[0]!.id;
      const exGet = example('message-get--1');
      const got = await call('GET', `/me/messages/${id}`, { token: full });
      expect(got.status).toBe(exGet.response.status);
      expect(shapeProblems(exGet.response.body, got.json)).toEqual([]);
      expect(got.json['@odata.context']).toMatch(/\/messages\/\$entity$/);
    });

    it('message-get 2: $select=internetMessageHeaders returns only id, etag and the headers', async () => {
      const { call, emulator } = await withMail();
      const reply = emulator.inbox(USER.oid).find((m) => m.subject.startsWith('RE:'))!;
      const ex = example('message-get--2');
      const res = await call('GET', `/me/messages/${reply.id}/?$select=internetMessageHeaders`);
      expect(res.status).toBe(ex.response.status);
      expect(keys(res.json)).toEqual(keys(ex.response.body));
      expect(shapeProblems(ex.response.body, res.json)).toEqual([]);
    });

    it('message-get 3: body in text format with Preference-Applied (Mail.Read); refused under Mail.ReadBasic', async () => {
      const { call, full, emulator } = await withMail();
      const id = emulator.inbox(USER.oid).find((m) => m.body.contentType === 'html')!.id;
      const ex = example('message-get--3');
      const path = `/me/messages/${id}/?$select=subject,body,bodyPreview,uniqueBody`;
      const res = await call('GET', path, { token: full, headers: ex.request.headers });
      expect(res.status).toBe(ex.response.status);
      expect(res.headers.get('preference-applied')).toBe(ex.response.headers['Preference-Applied']);
      expect(keys(res.json)).toEqual(keys(ex.response.body));
      expect((res.json.body as { contentType: string }).contentType).toBe('text');
      expect((await call('GET', path, { headers: ex.request.headers })).status).toBe(403);
    });

    it('message-get 4: $value is MIME text for Mail.Read', async () => {
      const { call, full, emulator } = await withMail();
      const reply = emulator.inbox(USER.oid).find((m) => m.subject.startsWith('RE:'))!;
      const ex = example('message-get--4');
      const res = await call('GET', `/me/messages/${reply.id}/$value`, { token: full });
      expect(res.status).toBe(ex.response.status);
      expect(res.headers.get('content-type')).toBe(ex.response.headers['Content-type']);
      expect(res.text).toMatch(/^Received: /);
      expect(res.text).toContain('MIME-Version: 1.0');
    });

    it('message-delta and delta-query-messages 1–3: pages of maxpagesize, nextLink then deltaLink, same item keys', async () => {
      const { call, full } = await withMail();
      const exFirst = example('delta-query-messages--1');
      let res = await call(
        'GET',
        pathOf(exFirst.request.url!).replace(/mailfolders\/[^/]+/, 'mailfolders/inbox'),
        { headers: exFirst.request.headers },
      );
      const docItem = (exFirst.response.body as { value: unknown[] }).value[0];
      let pages = 0;
      for (;;) {
        pages++;
        expect(res.status).toBe(200);
        expect(res.json.value!.length).toBeLessThanOrEqual(2);
        for (const m of res.json.value!) {
          expect(keys(m)).toEqual(keys(docItem));
          expect(shapeProblems(docItem, m)).toEqual([]);
        }
        const next = res.json['@odata.nextLink'] as string | undefined;
        if (!next) break;
        expect(next).toMatch(/\/messages\/delta\?\$skiptoken=/);
        res = await call('GET', pathOf(next), { headers: exFirst.request.headers });
      }
      expect(pages).toBeGreaterThan(1);
      expect(res.json['@odata.deltaLink']).toMatch(/\/messages\/delta\?\$deltatoken=/);
      expect(valueKeys(res.json).sort()).toEqual(valueKeys(example('delta-query-messages--3').response.body));

      const exApi = example('message-delta--1');
      const api = await call('GET', '/me/mailFolders/inbox/messages/delta', {
        token: full,
        headers: exApi.request.headers,
      });
      expect(api.status).toBe(exApi.response.status);
      expect(shapeProblems(exApi.response.body, api.json)).toEqual([]);
    });

    it('delta-query-messages 1–3 (behaviour): 5 messages at maxpagesize=2 come as 2, 2 (the documented second page) and 1, each once', async () => {
      const { call, emulator } = await setup();
      emulator.fillFolder(USER.oid, 'inbox', 5);
      const [ex1, ex2, ex3] = [1, 2, 3].map((n) => example(`delta-query-messages--${n}`));
      const docPages = [ex1!, ex2!, ex3!].map(
        (e) => e.response.body as Record<string, unknown> & { value: unknown[] },
      );
      const prefer = { headers: ex1!.request.headers };
      const first = await call(
        'GET',
        '/me/mailFolders/inbox/messages/delta?$select=subject,sender,isRead',
        prefer,
      );
      const second = await call('GET', pathOf(first.json['@odata.nextLink'] as string), prefer);
      const third = await call('GET', pathOf(second.json['@odata.nextLink'] as string), prefer);
      const pages = [first, second, third];
      // The same number of items per page and the same link kind as the documented rounds.
      expect(pages.map((p) => p.json.value!.length)).toEqual(docPages.map((d) => d.value.length));
      expect(pages.map((p) => valueKeys(p.json).sort())).toEqual(docPages.map((d) => valueKeys(d).sort()));
      expect(shapeProblems(docPages[1], second.json)).toEqual([]);
      expect(second.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
      const ids = pages.flatMap((p) => p.json.value!.map((m) => m.id));
      expect(new Set(ids).size).toBe(5);
    });

    it('delta-query-messages 4 (behaviour): the next round re-reports a message read since, under the same id, and an @removed item', async () => {
      const { call, emulator } = await setup();
      emulator.fillFolder(USER.oid, 'inbox', 3, { readShare: 0 });
      const ex = example('delta-query-messages--4');
      const doc = ex.response.body as { value: Record<string, unknown>[] };
      const prefer = { headers: ex.request.headers };
      let res = await call(
        'GET',
        '/me/mailFolders/inbox/messages/delta?$select=subject,sender,isRead',
        prefer,
      );
      const seen: Record<string, unknown>[] = [...res.json.value!];
      while (res.json['@odata.nextLink']) {
        res = await call('GET', pathOf(res.json['@odata.nextLink'] as string), prefer);
        seen.push(...res.json.value!);
      }
      const [read, removed] = seen as { id: string }[];
      emulator.act(USER.oid, read!.id, { action: 'read' });
      emulator.act(USER.oid, removed!.id, { action: 'purge' });
      const round = await call('GET', pathOf(res.json['@odata.deltaLink'] as string), prefer);
      const documentedRemoved = doc.value.find((m) => m['@removed'])!;
      const documentedChanged = doc.value.find((m) => !m['@removed'])!;
      const ourRemoved = round.json.value!.find((m) => m['@removed'])!;
      const ourChanged = round.json.value!.find((m) => !m['@removed'])!;
      expect(round.json.value).toHaveLength(doc.value.length);
      expect(keys(ourRemoved)).toEqual(keys(documentedRemoved));
      expect(ourRemoved).toEqual({
        '@odata.type': '#microsoft.graph.message',
        id: removed!.id,
        '@removed': { reason: 'deleted' },
      });
      expect(keys(ourChanged)).toEqual(keys(documentedChanged));
      // Documented: the same id as in the first round, isRead now "true" (the page writes it as a string;
      // the CSDL type is Boolean, which the emulator returns).
      expect(ourChanged.id).toBe(read!.id);
      expect(ourChanged.isRead).toBe(true);
      expect(round.json['@odata.deltaLink']).toMatch(/\$deltatoken=/);
    });

    it('delta-query-messages 5–7 (behaviour): changeType=created pages like 5 and 6, and the next round reports only new messages (7)', async () => {
      const { call, emulator, send, clock } = await setup();
      emulator.fillFolder(USER.oid, 'inbox', 4, { readShare: 0 });
      const [ex5, ex6, ex7] = [5, 6, 7].map((n) => example(`delta-query-messages--${n}`));
      const prefer = { headers: ex5!.request.headers };
      const first = await call(
        'GET',
        pathOf(ex5!.request.url!).replace(/mailFolders\/[^/?]+/, 'mailFolders/inbox'),
        prefer,
      );
      expect(keys(first.json.value![0])).toEqual(keys((ex5!.response.body as { value: unknown[] }).value[0]));
      expect(first.json['@odata.nextLink']).toMatch(/\$skiptoken=/);
      const second = await call('GET', pathOf(first.json['@odata.nextLink'] as string), prefer);
      const doc6 = ex6!.response.body as { value: unknown[] };
      expect(second.json.value).toHaveLength(doc6.value.length);
      expect(valueKeys(second.json).sort()).toEqual(valueKeys(doc6).sort());
      // A change (read) and a removal are not "created"; two new messages are.
      const firstId = first.json.value![0]!.id as string;
      emulator.act(USER.oid, firstId, { action: 'read' });
      emulator.act(USER.oid, second.json.value![0]!.id as string, { action: 'purge' });
      await send('ana+reply@example.org', 'Nested Attachment');
      await send('bo+reply@example.org', 'Attachment Testing');
      await clock.advance(3_600_000);
      const round = await call('GET', pathOf(second.json['@odata.deltaLink'] as string), prefer);
      const doc7 = ex7!.response.body as { value: Record<string, unknown>[] };
      expect(round.json.value).toHaveLength(doc7.value.length);
      expect(round.json.value!.map((m) => m.subject).sort()).toEqual([
        'RE: Attachment Testing',
        'RE: Nested Attachment',
      ]);
      expect(round.json.value!.some((m) => m.id === firstId || m['@removed'])).toBe(false);
      expect(keys(round.json.value![0])).toEqual(keys(doc7.value[0]));
      // The page's deltaLink carries $skiptoken (a quirk of the example); the emulator writes $deltatoken.
      expect(round.json['@odata.deltaLink']).toMatch(/\/messages\/delta\?\$deltatoken=/);
    });

    it('user-get: /me has the documented default property set and types', async () => {
      const { emulator, call } = await setup();
      emulator.addUser({
        ...USER,
        givenName: 'Adele',
        surname: 'Vance',
        jobTitle: 'Retail Manager',
        mobilePhone: '+1 425 555 0109',
        officeLocation: '18/2111',
        preferredLanguage: 'en-US',
        businessPhones: ['+1 425 555 0109'],
      });
      const ex = example('user-get--1');
      const res = await call('GET', pathOf(ex.request.url!));
      expect(res.status).toBe(ex.response.status);
      expect(valueKeys(res.json)).toEqual(keys(ex.response.body));
      expect(shapeProblems(ex.response.body, res.json)).toEqual([]);
    });

    it('query-parameters 7: $expand=photo on /me fails with ExpandNotSupported', async () => {
      const { call } = await setup();
      const ex = example('query-parameters--7');
      const res = await call('GET', pathOf(ex.request.url!));
      expect(res.status).toBe(400);
      expect(errorCode(res.json)).toBe(errorCode(ex.response.body));
      expect(shapeProblems(ex.response.body, res.json)).toEqual([]);
    });

    it('query-parameters 1–6: the documented mail queries are answered', async () => {
      const { call } = await withMail();
      const subjects = async (name: string) => {
        const res = await call('GET', pathOf(example(name).request.url!));
        expect({ name, status: res.status }).toEqual({ name, status: 200 });
        return res.json.value!.map((m) => m.subject as string);
      };
      expect(await subjects('query-parameters--1')).toEqual(["let's meet for lunch?"]);
      const byAddress = await call(
        'GET',
        pathOf(example('query-parameters--2').request.url!) + '&$select=from',
      );
      const addresses = byAddress.json.value!.map((m) =>
        (m.from as { emailAddress: { address: string } }).emailAddress.address.toLowerCase(),
      );
      expect(addresses).toEqual([...addresses].sort());
      await subjects('query-parameters--3');
      expect(await subjects('query-parameters--4')).toEqual(['welcome']);
      const fromSubject = await call('GET', pathOf(example('query-parameters--5').request.url!));
      expect(keys(fromSubject.json.value![0])).toEqual(['@odata.etag', 'from', 'id', 'subject']);
      expect((await subjects('query-parameters--6')).length).toBeLessThanOrEqual(5);
    });

    it('json-batching 1: per-request id, status, headers and body; resources outside the mailbox are not emulated', async () => {
      const { call } = await setup();
      const ex = example('json-batching--1');
      const res = await call('POST', '/$batch', { body: ex.request.body, headers: ex.request.headers });
      expect(res.status).toBe(ex.response.status);
      const documented = (ex.response.body as { responses: { id: string; body: unknown }[] }).responses;
      const ours = res.json.responses as { id: string; status: number; headers: object; body: unknown }[];
      expect(ours.map((r) => r.id).sort()).toEqual(documented.map((r) => r.id).sort());
      for (const r of ours) {
        expect(keys(r)).toEqual(['body', 'headers', 'id', 'status']);
        // Not emulated: 501 with Graph's error shape (documented: 403 { error: { code, message, innerError } }).
        expect(shapeProblems(documented[1]!.body, r.body)).toEqual([]);
      }
    });

    it('json-batching 2: dependsOn runs requests in order; a failure makes dependents 424', async () => {
      const { call } = await setup();
      const ex = example('json-batching--2');
      const requests = (ex.request.body as { requests: { url: string }[] }).requests.map((r) => ({
        ...r,
        url: '/me?$select=id',
      }));
      const ok = await call('POST', '/$batch', { body: { requests } });
      expect((ok.json.responses as { status: number }[]).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      requests[0]!.url = '/me/messages?$select=body';
      const failed = await call('POST', '/$batch', { body: { requests } });
      expect(
        (failed.json.responses as { id: string; status: number }[]).map((r) => [r.id, r.status]),
      ).toEqual([
        ['1', 403],
        ['2', 424],
        ['4', 424],
        ['3', 424],
      ]);
    });

    it('throttling: a 429 has Retry-After in seconds and the documented error shape', async () => {
      const { call } = await setup({ limits: { requestsPerWindow: 1 } });
      await call('GET', '/me');
      const res = await call('GET', '/me');
      const ex = example('throttling--1');
      expect(res.status).toBe(ex.response.status);
      expect(res.headers.get('content-type')).toBe(ex.response.headers['Content-Type']);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const docError = (ex.response.body as { error: { innerError: Record<string, unknown> } }).error;
      expect(Object.keys(res.json.error as object).sort()).toEqual(Object.keys(docError).sort());
      const inner = (res.json.error as { innerError: Record<string, unknown> }).innerError;
      expect(inner.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(typeof inner['request-id']).toBe('string');
    });
  },
);
