/**
 * Sealing reply metadata in the task pane before it is uploaded: the subject, from-address,
 * received time and connecting server IP are read from headers here (Mail.ReadBasic) and sealed
 * to the user's own public key, in the same format the server uses for opens (kind 'reply'). The
 * backend stores the ciphertext and can never read it.
 *
 * Event ids are derived, not random: HMAC (key from the user's key pair, self-secret.ts) over the
 * send id and the reply's own message id. Reply sync can run again after a reload, or on another
 * device holding the same key, and upload the same reply under the same id — the backend keeps
 * one row. The server cannot compute or test ids without the key.
 */
import { createEventSealer, type ReplyPayload } from '../shared/sealed-event';
import { toBase64url } from '../shared/base64url';
import type { UserIdentity } from './keys';
import { deriveSelfKey } from './self-secret';

export interface SealedReply {
  sendId: string;
  eventId: string;
  sealed: Uint8Array<ArrayBuffer>;
}

export interface ReplyToSeal {
  sendId: string;
  /** The reply's stable identity in the mailbox (e.g. its Graph message id or internetMessageId). */
  replyId: string;
  payload: ReplyPayload;
}

/** Seals replies to the user's own key, one HPKE encapsulation for the whole list. */
export async function sealReplies(
  identity: UserIdentity,
  userKey: { keyPair: CryptoKeyPair; keyId?: string },
  replies: readonly ReplyToSeal[],
): Promise<SealedReply[]> {
  if (replies.length === 0) return [];
  // Format v2: each record names the key id it is sealed to (computed from the key when not given).
  const sealer = await createEventSealer({ key: userKey.keyPair.publicKey, kid: userKey.keyId });
  const eventIdFor = await createReplyEventIds(userKey.keyPair);
  const out: SealedReply[] = [];
  for (const { sendId, replyId, payload } of replies) {
    const eventId = await eventIdFor(sendId, replyId);
    const sealed = await sealer.seal({ kind: 'reply', ...identity, sendId, eventId }, payload);
    out.push({ sendId, eventId, sealed });
  }
  return out;
}

/** `(sendId, replyId) → eventId`: 16 bytes of a keyed HMAC, canonical base64url like every id. */
export async function createReplyEventIds(
  keyPair: CryptoKeyPair,
): Promise<(sendId: string, replyId: string) => Promise<string>> {
  const key = await deriveSelfKey(keyPair, 'candor/reply-event-id/v1', { name: 'HMAC', hash: 'SHA-256' }, [
    'sign',
  ]);
  return async (sendId, replyId) => {
    const mac = await crypto.subtle.sign(
      'HMAC',
      key,
      new TextEncoder().encode(JSON.stringify([sendId, replyId])),
    );
    return toBase64url(new Uint8Array(mac).subarray(0, 16));
  };
}
