/**
 * The pixel's sealer (src/server/pixel/seal.ts, Node fast path) and the task pane's code
 * (src/shared/sealed-event.ts, WebCrypto) implement one byte format. These tests hold them
 * together in both directions, so neither side can drift without the other noticing.
 */
import 'fake-indexeddb/auto';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { generateUserKey } from '../../src/crypto/keys';
import { createEventOpener } from '../../src/crypto/open-event';
import { sealReplies } from '../../src/crypto/reply-seal';
import { fromBase64url } from '../../src/shared/base64url';
import { EventSealer } from '../../src/server/pixel/seal';
import { createEventOpener as serverOpener, sealEvent as sealV1 } from '../support/sealed-event-opener';
import { importRecipientKey } from '../../src/server/crypto/sealed-event';
import { toBase64url } from '../../src/shared/base64url';
import type { UserKey } from '../../src/server/store/store';

const id = () => randomBytes(16).toString('base64url');
const me = { tid: randomUUID(), oid: randomUUID() };

async function paneKey() {
  const key = await generateUserKey(me, 0);
  const serverView: UserKey = {
    keyId: key.keyId,
    key: { format: 'raw', raw: fromBase64url(key.publicKey) },
    updatedAt: 1,
  };
  return { key, serverView };
}

describe('sealed-event format shared by pixel and pane', () => {
  it('the pane opens every open the pixel sealed, across groups, in any order', async () => {
    const { key, serverView } = await paneKey();
    const clock = new ManualClock();
    const sealer = new EventSealer({ clock, epochMs: 1000 });
    const rows = [];
    for (let i = 0; i < 12; i++) {
      const ids = { ...me, sendId: id(), eventId: id() };
      const payload = {
        ip: `203.0.113.${i + 1}`,
        at: clock.now(),
        verdict: i % 3 ? ('human' as const) : ('proxy' as const),
      };
      rows.push({
        ...ids,
        kind: 'open' as const,
        payload,
        sealed: await sealer.seal(serverView, ids, payload),
      });
      await clock.advance(400); // crosses epochs: several groups, several encs
    }
    expect(sealer.groupsStarted).toBeGreaterThan(1);
    const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
    for (const row of rows.reverse()) {
      expect(await opener.open(row)).toEqual({
        ok: true,
        kind: 'open',
        eventId: row.eventId,
        sendId: row.sendId,
        payload: row.payload,
      });
    }
  });

  it('a pixel-sealed row moved to another send does not open in the pane', async () => {
    const { key, serverView } = await paneKey();
    const sealer = new EventSealer({ clock: new ManualClock() });
    const ids = { ...me, sendId: id(), eventId: id() };
    const sealed = await sealer.seal(serverView, ids, { ip: '203.0.113.1', at: 5, verdict: 'human' });
    const opener = createEventOpener({ identity: me, keyPair: key.keyPair });
    expect(await opener.open({ ...ids, sendId: id(), kind: 'open', sealed })).toMatchObject({
      ok: false,
      reason: 'tampered',
    });
  });

  it('replies sealed in the pane open with the server module’s opener (same bytes, same binding)', async () => {
    const { key } = await paneKey();
    const sendId = id();
    const payload = { subject: 'Re: hello', from: 'p@example.org', receivedAt: 7, ip: null };
    const [reply] = await sealReplies(me, key, [{ sendId, replyId: 'm1', payload }]);
    const bytes = await serverOpener(key.keyPair)({ ...me, sendId, eventId: reply!.eventId }, reply!.sealed);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(payload);
  });

  it('the pixel and the pane both write v2, naming the key id the pane derives from its public key', async () => {
    const { key, serverView } = await paneKey();
    const ids = { ...me, sendId: id(), eventId: id() };
    const pixel = await new EventSealer({ clock: new ManualClock() }).seal(serverView, ids, {
      ip: '203.0.113.9',
      at: 1,
      verdict: 'human',
    });
    // The same key registered as a JWK (the key-file path) gets the same id.
    const jwk = await crypto.subtle.exportKey('jwk', key.keyPair.publicKey);
    const viaJwk = await new EventSealer({ clock: new ManualClock() }).seal(
      { ...serverView, key: { format: 'jwk', jwk } },
      ids,
      { ip: '203.0.113.9', at: 1, verdict: 'human' },
    );
    const [reply] = await sealReplies(me, key, [
      { sendId: ids.sendId, replyId: 'm', payload: { subject: 's', from: 'a@b.c', receivedAt: 1, ip: null } },
    ]);
    for (const sealed of [pixel, viaJwk, reply!.sealed]) {
      expect(sealed[0]).toBe(2);
      expect(toBase64url(sealed.subarray(1, 17))).toBe(key.keyId);
    }
  });

  it('v1 records (written before format v2) still open in the pane, with a keyring holding several keys', async () => {
    const { key, serverView } = await paneKey();
    const earlier = await paneKey();
    const ids = { ...me, sendId: id(), eventId: id() };
    const payload = { ip: '203.0.113.5', at: 9, verdict: 'scanner' as const };
    const v1 = await sealV1(
      await importRecipientKey(serverView.key),
      ids,
      new TextEncoder().encode(JSON.stringify(payload)),
    );
    expect(v1[0]).toBe(1);
    const opener = createEventOpener({
      identity: me,
      keyring: new Map([
        [earlier.key.keyId, earlier.key.keyPair],
        [key.keyId, key.keyPair],
      ]),
    });
    expect(await opener.open({ ...ids, kind: 'open', sealed: v1 })).toMatchObject({ ok: true, payload });
  });
});
