import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateUserKey, type UserIdentity } from '../../src/crypto/keys';
import { toBase64url } from '../../src/shared/base64url';
import { ManualClock } from '../../src/shared/clock';
import { createEventSealer, importRecipientPublicKey } from '../../src/shared/sealed-event';
import { openCandorDb, type CandorDb } from '../../src/storage/db';
import { openKeyAccess, type KeyState } from '../../src/storage/key-access';
import { KEY_SHARE_SETTING, type RoamingSettings } from '../../src/outlook/roaming-settings';
import { openTrackingSession } from '../../src/storage/tracking-session';
import { stateKeyId } from '../../src/storage/keyring-open';
import { fakeKeyCrypto } from '../support/fake-key-crypto';
import { FakeKeyServer } from '../support/fake-key-server';

const me: UserIdentity = { tid: 'tenant-1', oid: 'user-1' };
let seq = 0;

/** One mailbox's roaming settings; each device reads them when its pane opens (as Outlook does). */
function mailbox() {
  const saved = new Map<string, string>();
  return {
    saved,
    open(): RoamingSettings {
      const snapshot = new Map(saved);
      return {
        get: (n) => snapshot.get(n) ?? null,
        set: async (n, v) => void (snapshot.set(n, v), saved.set(n, v)),
        remove: async (n) => void (snapshot.delete(n), saved.delete(n)),
      };
    },
  };
}

function world() {
  const clock = new ManualClock();
  const server = new FakeKeyServer(clock);
  const crypto = fakeKeyCrypto();
  const mail = mailbox();
  async function device(options: { roaming?: RoamingSettings | null; db?: CandorDb } = {}) {
    const db = options.db ?? (await openCandorDb(`key-access-${++seq}`));
    const api = server.client();
    const roaming = options.roaming === undefined ? mail.open() : options.roaming;
    const access = openKeyAccess({ db, api, identity: me, clock, roaming, crypto, approvalPollMs: 2000 });
    return { db, api, access };
  }
  return { clock, server, crypto, mail, device };
}

function ready(state: KeyState) {
  if (state.kind !== 'ready') throw new Error(`expected ready, got ${state.kind}`);
  return state;
}

async function sealOpenTo(server: FakeKeyServer, eventId: string, at: number) {
  const sealer = await createEventSealer(await importRecipientPublicKey(server.key!.publicKey));
  const sealed = await sealer.seal(
    { kind: 'open', ...me, sendId: 's1', eventId },
    { ip: null, at, verdict: 'human' },
  );
  server.events.push({ eventId, sendId: 's1', kind: 'open', verdict: 'human', occurredAt: at, sealed });
}

/**
 * Until the new device waits in its poll on the clock: crypto and storage run off the microtask
 * queue, so this yields to the event loop, a bounded number of times.
 */
async function polling(clock: ManualClock) {
  for (let i = 0; i < 1000 && clock.pending === 0; i++) await new Promise((r) => setTimeout(r, 0));
  expect(clock.pending).toBe(1);
}

/** One approval poll (2 s) on the clock, then until the new device waits again. */
async function tick(clock: ManualClock) {
  await clock.advance(2000);
  await polling(clock);
}

