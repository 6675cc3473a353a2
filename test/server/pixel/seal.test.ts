import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { importRecipientKey, type EventIds } from '../../../src/server/crypto/sealed-event';
import {
  createEventOpener,
  openOpenEvent,
  SealedEventError,
  sealEvent,
} from '../../support/sealed-event-opener';
import { EventSealer, type OpenPlaintext } from '../../../src/server/pixel/seal';
import type { UserKey } from '../../../src/server/store/store';

const id = () => randomBytes(16).toString('base64url');
const ids = (over: Partial<EventIds> = {}): EventIds => ({
  tid: randomUUID(),
  oid: randomUUID(),
  sendId: id(),
  eventId: id(),
  ...over,
});

/** A user key pair the way the task pane makes it: non-extractable private key. */
async function userKeyPair(): Promise<{ pair: CryptoKeyPair; key: UserKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { pair, key: { keyId: 'k1', key: { format: 'raw', raw }, updatedAt: 1 } };
}

const plain: OpenPlaintext = { ip: '203.0.113.9', at: Date.UTC(2026, 10, 2), verdict: 'human' };

describe('event sealing', () => {
  it('round-trips an open to the user’s non-extractable key, with exactly ip, at and verdict', async () => {
    const { pair, key } = await userKeyPair();
    const sealer = new EventSealer({ clock: new ManualClock() });
    const row = ids();
    const sealed = await sealer.seal(key, row, plain);
    expect(await openOpenEvent(pair, row, sealed)).toEqual(plain);
    // The server's copy holds no plaintext.
    expect(Buffer.from(sealed).includes(Buffer.from(plain.ip))).toBe(false);
  });

  it('opens reliably with the key pair (regression for the @hpke/core 1.9.0 P-256 bug)', async () => {
    const sealer = new EventSealer({ clock: new ManualClock(), epochMs: 0 });
    for (let i = 0; i < 40; i++) {
      const { pair, key } = await userKeyPair();
      const row = ids();
      expect(await openOpenEvent(pair, row, await sealer.seal(key, row, plain))).toEqual(plain);
    }
  });

  it('accepts the public key as a JWK too', async () => {
    const { pair } = await userKeyPair();
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const sealer = new EventSealer({ clock: new ManualClock() });
    const row = ids();
    const sealed = await sealer.seal({ keyId: 'j', key: { format: 'jwk', jwk }, updatedAt: 1 }, row, plain);
    expect(await openOpenEvent(pair, row, sealed)).toEqual(plain);
  });

  it('a row moved to another tenant, user, send or event id does not open', async () => {
    const { pair, key } = await userKeyPair();
    const sealer = new EventSealer({ clock: new ManualClock() });
    const row = ids();
    const sealed = await sealer.seal(key, row, plain);
    for (const moved of [
      { ...row, tid: randomUUID() },
      { ...row, oid: randomUUID() },
      { ...row, sendId: id() },
      { ...row, eventId: id() },
    ]) {
      await expect(openOpenEvent(pair, moved, sealed)).rejects.toBeInstanceOf(SealedEventError);
    }
  });

  it('two events of one group cannot be swapped between their rows', async () => {
    const { pair, key } = await userKeyPair();
    const sealer = new EventSealer({ clock: new ManualClock() });
    const a = ids();
    const b = { ...a, eventId: id() };
    const sa = await sealer.seal(key, a, { ...plain, ip: '198.51.100.1' });
    const sb = await sealer.seal(key, b, { ...plain, ip: '198.51.100.2' });
    expect(Buffer.from(sa.subarray(1, 66)).equals(Buffer.from(sb.subarray(1, 66)))).toBe(true);
    await expect(openOpenEvent(pair, a, sb)).rejects.toThrow();
    await expect(openOpenEvent(pair, b, sa)).rejects.toThrow();
  });

  it('any flipped bit makes the event fail to open', async () => {
    const { pair, key } = await userKeyPair();
    const sealer = new EventSealer({ clock: new ManualClock() });
    const row = ids();
    const sealed = await sealer.seal(key, row, plain);
    for (let i = 0; i < sealed.length; i += 3) {
      const bad = Uint8Array.from(sealed);
      bad[i] = (bad[i] as number) ^ 0x01;
      await expect(openOpenEvent(pair, row, bad)).rejects.toThrow();
    }
    await expect(openOpenEvent(pair, row, sealed.subarray(0, sealed.length - 1))).rejects.toThrow();
  });

  it('does not open for another user’s key', async () => {
    const { key } = await userKeyPair();
    const other = await userKeyPair();
    const sealer = new EventSealer({ clock: new ManualClock() });
    const row = ids();
    await expect(openOpenEvent(other.pair, row, await sealer.seal(key, row, plain))).rejects.toThrow();
  });

  it('amortises: one ECDH per user per epoch, a new one after it, none shared across users', async () => {
    const clock = new ManualClock();
    const { pair, key } = await userKeyPair();
    const sealer = new EventSealer({ clock, epochMs: 1000 });
    const user = ids();
    const rows = Array.from({ length: 50 }, () => ({ ...user, sendId: id(), eventId: id() }));
    const sealed = await Promise.all(rows.map((r) => sealer.seal(key, r, plain)));
    expect(sealer.groupsStarted).toBe(1);
    const open = createEventOpener(pair);
    for (const [i, r] of rows.entries())
      expect(JSON.parse(new TextDecoder().decode(await open(r, sealed[i] as Uint8Array)))).toEqual(plain);

    await clock.advance(1000);
    await sealer.seal(key, { ...user, eventId: id() }, plain);
    expect(sealer.groupsStarted).toBe(2);

    const other = await userKeyPair();
    await sealer.seal(other.key, ids(), plain);
    expect(sealer.groupsStarted).toBe(3);
    // A replaced key starts a new group even inside the epoch.
    await sealer.seal({ ...key, updatedAt: 2 }, { ...user, eventId: id() }, plain);
    expect(sealer.groupsStarted).toBe(4);
  });

  it('forgets a group’s key material once its epoch is over', async () => {
    const clock = new ManualClock();
    const a = await userKeyPair();
    const b = await userKeyPair();
    const sealer = new EventSealer({ clock, epochMs: 1000 });
    await sealer.seal(a.key, ids(), plain);
    expect(sealer.cachedGroups).toBe(1);
    await clock.advance(1000);
    await sealer.seal(b.key, ids(), plain);
    expect(sealer.cachedGroups).toBe(1);
  });

  it('by default a user’s events share one group for 60 s, and its key material goes within a second after', async () => {
    const clock = new ManualClock();
    const a = await userKeyPair();
    const b = await userKeyPair();
    const sealer = new EventSealer({ clock });
    const user = ids();
    await sealer.seal(a.key, user, plain);
    await clock.advance(59_000);
    await sealer.seal(a.key, { ...user, eventId: id() }, plain);
    expect(sealer.groupsStarted).toBe(1);
    await clock.advance(1000);
    await sealer.seal(a.key, { ...user, eventId: id() }, plain);
    expect(sealer.groupsStarted).toBe(2);
    await clock.advance(60_000);
    await sealer.seal(b.key, ids(), plain); // a's second group expired: swept here, not kept
    expect(sealer.cachedGroups).toBe(1);
  });

  it('without amortisation every event has its own enc', async () => {
    const { key } = await userKeyPair();
    const sealer = new EventSealer({ clock: new ManualClock(), epochMs: 0 });
    const user = ids();
    const a = await sealer.seal(key, user, plain);
    const b = await sealer.seal(key, { ...user, eventId: id() }, plain);
    expect(sealer.groupsStarted).toBe(2);
    expect(Buffer.from(a.subarray(1, 66)).equals(Buffer.from(b.subarray(1, 66)))).toBe(false);
  });

  it('the WebCrypto-only sealer (for replies from the task pane) produces the same format', async () => {
    const { pair } = await userKeyPair();
    const row = ids();
    const recipient = await importRecipientKey({
      format: 'raw',
      raw: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)),
    });
    const payload = new TextEncoder().encode(JSON.stringify({ subject: 'Re: role', from: 'a@example.com' }));
    const sealed = await sealEvent(recipient, row, payload);
    expect(await createEventOpener(pair)(row, sealed)).toEqual(payload);
    await expect(createEventOpener(pair)({ ...row, oid: 'x' }, sealed)).rejects.toBeInstanceOf(
      SealedEventError,
    );
  });
});
