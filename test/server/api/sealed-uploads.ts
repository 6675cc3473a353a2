/**
 * Real ciphertext for API tests, made the way the task pane makes it: a user key pair
 * (src/crypto/keys.ts), state blobs from the pane's state cipher and replies from its sealer. The
 * server refuses anything that cannot be ciphertext, so tests upload these instead of filler bytes.
 */
import type { FastifyInstance } from 'fastify';
import { generateUserKey, type UserIdentity } from '../../../src/crypto/keys';
import { createStateCipher } from '../../../src/crypto/state-cipher';
import { fromBase64url, toBase64url } from '../../../src/shared/base64url';
import {
  createEventSealer,
  importRecipientPublicKey,
  publicKeyId,
  type ReplyPayload,
} from '../../../src/shared/sealed-event';

export interface TestUserKey {
  publicKey: string;
  keyId: string;
  keyPair: CryptoKeyPair;
  /** A campaign state blob, base64url, bound to this user, campaign and version. */
  stateBlob(campaignId: string, version: number, value?: unknown): Promise<string>;
  /** A sealed reply, base64url, bound to this user, send and event. */
  sealReply(sendId: string, eventId: string, payload?: ReplyPayload): Promise<string>;
}

export async function newUserKey(identity: UserIdentity): Promise<TestUserKey> {
  const key = await generateUserKey(identity, 0);
  const cipher = await createStateCipher(key.keyPair, key.keyId);
  const sealer = await createEventSealer(await importRecipientPublicKey(key.publicKey));
  return {
    publicKey: key.publicKey,
    keyId: key.keyId,
    keyPair: key.keyPair,
    stateBlob: async (campaignId, version, value = { prospects: [], note: 'test' }) =>
      toBase64url(await cipher.encrypt({ ...identity, campaignId, version }, value)),
    sealReply: async (sendId, eventId, payload = { subject: 's', from: 'a@b.c', receivedAt: 1, ip: null }) =>
      toBase64url(await sealer.seal({ kind: 'reply', ...identity, sendId, eventId }, payload)),
  };
}

/** Makes a key for the user and registers it with PUT /api/v1/me/key. */
export async function registeredUserKey(
  app: FastifyInstance,
  identity: UserIdentity,
  headers: Record<string, string>,
): Promise<TestUserKey> {
  const key = await newUserKey(identity);
  const res = await app.inject({
    method: 'PUT',
    url: '/api/v1/me/key',
    headers,
    payload: { publicKey: key.publicKey },
  });
  if (res.statusCode !== 200) throw new Error(`key registration answered ${res.statusCode}`);
  return key;
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/**
 * What the server sees of a real state blob under the registered `publicKey`: version, that key's
 * id, then random bytes (iv and ciphertext). For tests that need a valid upload, not its contents.
 */
export async function opaqueStateBlob(publicKey: string, ciphertextBytes = 64): Promise<string> {
  const kid = fromBase64url(await publicKeyId(fromBase64url(publicKey)));
  return toBase64url(Uint8Array.from([1, ...kid, ...random(12 + ciphertextBytes)]));
}

/** What the server sees of a sealed reply: version, a P-256 point as enc, random ciphertext. */
export function opaqueSealedReply(publicKey: string, ciphertextBytes = 96): string {
  return toBase64url(Uint8Array.from([1, ...fromBase64url(publicKey), ...random(ciphertextBytes)]));
}
