/**
 * Key rotation: an event sealed to an earlier key is opened with whichever key of the ring it was
 * sealed to and sealed again, same payload and binding, in format v2 to the new key. The event id,
 * send id and kind stay, so the server replaces the row in place (PUT /events/:id).
 */
import { importRecipientPublicKey, createEventSealer } from '../shared/sealed-event';
import type { UserIdentity } from './keys';
import { createEventOpener, type Keyring, type SealedEventRow } from './open-event';

/** The re-sealed bytes, or null when no key of the ring opens the row (it stays as it is). */
export async function resealEvent(
  row: SealedEventRow,
  keyring: Keyring,
  to: { publicKey: string; keyId: string },
  identity: UserIdentity,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const opened = await createEventOpener({ identity, keyring }).open(row);
  if (!opened.ok) return null;
  const recipient = await importRecipientPublicKey(to.publicKey);
  const sealer = await createEventSealer({ key: recipient.key, kid: to.keyId });
  const binding = { ...identity, sendId: row.sendId, eventId: row.eventId };
  return opened.kind === 'open'
    ? sealer.seal({ ...binding, kind: 'open' }, opened.payload)
    : sealer.seal({ ...binding, kind: 'reply' }, opened.payload);
}
