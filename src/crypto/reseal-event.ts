/**
 * Key rotation: an event sealed to an earlier key is opened with whichever key of the ring it was
 * sealed to and sealed again, same payload and binding, in format v2 to the new key. The event id,
 * send id and kind stay, so the server replaces the row in place (PUT /events/:id).
 *
 * One rotation re-seals many rows with the same ring and target: the opener (and its cache of group
 * keys, one ECDH per sealing group) and the sealer (one HPKE setup for the whole rotation) are kept
 * per ring and target, not made again for every row.
 */
import { createEventSealer, importRecipientPublicKey, type EventSealer } from '../shared/sealed-event';
import type { UserIdentity } from './keys';
import { createEventOpener, type EventOpener, type Keyring, type SealedEventRow } from './open-event';

interface Resealer {
  opener: EventOpener;
  sealer: Promise<EventSealer>;
}

const resealers = new WeakMap<Keyring, Map<string, Resealer>>();

function resealerFor(keyring: Keyring, to: { publicKey: string; keyId: string }, identity: UserIdentity) {
  let byTarget = resealers.get(keyring);
  if (!byTarget) resealers.set(keyring, (byTarget = new Map()));
  const id = JSON.stringify([identity.tid, identity.oid, to.keyId]);
  let r = byTarget.get(id);
  if (!r) {
    const sealer = importRecipientPublicKey(to.publicKey).then((recipient) =>
      createEventSealer({ key: recipient.key, kid: to.keyId }),
    );
    sealer.catch(() => byTarget.delete(id));
    byTarget.set(id, (r = { opener: createEventOpener({ identity, keyring }), sealer }));
  }
  return r;
}

/** The re-sealed bytes, or null when no key of the ring opens the row (it stays as it is). */
export async function resealEvent(
  row: SealedEventRow,
  keyring: Keyring,
  to: { publicKey: string; keyId: string },
  identity: UserIdentity,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const { opener, sealer } = resealerFor(keyring, to, identity);
  const opened = await opener.open(row);
  if (!opened.ok) return null;
  const binding = { ...identity, sendId: row.sendId, eventId: row.eventId };
  return opened.kind === 'open'
    ? (await sealer).seal({ ...binding, kind: 'open' }, opened.payload)
    : (await sealer).seal({ ...binding, kind: 'reply' }, opened.payload);
}
