/**
 * Sealing reply metadata in the task pane before it is uploaded: the subject, from-address,
 * received time and connecting server IP are read from headers here (Mail.ReadBasic) and sealed
 * to the user's own public key, in the same format the server uses for opens (kind 'reply'). The
 * backend stores the ciphertext and can never read it.
 */
import { createEventSealer, type ReplyPayload } from '../shared/sealed-event';
import { toBase64url } from '../shared/base64url';
import type { UserIdentity } from './keys';
import type { StoredUserKey } from '../storage/db';

export interface SealedReply {
  sendId: string;
  /** Fresh 128-bit random id; the backend dedupes on it, so a retried upload is harmless. */
  eventId: string;
  sealed: Uint8Array<ArrayBuffer>;
}

export interface ReplyToSeal {
  sendId: string;
  payload: ReplyPayload;
}

/** Seals replies to the user's own key, one HPKE encapsulation for the whole list. */
export async function sealReplies(
  identity: UserIdentity,
  userKey: Pick<StoredUserKey, 'keyPair'>,
  replies: readonly ReplyToSeal[],
): Promise<SealedReply[]> {
  if (replies.length === 0) return [];
  const sealer = await createEventSealer({ key: userKey.keyPair.publicKey });
  const out: SealedReply[] = [];
  for (const { sendId, payload } of replies) {
    const eventId = newEventId();
    const sealed = await sealer.seal({ kind: 'reply', ...identity, sendId, eventId }, payload);
    out.push({ sendId, eventId, sealed });
  }
  return out;
}

export function newEventId(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(16)));
}
