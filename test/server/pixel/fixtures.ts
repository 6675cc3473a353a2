/** Shared setup for pixel tests: a store with one tenant, a user with a real key pair, sends. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../../../src/server/store/store';
import { newSendId, PixelKeyRing } from '../../../src/server/pixel/token';

export const testKeyRing = () => new PixelKeyRing([{ kid: 'k1', secret: randomBytes(32) }], 'k1');

export async function seedUser(store: Store, now: number) {
  const tid = randomUUID();
  const oid = randomUUID();
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  await store.upsertTenant({ tid, contractEndsAt: null }, now);
  await store.setUserKey(tid, oid, { keyId: 'u1', key: { format: 'raw', raw } }, now);
  return { tid, oid, pair };
}

export async function seedSends(
  store: Store,
  user: { tid: string; oid: string },
  n: number,
  now: number,
  trackOpens = true,
): Promise<string[]> {
  const ids = Array.from({ length: n }, newSendId);
  await store.registerSends(
    user.tid,
    user.oid,
    'camp',
    ids.map((sendId) => ({ sendId, trackOpens })),
    now,
  );
  return ids;
}