describe('first device', () => {
  it('creates the account’s key, registers it only if there is none, and backs it up without asking', async () => {
    const w = world();
    const tenantPair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ]);
    const tenantPub = new Uint8Array(await crypto.subtle.exportKey('raw', tenantPair.publicKey));
    w.server.tenantRecoveryKey = { keyId: 'tk1', publicKey: toBase64url(tenantPub) };
    const { access, db } = await device(w);
    const state = ready(await access.resolve());
    expect(state.created).toBe(true);
    expect(state.canBackUp).toBe(true);
    expect(state.backups).toEqual({ recovery: false, split: true, tenant: true });
    expect(w.server.key?.keyId).toBe(state.key.keyId);
    expect(w.server.split?.keyId).toBe(state.key.keyId);
    expect(JSON.parse(w.mail.saved.get(KEY_SHARE_SETTING)!)).toMatchObject({
      v: 1,
      ...me,
      keyId: state.key.keyId,
    });
    // The key on the device cannot be exported; only the transfer copy under a device-only key holds it.
    const stored = (await db.get('keys', [me.tid, me.oid]))!;
    expect(stored.keyPair.privateKey.extractable).toBe(false);
    expect(stored.transfer?.key.extractable).toBe(false);
    // The tenant's offline key opens the tenant backup to the same key.
    const d = await w.crypto.openTenantBackup(w.server.tenant!.blob, tenantPair, me, state.key.keyId);
    expect((await w.crypto.importKeyMaterial(me, d, 0)).keyId).toBe(state.key.keyId);

    const again = ready(await access.resolve());
    expect(again.created).toBe(false);
    expect(again.key.keyId).toBe(state.key.keyId);
    expect(w.server.calls.filter((c) => c === 'registerKey')).toHaveLength(1);
  });

  it('two devices connecting at once end with one key: the loser never replaces the winner’s', async () => {
    const w = world();
    const [a, b] = [await device(w, { roaming: null }), await device(w, { roaming: null })];
    const [sa, sb] = await Promise.all([a.access.resolve(), b.access.resolve()]);
    const kinds = [sa.kind, sb.kind].sort();
    expect(kinds).toEqual(['needs-key', 'ready']);
    const winner = sa.kind === 'ready' ? sa : (sb as Extract<KeyState, { kind: 'ready' }>);
    expect(w.server.key?.keyId).toBe(winner.key.keyId);
    const loser = sa.kind === 'needs-key' ? a : b;
    expect(await loser.db.get('keys', [me.tid, me.oid])).toBeUndefined();
  });
});

async function device(w: ReturnType<typeof world>, options?: { roaming?: RoamingSettings | null }) {
  return w.device(options);
}

describe('a second device', () => {
  it('in Outlook, gets the key silently from the split (mailbox share + server share) and reads old events', async () => {
    const w = world();
    const laptop = await device(w);
    const first = ready(await laptop.access.resolve());
    await sealOpenTo(w.server, 'e1', 1000);

    const web = await device(w); // same mailbox: the roaming share is there
    const state = ready(await web.access.resolve());
    expect(state.key.keyId).toBe(first.key.keyId);
    expect(state.created).toBe(false);
    expect(w.server.key?.keyId).toBe(first.key.keyId);
    const session = await openTrackingSession({
      db: web.db,
      api: web.api as never,
      identity: me,
      clock: w.clock,
      access: web.access,
    });
    await session.pullEvents();
    expect(await session.readEvents()).toMatchObject([{ ok: true, eventId: 'e1', payload: { at: 1000 } }]);
  });

  it('outside Outlook (no share), asks instead of replacing the key — today’s bug', async () => {
    const w = world();
    const laptop = await device(w);
    const first = ready(await laptop.access.resolve());
    const browser = await device(w, { roaming: null });
    expect(await browser.access.resolve()).toEqual({
      kind: 'needs-key',
      registeredKeyId: first.key.keyId,
      recovery: null,
      canApprove: true,
      hadEarlierKey: false,
    });
    expect(w.server.key?.keyId).toBe(first.key.keyId);
    expect(w.server.calls.filter((c) => c === 'registerKey')).toHaveLength(1);
    await expect(
      openTrackingSession({
        db: browser.db,
        api: browser.api as never,
        identity: me,
        clock: w.clock,
        access: browser.access,
      }),
    ).rejects.toMatchObject({ kind: 'needs-key' });
  });

  it('a mailbox share of another key (or a damaged one) is ignored and the user is asked', async () => {
    const w = world();
    const laptop = await device(w);
    ready(await laptop.access.resolve());
    const share = JSON.parse(w.mail.saved.get(KEY_SHARE_SETTING)!) as { share: string };
    share.share = share.share.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    w.mail.saved.set(KEY_SHARE_SETTING, JSON.stringify(share));
    const other = await device(w);
    expect((await other.access.resolve()).kind).toBe('needs-key');
  });
});

