import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_PROPERTIES } from '../../src/emulator/mailbox/message-fields';
import { USER_DEFAULT_PROPERTIES } from '../../src/emulator/mailbox/me';
import { checkJson, loadCsdl, type CsdlModel } from '../support/csdl';
import { referenceAvailable, referencePath } from '../support/reference';
import { setup, USER } from './harness';

const HOUR = 3_600_000;

/**
 * Conformance with Microsoft's published Graph v1.0 CSDL: every property the emulator returns for
 * message, recipient, emailAddress, internetMessageHeader and user exists there, with a compatible type.
 */
describe.skipIf(!referenceAvailable)('Graph v1.0 CSDL conformance', () => {
  let model: CsdlModel;
  beforeAll(() => {
    model = loadCsdl(referencePath('graph', 'v1.0-metadata.xml'));
  });

  /** A mailbox with every kind of message the emulator makes: sent copies, replies, NDRs, OOO, ambient mail. */
  async function populated() {
    const env = await setup({ ambientMailEveryMs: 2 * HOUR });
    const to = ['ana+reply@example.org', 'bo+bounce@example.org', 'cy+ooo@example.org', 'dee@example.org'];
    for (const address of to) {
      const res = await env.send(address, `Hello ${address}`, {
        ccRecipients: [{ emailAddress: { address: 'cc+silent@example.org', name: 'Cc' } }],
        internetMessageHeaders: [{ name: 'x-candor', value: '1' }],
      });
      expect(res.status).toBe(202);
    }
    await env.clock.advance(3 * HOUR);
    // A follow-up as a reply, and a reply without toRecipients (it comes back to the mailbox itself).
    const copy = env.emulator.sentItems(USER.oid)[0]!;
    for (const message of [
      { toRecipients: copy.toRecipients, body: { contentType: 'html', content: '<p>Following up</p>' } },
      {},
    ]) {
      const res = await env.call('POST', `/me/messages/${copy.id}/reply`, { body: { message } });
      expect(res.status).toBe(202);
    }
    await env.clock.advance(HOUR);
    return env;
  }

  it('the emulator knows exactly the structural properties the CSDL gives message (with outlookItem and entity)', () => {
    const csdl = [...model.properties('message')!.values()].filter((p) => !p.navigation).map((p) => p.name);
    expect([...MESSAGE_PROPERTIES].sort()).toEqual(csdl.sort());
  });

  it('every message property returned, in lists, single gets and delta, is in the CSDL with a compatible type', async () => {
    const { call, tokenWith } = await populated();
    const full = await tokenWith(['User.Read', 'Mail.Read']);
    const all = MESSAGE_PROPERTIES.join(',');
    const bodies = [
      (await call('GET', `/me/messages?$top=100&$select=${all}`, { token: full })).json.value!,
      (await call('GET', `/me/messages?$top=100`, { token: full })).json.value!,
      (await call('GET', `/me/mailFolders/inbox/messages/delta?$select=${all}`, { token: full })).json.value!,
      (await call('GET', `/me/mailFolders/sentitems/messages/delta`)).json.value!,
    ];
    const messages = bodies.flat();
    expect(messages.length).toBeGreaterThan(10);
    const problems = messages.flatMap((m, i) => checkJson(model, 'graph.message', m, `message[${i}]`));
    expect(problems).toEqual([]);
    // The checks reached the nested complex types too.
    const reply = messages.find(
      (m) => Array.isArray(m.internetMessageHeaders) && (m.internetMessageHeaders as unknown[]).length > 0,
    );
    expect(reply).toBeDefined();
    expect(
      messages.some((m) => Array.isArray(m.ccRecipients) && (m.ccRecipients as unknown[]).length > 0),
    ).toBe(true);
  });

  it('every CSDL property of message can be selected (Mail.Read) and comes back with its own type', async () => {
    const { call, tokenWith, emulator } = await populated();
    const full = await tokenWith(['Mail.Read']);
    const id = emulator.inbox(USER.oid)[0]!.id;
    for (const name of MESSAGE_PROPERTIES) {
      const res = await call('GET', `/me/messages/${id}?$select=${name}`, { token: full });
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      const p = model.properties('message')!.get(name)!;
      expect(checkJson(model, p.type, res.json[name], name, p.nullable)).toEqual([]);
    }
  });

  it('GET /me returns only user properties of the CSDL (with directoryObject and entity), well typed', async () => {
    const { call } = await setup();
    const me = await call('GET', '/me');
    expect(checkJson(model, 'graph.user', me.json, 'user')).toEqual([]);
    const userProps = model.properties('user')!;
    for (const name of USER_DEFAULT_PROPERTIES) expect(userProps.has(name)).toBe(true);
  });

  it('the checker itself catches a wrong type, an unknown property and a bad enum value', () => {
    expect(checkJson(model, 'graph.message', { isRead: 'true' })).toHaveLength(1);
    expect(checkJson(model, 'graph.message', { toRecipient: [] })).toHaveLength(1);
    expect(checkJson(model, 'graph.message', { importance: 'urgent' })).toHaveLength(1);
    expect(checkJson(model, 'graph.recipient', { emailAddress: { address: 1 } })).toHaveLength(1);
  });
});
