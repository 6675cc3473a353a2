/**
 * Bundled for headless Chromium by browser-key.test.ts: the pane's real key, sealing, opening and
 * storage code, exposed on `window` so the test can drive it across a page reload.
 */
import { generateUserKey } from '../../../src/crypto/keys';
import { loadUserKey } from '../../../src/storage/user-key';
import { createEventOpener } from '../../../src/crypto/open-event';
import { createStateCipher } from '../../../src/crypto/state-cipher';
import { openCandorDb, wipeAll, STORE_NAMES } from '../../../src/storage/db';
import { createEventSealer, importRecipientPublicKey } from '../../../src/shared/sealed-event';
import { fromBase64url, toBase64url } from '../../../src/shared/base64url';

const TID = 'tenant-browser';
const ids = (i: number) => ({ tid: TID, oid: `user-${i}` });
const row = (i: number) => ({ sendId: `send-${i}`, eventId: `event-${i}` });
const campaign = { prospects: [{ name: 'Sentinelia Marchbanks' }] };

async function before(count: number) {
  const db = await openCandorDb();
  const sealed: string[] = [];
  const states: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = await generateUserKey(ids(i), 0);
    await db.put('keys', { ...key, registeredAt: null, transfer: null, deviceId: 'device-1' });
    const sealer = await createEventSealer(await importRecipientPublicKey(key.publicKey));
    const bytes = await sealer.seal(
      { kind: 'open', ...ids(i), ...row(i) },
      { ip: '203.0.113.5', at: i, verdict: 'human' },
    );
    sealed.push(toBase64url(bytes));
    const cipher = await createStateCipher(key.keyPair, key.keyId);
    states.push(toBase64url(await cipher.encrypt({ ...ids(i), campaignId: 'c', version: 1 }, campaign)));
  }
  db.close();
  return { sealed, states };
}

async function after(sealed: string[], states: string[]) {
  const db = await openCandorDb();
  let opened = 0;
  let stateOk = 0;
  let nonExtractable = 0;
  let exportRefused = 0;
  for (let i = 0; i < sealed.length; i++) {
    const key = (await loadUserKey(db, ids(i)))!;
    if (!key.keyPair.privateKey.extractable) nonExtractable++;
    await crypto.subtle.exportKey('pkcs8', key.keyPair.privateKey).then(
      () => undefined,
      () => exportRefused++,
    );
    const result = await createEventOpener({ identity: ids(i), keyPair: key.keyPair }).open({
      ...row(i),
      kind: 'open',
      sealed: fromBase64url(sealed[i]!),
    });
    if (result.ok) opened++;
    const cipher = await createStateCipher(key.keyPair, key.keyId);
    const back = await cipher.decrypt({ ...ids(i), campaignId: 'c', version: 1 }, fromBase64url(states[i]!));
    if (JSON.stringify(back) === JSON.stringify(campaign)) stateOk++;
  }
  await wipeAll(db);
  let left = 0;
  for (const s of STORE_NAMES) left += await db.count(s);
  return { opened, stateOk, nonExtractable, exportRefused, left, secureContext: isSecureContext };
}

(window as unknown as { candor: unknown }).candor = { before, after };