describe('recovery secret', () => {
  it('a recovery code shown once opens the key on a new device; typing slips are forgiven', async () => {
    const w = world();
    const laptop = await device(w);
    const first = ready(await laptop.access.resolve());
    const { code } = await laptop.access.setUpRecovery({ kind: 'code' });
    expect(code).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{2}$/);
    expect(ready(await laptop.access.resolve()).backups.recovery).toBe(true);
    expect(JSON.stringify(w.server.recovery)).not.toContain(code!.replace(/-/g, ''));

    const phone = await device(w, { roaming: null });
    const needs = await phone.access.resolve();
    expect(needs).toMatchObject({ kind: 'needs-key', recovery: 'code' });
    const typed = ` ${code!.toLowerCase().replace(/-/g, ' ')} `;
    const state = ready(await phone.access.recoverWithSecret(typed));
    expect(state.key.keyId).toBe(first.key.keyId);
    expect(state.canBackUp).toBe(true);
    expect(w.server.key?.keyId).toBe(first.key.keyId);
  });

  it('wrong codes cost attempts and are rate-limited; a malformed code costs none; after the wait the right one works', async () => {
    const w = world();
    const laptop = await device(w);
    ready(await laptop.access.resolve());
    const { code } = await laptop.access.setUpRecovery({ kind: 'code' });
    const phone = await device(w, { roaming: null });
    const wrong = w.crypto.generateRecoveryCode();

    await expect(phone.access.recoverWithSecret('not a code')).rejects.toMatchObject({
      kind: 'wrong-secret',
      details: { attemptsLeft: null },
    });
    expect(w.server.calls).not.toContain('unlockRecovery');
    for (const left of [4, 3, 2, 1, 0])
      await expect(phone.access.recoverWithSecret(wrong)).rejects.toMatchObject({
        kind: 'wrong-secret',
        details: { attemptsLeft: left },
      });
    await expect(phone.access.recoverWithSecret(code!)).rejects.toMatchObject({
      kind: 'rate-limited',
      details: { retryAfterSeconds: 900 },
    });
    await w.clock.advance(15 * 60_000);
    expect(ready(await phone.access.recoverWithSecret(code!)).key.keyId).toBe(w.server.key?.keyId);
  });

  it('a passphrase works the same way; without a backup the user is told so', async () => {
    const w = world();
    const laptop = await device(w);
    ready(await laptop.access.resolve());
    const phone = await device(w, { roaming: null });
    await expect(phone.access.recoverWithSecret('anything at all')).rejects.toMatchObject({
      kind: 'no-backup',
    });
    expect(
      await laptop.access.setUpRecovery({ kind: 'passphrase', passphrase: 'correct horse battery staple' }),
    ).toEqual({});
    expect(await phone.access.resolve()).toMatchObject({ kind: 'needs-key', recovery: 'passphrase' });
    await expect(phone.access.recoverWithSecret('correct horse battery stapler')).rejects.toMatchObject({
      kind: 'wrong-secret',
    });
    expect(ready(await phone.access.recoverWithSecret('correct horse battery staple')).key.keyId).toBe(
      w.server.key?.keyId,
    );
  });
});

