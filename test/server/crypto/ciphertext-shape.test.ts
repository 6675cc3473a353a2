import { describe, expect, it } from 'vitest';
import { generateUserKey } from '../../../src/crypto/keys';
import { sealReplies } from '../../../src/crypto/reply-seal';
import {
  MIN_SEALED_EVENT_BYTES_V2,
  MIN_SEALED_REPLY_BYTES_V2,
  resealedEventProblem,
  sealedReplyProblem,
} from '../../../src/server/crypto/ciphertext-shape';
import { createEventSealer, importRecipientPublicKey } from '../../../src/shared/sealed-event';

const me = { tid: 'tenant-1111', oid: 'user-aaaa' };
const payload = { subject: 'Re: role', from: 'p@example.org', receivedAt: 1, ip: null };

describe('sealed reply shape (format v1 and v2)', () => {
  it('accepts v2 only when it names the registered key id', async () => {
    const key = await generateUserKey(me, 0);
    const other = await generateUserKey(me, 0);
    const [reply] = await sealReplies(me, key, [{ sendId: 's', replyId: 'm', payload }]);
    expect(reply!.sealed[0]).toBe(2);
    expect(sealedReplyProblem(reply!.sealed, key.keyId)).toBeNull();
    expect(sealedReplyProblem(reply!.sealed, other.keyId)).toBe('wrong-key');
    expect(sealedReplyProblem(reply!.sealed, null)).toBe('wrong-key');
  });

  it('still accepts v1 from old clients, which names no key', async () => {
    const key = await generateUserKey(me, 0);
    const other = await generateUserKey(me, 0);
    const sealer = await createEventSealer(await importRecipientPublicKey(key.publicKey), { version: 1 });
    const sealed = await sealer.seal({ kind: 'reply', ...me, sendId: 's', eventId: 'e' }, payload);
    expect(sealed[0]).toBe(1);
    expect(sealedReplyProblem(sealed, other.keyId)).toBeNull();
  });

  it('refuses a v2 record that is too short, has no curve point, or reads as text', async () => {
    const key = await generateUserKey(me, 0);
    const [reply] = await sealReplies(me, key, [{ sendId: 's', replyId: 'm', payload }]);
    const sealed = reply!.sealed;
    expect(sealedReplyProblem(sealed.subarray(0, MIN_SEALED_REPLY_BYTES_V2), key.keyId)).toBeNull();
    expect(sealedReplyProblem(sealed.subarray(0, MIN_SEALED_REPLY_BYTES_V2 - 1), key.keyId)).toBe(
      'not-sealed',
    );
    const noPoint = new Uint8Array(sealed);
    noPoint[17] = 0x06;
    expect(sealedReplyProblem(noPoint, key.keyId)).toBe('not-sealed');
    const text = new Uint8Array(sealed);
    text.set(new TextEncoder().encode(JSON.stringify(payload).padEnd(sealed.length - 82, ' ')), 82);
    expect(sealedReplyProblem(text, key.keyId)).toBe('not-sealed');
    // v1 bytes relabelled as v2 shift the point by 16 bytes: refused.
    const sealer = await createEventSealer(await importRecipientPublicKey(key.publicKey), { version: 1 });
    const v1 = await sealer.seal({ kind: 'reply', ...me, sendId: 's', eventId: 'e' }, payload);
    expect(sealedReplyProblem(Uint8Array.of(2, ...v1.subarray(1)), key.keyId)).not.toBeNull();
  });

  it('a re-sealed event (after rotation) must be v2 to the registered key; the shortest open passes', async () => {
    const key = await generateUserKey(me, 0);
    const other = await generateUserKey(me, 0);
    const recipient = await importRecipientPublicKey(key.publicKey);
    const binding = { kind: 'open' as const, ...me, sendId: 's', eventId: 'e' };
    const shortest = { ip: null, at: 0, verdict: 'human' as const };
    const v2 = await (await createEventSealer(recipient)).seal(binding, shortest);
    expect(v2).toHaveLength(MIN_SEALED_EVENT_BYTES_V2);
    expect(resealedEventProblem(v2, key.keyId)).toBeNull();
    expect(resealedEventProblem(v2, other.keyId)).toBe('wrong-key');
    expect(resealedEventProblem(v2, null)).toBe('wrong-key');
    expect(resealedEventProblem(v2.subarray(0, v2.length - 1), key.keyId)).toBe('not-sealed');
    const v1 = await (await createEventSealer(recipient, { version: 1 })).seal(binding, shortest);
    expect(resealedEventProblem(v1, key.keyId)).toBe('not-sealed');
    // An open is shorter than any reply: the reply check would refuse it, the re-seal check does not.
    expect(sealedReplyProblem(v2, key.keyId)).toBe('not-sealed');
  });
});
