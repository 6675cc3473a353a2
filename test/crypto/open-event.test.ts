import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateUserKey } from '../../src/crypto/keys';
import { createEventOpener, keyringOf, type SealedEventRow } from '../../src/crypto/open-event';
import { sealReplies } from '../../src/crypto/reply-seal';
import { openCandorDb } from '../../src/storage/db';
import { createEventSealer, importRecipientPublicKey, type OpenPayload } from '../../src/shared/sealed-event';

const me = { tid: 'tenant-1111', oid: 'user-aaaa' };
const open: OpenPayload = { ip: '203.0.113.7', at: 1_767_600_000_000, verdict: 'human' };

async function sealOpens(
  publicKey: string,
  rows: { sendId: string; eventId: string }[],
  who = me,
  version: 1 | 2 = 2,
) {
  const sealer = await createEventSealer(await importRecipientPublicKey(publicKey), { version });
  const out: SealedEventRow[] = [];
  for (const r of rows) {
    out.push({ ...r, kind: 'open', sealed: await sealer.seal({ kind: 'open', ...who, ...r }, open) });
  }
  return out;
}

describe('opening sealed events', () => {
  it('opens what was sealed to the user, with a key pair reloaded from IndexedDB', async () => {
    const db = await openCandorDb('open-event-reload');
    const key = await generateUserKey(me, 0);
    await db.put('keys', { ...key, registeredAt: null, transfer: null, deviceId: 'device-1' });
    const stored = (await db.get('keys', [me.tid, me.oid]))!;
    const [row] = await sealOpens(key.publicKey, [{ sendId: 's1', eventId: 'e1' }]);
    const opener = createEventOpener({ identity: me, keyPair: stored.keyPair });
    expect(await opener.open(row!)).toEqual({
      ok: true,
      eventId: 'e1',
      sendId: 's1',
      kind: 'open',
      payload: open,
    });
  });

  // @hpke/core 1.9.0 mis-derives the public key from a lone non-extractable P-256 private key for
  // about half of all keys; 40 fresh keys all opening means the whole pair is what gets passed.
  it('opens reliably across many fresh non-extractable keys (security.md §3.8 regression)', async () => {
    for (let i = 0; i < 40; i++) {
      const key = await generateUserKey(me, 0);
      const [row] = await sealOpens(key.publicKey, [{ sendId: `s${i}`, eventId: `e${i}` }]);
      const result = await createEventOpener({ identity: me, keyPair: key.keyPair }).open(row!);
      expect(result.ok, `key ${i}`).toBe(true);
    }
  });

  it('opens every row of one sealing batch independently, in any order, with gaps', async () => {
    const key = await generateUserKey(me, 0);
    const rows = await sealOpens(
      key.publicKey,
      Array.from({ length: 20 }, (_, i) => ({ sendId: `send-${i % 3}`, eventId: `evt-${i}` })),
    );
    const someReversed = rows.filter((_, i) => i % 3 !== 1).reverse();
    const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
    const results = await Promise.all(someReversed.map((r) => opener.open(r)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.eventId)).toEqual(someReversed.map((r) => r.eventId));
  });

  it('refuses a row moved to another send, event, user or kind, without throwing', async () => {
    const key = await generateUserKey(me, 0);
    const [row] = await sealOpens(key.publicKey, [{ sendId: 'send-A', eventId: 'evt-A' }]);
    const mine = createEventOpener({ identity: me, keyPair: key.keyPair });
    const colleague = createEventOpener({
      identity: { ...me, oid: 'user-bbbb' },
      keyPair: key.keyPair,
    });
    const otherTenant = createEventOpener({
      identity: { ...me, tid: 'tenant-2222' },
      keyPair: key.keyPair,
    });
    const cases = [
      mine.open({ ...row!, sendId: 'send-B' }),
      mine.open({ ...row!, eventId: 'evt-B' }),
      mine.open({ ...row!, kind: 'reply' }),
      colleague.open(row!),
      otherTenant.open(row!),
    ];
    for (const result of await Promise.all(cases))
      expect(result).toMatchObject({ ok: false, reason: 'tampered' });
    expect((await mine.open(row!)).ok).toBe(true);
  });

  it('reports flipped bits as tampered and garbage as malformed', async () => {
    const key = await generateUserKey(me, 0);
    const [row] = await sealOpens(key.publicKey, [{ sendId: 's', eventId: 'e' }]);
    const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
    const sealed = row!.sealed;
    // enc (bytes 1-65), ciphertext, tag
    for (const at of [20, 40, 70, sealed.length - 20, sealed.length - 1]) {
      const flipped = new Uint8Array(sealed);
      flipped[at]! ^= 0x01;
      expect(await opener.open({ ...row!, sealed: flipped }), `byte ${at}`).toMatchObject({
        ok: false,
        reason: 'tampered',
      });
    }
    expect(sealed[0]).toBe(2); // format v2: the record names its key id
    for (const garbage of [new Uint8Array(0), sealed.slice(0, 80), Uint8Array.of(3, ...sealed.slice(1))]) {
      expect(await opener.open({ ...row!, sealed: garbage })).toMatchObject({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('v2: a row sealed to a key this device does not hold is "other-key", whenever it arrived', async () => {
    const oldKey = await generateUserKey(me, 0);
    const newKey = await generateUserKey(me, 1);
    const [row] = await sealOpens(oldKey.publicKey, [{ sendId: 's', eventId: 'e' }]);
    const opener = createEventOpener({ identity: me, keyPair: newKey.keyPair, keyRegisteredAt: 2_000 });
    for (const occurredAt of [1_000, 3_000, undefined]) {
      expect(await opener.open({ ...row!, occurredAt })).toMatchObject({ ok: false, reason: 'other-key' });
    }
    // A flipped key id names a key nobody has: still not opened.
    const relabelled = new Uint8Array(row!.sealed);
    relabelled[5]! ^= 1;
    const both = createEventOpener({
      identity: me,
      keyring: await keyringOf([oldKey.keyPair, newKey.keyPair]),
    });
    expect(await both.open({ ...row!, sealed: relabelled })).toMatchObject({
      ok: false,
      reason: 'other-key',
    });
    expect(await both.open(row!)).toMatchObject({ ok: true });
  });

  it('v1 (no key id): tries every key in the ring; failure before registration is inferred as another key', async () => {
    const oldKey = await generateUserKey(me, 0);
    const newKey = await generateUserKey(me, 1);
    const [row] = await sealOpens(oldKey.publicKey, [{ sendId: 's', eventId: 'e' }], me, 1);
    expect(row!.sealed[0]).toBe(1);
    const opener = createEventOpener({ identity: me, keyPair: newKey.keyPair, keyRegisteredAt: 2_000 });
    expect(await opener.open({ ...row!, occurredAt: 1_000 })).toMatchObject({
      ok: false,
      reason: 'other-key',
    });
    // After registration, the backend should have sealed to us: not opening is suspicious.
    expect(await opener.open({ ...row!, occurredAt: 3_000 })).toMatchObject({
      ok: false,
      reason: 'tampered',
    });
    const ring = await keyringOf([newKey.keyPair, oldKey.keyPair]);
    const withOld = createEventOpener({ identity: me, keyring: ring, keyRegisteredAt: 2_000 });
    expect(await withOld.open({ ...row!, occurredAt: 3_000 })).toEqual({
      ok: true,
      kind: 'open',
      sendId: 's',
      eventId: 'e',
      payload: open,
    });
  });

  it('a keyring opens v2 rows sealed to each of its keys, and a v2 row altered under its named key is tampered', async () => {
    const first = await generateUserKey(me, 0);
    const second = await generateUserKey(me, 1);
    const [a] = await sealOpens(first.publicKey, [{ sendId: 's', eventId: 'a' }]);
    const [b] = await sealOpens(second.publicKey, [{ sendId: 's', eventId: 'b' }]);
    const opener = createEventOpener({
      identity: me,
      keyring: new Map([[first.keyId, first.keyPair]]),
      keyPair: second.keyPair,
    });
    expect((await opener.open(a!)).ok).toBe(true);
    expect((await opener.open(b!)).ok).toBe(true);
    const flipped = new Uint8Array(b!.sealed);
    flipped[flipped.length - 3]! ^= 1;
    expect(await opener.open({ ...b!, sealed: flipped })).toMatchObject({ ok: false, reason: 'tampered' });
  });

  it('seals reply metadata in the pane and opens it again; the bytes hide every field', async () => {
    const key = await generateUserKey(me, 0);
    const payload = {
      subject: 'Re: Staff engineer role at Zyxwv',
      from: 'prospect.sentinel@example.org',
      receivedAt: 1_767_700_000_000,
      ip: '198.51.100.23',
    };
    const sealed = await sealReplies(me, key, [
      { sendId: 'send-1', replyId: 'msg-1', payload },
      { sendId: 'send-2', replyId: 'msg-2', payload: { ...payload, ip: null } },
    ]);
    expect(new Set(sealed.map((s) => s.eventId)).size).toBe(2);
    const text = new TextDecoder('latin1').decode(sealed[0]!.sealed);
    for (const secret of ['Zyxwv', 'sentinel', 'example.org', '198.51.100.23', '1767700000000'])
      expect(text).not.toContain(secret);
    const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
    const opened = await Promise.all(sealed.map((s) => opener.open({ ...s, kind: 'reply' })));
    expect(opened).toEqual([
      { ok: true, kind: 'reply', sendId: 'send-1', eventId: sealed[0]!.eventId, payload },
      {
        ok: true,
        kind: 'reply',
        sendId: 'send-2',
        eventId: sealed[1]!.eventId,
        payload: { ...payload, ip: null },
      },
    ]);
  });

  it('rejects reply metadata that does not fit the schema before sealing it', async () => {
    const key = await generateUserKey(me, 0);
    const bad = { subject: 'x', from: 'a@b.c', receivedAt: 1, ip: null, body: 'never uploaded' };
    await expect(sealReplies(me, key, [{ sendId: 's', replyId: 'm', payload: bad }])).rejects.toThrow();
  });

  it('gives the same reply the same event id every time, and only with this key', async () => {
    const key = await generateUserKey(me, 0);
    const other = await generateUserKey(me, 0);
    const reply = {
      sendId: 'send-1',
      replyId: '<abc@mail.example>',
      payload: { subject: 'Re', from: 'a@b.c', receivedAt: 1, ip: null },
    };
    const [first] = await sealReplies(me, key, [reply]);
    const [again] = await sealReplies(me, key, [reply]);
    const [otherMsg] = await sealReplies(me, key, [{ ...reply, replyId: '<def@mail.example>' }]);
    const [otherSend] = await sealReplies(me, key, [{ ...reply, sendId: 'send-2' }]);
    const [otherKey] = await sealReplies(me, other, [reply]);
    expect(first!.eventId).toMatch(/^[A-Za-z0-9_-]{21}[AQgw]$/);
    expect(again!.eventId).toBe(first!.eventId);
    expect(new Set([first, otherMsg, otherSend, otherKey].map((r) => r!.eventId)).size).toBe(4);
  });
});