describe('device approval', () => {
  async function pair(w: ReturnType<typeof world>) {
    const laptop = await device(w);
    const first = ready(await laptop.access.resolve());
    const phone = await device(w, { roaming: null });
    expect((await phone.access.resolve()).kind).toBe('needs-key');
    return { laptop, phone, first };
  }

  it('both devices show the same code; approving hands the key over through the server as ciphertext', async () => {
    const w = world();
    const { laptop, phone, first } = await pair(w);
    const request = phone.access.requestApproval(new AbortController().signal);
    await polling(w.clock);
    const [incoming] = await laptop.access.listApprovalRequests();
    expect(incoming?.code).toBeNull(); // answered; waiting for the phone to reveal its key
    await tick(w.clock);
    const phoneCode = await request.code;
    expect(phoneCode).toMatch(/^\d{3} \d{3}$/);
    const [revealed] = await laptop.access.listApprovalRequests();
    expect(revealed?.code).toBe(phoneCode);
    await revealed!.approve();
    const relayed = JSON.stringify([...w.server.approvals.values()]);
    await w.clock.advance(2000);
    const state = ready(await request.done);
    expect(state.key.keyId).toBe(first.key.keyId);
    expect(state.canBackUp).toBe(true);
    expect(w.server.key?.keyId).toBe(first.key.keyId);
    // What the server relayed does not contain the key bytes in any plain form.
    const d = await laptop.db
      .get('keys', [me.tid, me.oid])
      .then((k) => w.crypto.openTransferCopy(k!.transfer!.key, k!.transfer!.sealed, me, k!.keyId));
    expect(relayed).not.toContain(toBase64url(d.subarray(0, 32)));
    expect(w.server.approvals.size).toBe(0); // cleaned up
  });

  it('deny on the old device ends the request with a plain reason', async () => {
    const w = world();
    const { laptop, phone } = await pair(w);
    const request = phone.access.requestApproval(new AbortController().signal);
    await polling(w.clock);
    const [incoming] = await laptop.access.listApprovalRequests();
    await incoming!.deny();
    await w.clock.advance(2000);
    await expect(request.done).rejects.toMatchObject({
      kind: 'denied',
      message: expect.stringMatching(/denied/),
    });
    await expect(request.code).rejects.toMatchObject({ kind: 'denied' });
  });

  it('expires after 10 minutes when nobody answers, and can be cancelled', async () => {
    const w = world();
    const { phone } = await pair(w);
    const request = phone.access.requestApproval(new AbortController().signal);
    const settled = request.done.catch((e: unknown) => e);
    await polling(w.clock);
    for (let i = 0; i < 299; i++) await tick(w.clock);
    await w.clock.advance(2000);
    expect(await settled).toMatchObject({ kind: 'expired', message: expect.stringMatching(/expired/) });

    const ctl = new AbortController();
    const second = phone.access.requestApproval(ctl.signal);
    await polling(w.clock);
    expect(w.server.approvals.size).toBe(1);
    ctl.abort();
    await expect(second.done).rejects.toMatchObject({ kind: 'cancelled' });
    expect(w.server.approvals.size).toBe(0);
  });

  it('a reveal that does not match the commitment (a server swapping in its own key) is denied automatically', async () => {
    const w = world();
    const { laptop, phone } = await pair(w);
    const request = phone.access.requestApproval(new AbortController().signal);
    const settled = request.done.catch((e: unknown) => e);
    await polling(w.clock);
    await laptop.access.listApprovalRequests();
    await tick(w.clock);
    await request.code;
    const attacker = await w.crypto.startApproval();
    const a = [...w.server.approvals.values()][0]!;
    a.publicKey = attacker.publicKey;
    a.nonce = attacker.nonce;
    expect(await laptop.access.listApprovalRequests()).toEqual([]);
    expect(w.server.calls).not.toContain('grantApproval');
    await w.clock.advance(2000);
    expect(await settled).toMatchObject({ kind: 'denied' });
  });
});

describe('keys made before backups', () => {
  async function legacy(w: ReturnType<typeof world>) {
    const d = await device(w);
    const key = await generateUserKey(me, w.clock.now());
    await d.db.put('keys', { ...key, registeredAt: 1, transfer: null, deviceId: 'dev-1' });
    await d.api.registerKey(key.publicKey);
    return { ...d, key };
  }

  it('stay usable but cannot be backed up or approve; rotation moves to a backed-up key and keeps old data readable', async () => {
    const w = world();
    const old = await legacy(w);
    const state = ready(await old.access.resolve());
    expect(state).toMatchObject({ canBackUp: false, backups: { split: false, recovery: false } });
    await expect(old.access.setUpRecovery({ kind: 'code' })).rejects.toMatchObject({
      kind: 'cannot-back-up',
    });

    // Data sealed to the old key: three events and a campaign.
    for (const [i, id] of ['e1', 'e2', 'e3'].entries()) await sealOpenTo(w.server, id, 1000 + i);
    const before = await openTrackingSession({
      db: old.db,
      api: old.api as never,
      identity: me,
      clock: w.clock,
      access: old.access,
    });
    const sync = before.campaign<{ name: string }>('c1');
    sync.save({ name: 'Platform hiring' });
    await sync.flush();
    expect(stateKeyId(w.server.campaigns.get('c1')!.blob)).toBe(old.key.keyId);

    // Interrupted part-way: the second re-seal does not reach the server.
    let reseals = 0;
    const real = old.api.resealEvent.bind(old.api);
    old.api.resealEvent = async (id, sealed) => {
      if (++reseals === 2) throw new Error('offline');
      return real(id, sealed);
    };
    await expect(old.access.rotate()).rejects.toThrow('offline');
    const midway = ready(await old.access.resolve());
    expect(midway.rotationUnfinished).toBe(true);
    expect(midway.key.keyId).not.toBe(old.key.keyId);
    expect(w.server.key?.keyId).toBe(midway.key.keyId);

    const progress: { done: number; total: number }[] = [];
    const rotated = ready(await old.access.rotate((p) => progress.push(p)));
    expect(rotated.key.keyId).toBe(midway.key.keyId);
    expect(rotated.rotationUnfinished).toBeUndefined();
    expect(rotated).toMatchObject({ canBackUp: true, backups: { split: true } });
    expect(progress.at(-1)).toEqual({ done: 4, total: 4 });
    // e1 was done before the interruption: not sealed again.
    // e1 reached the server before the interruption and was not sealed again: e1, then e2 and e3.
    expect(w.server.calls.filter((c) => c === 'resealEvent')).toHaveLength(3);
    expect(reseals).toBe(4); // the fourth call is the retry of e2
    for (const e of w.server.events) expect(e.sealed[0]).toBe(2);
    expect(stateKeyId(w.server.campaigns.get('c1')!.blob)).toBe(rotated.key.keyId);
    expect((await old.access.keyring()).size).toBe(2);

    // Everything opens on this device, and on a device that only has the new key.
    const after = await openTrackingSession({
      db: old.db,
      api: old.api as never,
      identity: me,
      clock: w.clock,
      access: old.access,
    });
    await after.pullEvents();
    expect((await after.readEvents()).map((r) => r.ok)).toEqual([true, true, true]);
    expect(await after.campaign<{ name: string }>('c1').open()).toEqual({ name: 'Platform hiring' });
    const web = await device(w);
    const fresh = await openTrackingSession({
      db: web.db,
      api: web.api as never,
      identity: me,
      clock: w.clock,
      access: web.access,
    });
    await fresh.pullEvents();
    expect((await fresh.readEvents()).map((r) => r.ok)).toEqual([true, true, true]);
    expect(await fresh.campaign<{ name: string }>('c1').open()).toEqual({ name: 'Platform hiring' });
  });
});

describe('start over and top-ups', () => {
  it('start over deletes the account’s data and makes a new key; the old one cannot come back', async () => {
    const w = world();
    const laptop = await device(w);
    const first = ready(await laptop.access.resolve());
    await sealOpenTo(w.server, 'e1', 1);
    const state = ready(await laptop.access.startOver());
    expect(state.created).toBe(true);
    expect(state.key.keyId).not.toBe(first.key.keyId);
    expect(w.server.events).toEqual([]);
    expect((await laptop.access.keyring()).has(first.key.keyId)).toBe(false);
    expect(JSON.parse(w.mail.saved.get(KEY_SHARE_SETTING)!).keyId).toBe(state.key.keyId);
  });

  it('a lost mailbox share or a newly set tenant key is backed up silently on the next resolve', async () => {
    const w = world();
    const laptop = await device(w);
    const first = ready(await laptop.access.resolve());
    w.mail.saved.delete(KEY_SHARE_SETTING);
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    w.server.tenantRecoveryKey = {
      keyId: 'tk2',
      publicKey: toBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))),
    };
    const reopened = openKeyAccess({
      db: laptop.db,
      api: laptop.api,
      identity: me,
      clock: w.clock,
      roaming: w.mail.open(),
      crypto: w.crypto,
    });
    const state = ready(await reopened.resolve());
    expect(state.backups).toEqual({ recovery: false, split: true, tenant: true });
    expect(JSON.parse(w.mail.saved.get(KEY_SHARE_SETTING)!).keyId).toBe(first.key.keyId);
    expect(w.server.tenant?.keyId).toBe(first.key.keyId);
  });
});

describe('two tabs of one browser', () => {
  it('connecting at once keep one key, the account’s, even without Web Locks', async () => {
    const w = world();
    const db = await openCandorDb(`key-access-${++seq}`);
    const tab = () =>
      openKeyAccess({
        db,
        api: w.server.client(),
        identity: me,
        clock: w.clock,
        roaming: null,
        crypto: w.crypto,
      });
    const [a, b] = await Promise.all([tab().resolve(), tab().resolve()]);
    expect(ready(a).key.keyId).toBe(w.server.key?.keyId);
    expect(ready(b).key.keyId).toBe(w.server.key?.keyId);
    expect((await db.get('keys', [me.tid, me.oid]))?.keyId).toBe(w.server.key?.keyId);
  });
});
