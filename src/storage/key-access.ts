/**
 * The user's key on this device, for issue #9 ("keys on every device"). One rule above all: a
 * device that does not hold the account's registered key never replaces it — it gets the key
 * (silently from the split backup in Outlook's roaming settings, or by the recovery secret, or by
 * approval from a device that has it), or the user explicitly starts over.
 *
 * - New account: the pane makes the key, registers it only if there still is none (expectedKeyId
 *   null; a 409 means another device won the race), and backs it up while its bytes are in
 *   memory: the split (mailbox share + server share) and, if the tenant set one, to the tenant's
 *   recovery key. The recovery code/passphrase backup needs the user (setUpRecovery).
 * - The device keeps a transfer copy (key bytes sealed under a non-extractable AES key), so it can
 *   later top up backups, approve another device or write a recovery backup.
 * - Earlier key pairs move to `oldKeys`; keyring() holds them all, so old data stays readable.
 *
 * Crypto and API are ports (src/storage/key-ports.ts). See docs/zero-knowledge.md.
 */
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/errors';
import type { UserIdentity, UserKey } from '../crypto/keys';
import { fromBase64url } from '../shared/base64url';
import type { Clock } from '../shared/clock';
import { KEY_SHARE_SETTING, type RoamingSettings } from '../outlook/roaming-settings';
import { newDeviceId, wipeAll, type CandorDb, type StoredOldKey, type StoredUserKey } from './db';
import { KeyAccessError } from './key-access-error';
import {
  createApprovalResponder,
  requestApproval,
  type ApprovalRequest,
  type IncomingApproval,
} from './key-approval';
import type { KeyApi, KeyBackups, KeyCrypto, RoamingKeyShare } from './key-ports';
import { finishRotation } from './key-rotation';

export { KeyAccessError } from './key-access-error';
export type { ApprovalRequest, IncomingApproval } from './key-approval';

export interface ReadyKeyState {
  kind: 'ready';
  key: StoredUserKey;
  /** true when this call made the account's first key. */
  created: boolean;
  backups: { recovery: boolean; split: boolean; tenant: boolean | 'not-required' };
  /** The device holds a transfer copy: it can back up and approve (false for pre-backup keys: rotate). */
  canBackUp: boolean;
  /** A rotation stopped part-way (events or campaigns still under the old key): rotate() again finishes it. */
  rotationUnfinished?: boolean;
}

export interface NeedsKeyState {
  kind: 'needs-key';
  registeredKeyId: string;
  /** Which recovery secret the account's backup takes, or null when it has none. */
  recovery: 'code' | 'passphrase' | null;
  canApprove: true;
  /** This device held some earlier key of the user (its data stays readable after recovery). */
  hadEarlierKey: boolean;
}

export type KeyState = ReadyKeyState | NeedsKeyState;

export interface KeyAccess {
  resolve(): Promise<KeyState>;
  recoverWithSecret(secret: string): Promise<KeyState>;
  requestApproval(signal: AbortSignal): ApprovalRequest;
  listApprovalRequests(): Promise<IncomingApproval[]>;
  setUpRecovery(
    choice: { kind: 'code' } | { kind: 'passphrase'; passphrase: string },
  ): Promise<{ code?: string }>;
  startOver(): Promise<KeyState>;
  rotate(onProgress?: (p: { done: number; total: number }) => void): Promise<KeyState>;
  keyring(): Promise<Map<string, CryptoKeyPair>>;
}

export type KeyAccessApi = KeyApi &
  Pick<ApiClient, 'listEvents' | 'listCampaigns' | 'getCampaignState' | 'putCampaignState'>;

export interface KeyAccessOptions {
  db: CandorDb;
  api: KeyAccessApi;
  identity: UserIdentity;
  clock: Clock;
  /** Office roaming settings (or the demo stand-in); null where there are none (outside Outlook). */
  roaming: RoamingSettings | null;
  crypto: KeyCrypto;
  /** How often a new device asks whether its approval request moved on. Default 2 s. */
  approvalPollMs?: number;
}

/** The registered key id a 409 `key-changed` carries; undefined when `err` is not one. */
function keyConflict(err: unknown): string | null | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const details = err.details as { status?: number; keyId?: unknown };
  if ((err.kind as string) !== 'conflict' && details.status !== 409) return undefined;
  return typeof details.keyId === 'string' ? details.keyId : null;
}

function recoveryKind(header: string): 'code' | 'passphrase' | null {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(fromBase64url(header))) as { secret?: unknown };
    return parsed.secret === 'code' || parsed.secret === 'passphrase' ? parsed.secret : null;
  } catch {
    return null;
  }
}

function parseRoamingShare(
  raw: string | null,
  identity: UserIdentity,
  keyId: string,
): RoamingKeyShare | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<RoamingKeyShare>;
    const ok =
      s.v === 1 &&
      s.tid === identity.tid &&
      s.oid === identity.oid &&
      s.keyId === keyId &&
      typeof s.share === 'string' &&
      typeof s.wrapped === 'string';
    return ok ? (s as RoamingKeyShare) : null;
  } catch {
    return null;
  }
}

/** Another tab stored a key between our look and our write (only where Web Locks are missing). */
class KeyMadeElsewhere extends Error {}

/**
 * Runs `task` while holding this user's key lock (Web Locks, across the pane's tabs and windows in
 * this browser), so two tabs never make or replace the key at once. Not re-entrant: only the public
 * entry points take it. Where there are no Web Locks (Node), `task` just runs.
 */
async function withKeyLock<T>(identity: UserIdentity, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return task();
  // The DOM typings want the callback's own type back; the lock resolves with the task's value.
  return (await locks.request(`candor-key:${identity.tid}:${identity.oid}`, task)) as T;
}

export function openKeyAccess(options: KeyAccessOptions): KeyAccess {
  const { db, api, identity, clock, roaming, crypto: kc } = options;
  const keysKey: [string, string] = [identity.tid, identity.oid];
  const load = () => db.get('keys', keysKey);
  const locked = <T>(task: () => Promise<T>) => withKeyLock(identity, task);

  /**
   * Stores `key` as this device's key with a fresh transfer copy; the key it replaces (if another)
   * moves to oldKeys in the same transaction, so nothing sealed to it becomes unreadable.
   */
  async function install(
    key: UserKey,
    d: Uint8Array,
    fields: { registeredAt: number | null; rotatingFrom?: string | null; onlyIfNone?: boolean },
  ): Promise<StoredUserKey> {
    const transferKey = await kc.createTransferKey();
    const sealed = await kc.sealTransferCopy(transferKey, d, identity, key.keyId);
    const tx = db.transaction(['keys', 'oldKeys'], 'readwrite');
    const previous = await tx.objectStore('keys').get(keysKey);
    if (previous && fields.onlyIfNone) {
      await tx.done;
      throw new KeyMadeElsewhere();
    }
    const row: StoredUserKey = {
      tid: identity.tid,
      oid: identity.oid,
      keyPair: key.keyPair,
      publicKey: key.publicKey,
      keyId: key.keyId,
      createdAt: key.createdAt,
      registeredAt: fields.registeredAt,
      transfer: { key: transferKey, sealed },
      deviceId: previous?.deviceId ?? newDeviceId(),
      rotatingFrom: fields.rotatingFrom ?? null,
    };
    if (previous && previous.keyId !== key.keyId) await tx.objectStore('oldKeys').put(retired(previous));
    await tx.objectStore('keys').put(row);
    await tx.done;
    return row;
  }

  function retired(k: StoredUserKey): StoredOldKey {
    const { tid, oid, keyPair, publicKey, keyId, createdAt } = k;
    return { tid, oid, keyPair, publicKey, keyId, createdAt, retiredAt: clock.now() };
  }

  /** The key bytes from the device's transfer copy (null for pre-backup keys). */
  async function keyBytes(key: StoredUserKey): Promise<Uint8Array | null> {
    return key.transfer
      ? kc.openTransferCopy(key.transfer.key, key.transfer.sealed, identity, key.keyId)
      : null;
  }

  /** Registers `key` if the account's key is still `expected`; the registered id on a 409. */
  async function register(
    key: StoredUserKey,
    expected: string | null,
  ): Promise<{ ok: true; key: StoredUserKey } | { ok: false; registered: string | null }> {
    try {
      await api.registerKey(key.publicKey, expected);
    } catch (err) {
      const registered = keyConflict(err);
      if (registered === undefined) throw err;
      if (registered === key.keyId) return { ok: true, key: await markRegistered(key) };
      return { ok: false, registered };
    }
    return { ok: true, key: await markRegistered(key) };
  }

  async function markRegistered(key: StoredUserKey): Promise<StoredUserKey> {
    const row = { ...key, registeredAt: clock.now() };
    await db.put('keys', row);
    return row;
  }

  /**
   * Writes whatever backup the key lacks that needs no secret from the user: the split (server
   * share, then the mailbox share) and the tenant backup. Best effort: a failure leaves the flag
   * false and the next resolve tries again.
   */
  async function topUp(key: StoredUserKey, backups: KeyBackups, given: Uint8Array | null) {
    const haveRoaming = roaming
      ? parseRoamingShare(roaming.get(KEY_SHARE_SETTING), identity, key.keyId)
      : null;
    let split = backups.split?.keyId === key.keyId && (roaming === null || haveRoaming !== null);
    const tenantKey = backups.tenantRecoveryKey;
    let tenant: boolean | 'not-required' = tenantKey
      ? backups.tenant?.keyId === key.keyId && backups.tenant.tenantKeyId === tenantKey.keyId
      : 'not-required';
    const needSplit = !split && roaming !== null;
    const needTenant = tenant === false;
    if (needSplit || needTenant) {
      let d: Uint8Array | null = null;
      try {
        d = given ?? (await keyBytes(key));
      } catch {
        d = null;
      }
      if (d) {
        if (needSplit && roaming) {
          try {
            const { roaming: share, serverShare } = await kc.splitWrap(d, identity, key.keyId);
            await api.putSplitShare(key.keyId, serverShare);
            await roaming.set(KEY_SHARE_SETTING, JSON.stringify(share));
            split = true;
          } catch {
            split = false;
          }
        }
        if (needTenant && tenantKey) {
          try {
            const blob = await kc.sealToTenant(d, tenantKey.publicKey, identity, key.keyId);
            await api.putTenantBackup({ keyId: key.keyId, tenantKeyId: tenantKey.keyId, blob });
            tenant = true;
          } catch {
            tenant = false;
          }
        }
        if (!given) d.fill(0);
      }
    }
    return { recovery: backups.recovery?.keyId === key.keyId, split, tenant };
  }

  async function ready(
    key: StoredUserKey,
    backups: KeyBackups,
    created: boolean,
    d: Uint8Array | null = null,
  ): Promise<ReadyKeyState> {
    const state: ReadyKeyState = {
      kind: 'ready',
      key,
      created,
      backups: await topUp(key, backups, d),
      canBackUp: key.transfer !== null,
    };
    if (key.rotatingFrom) state.rotationUnfinished = true;
    return state;
  }

  async function needsKey(registered: string, backups: KeyBackups, local: StoredUserKey | undefined) {
    const earlier = local !== undefined || (await db.countFromIndex('oldKeys', 'byUser', keysKey)) > 0;
    return {
      kind: 'needs-key',
      registeredKeyId: registered,
      recovery: backups.recovery?.keyId === registered ? recoveryKind(backups.recovery.header) : null,
      canApprove: true,
      hadEarlierKey: earlier,
    } satisfies NeedsKeyState;
  }

  /** The account's key from the split backup, silently: both shares must be there and match. */
  async function fromRoaming(registered: string, backups: KeyBackups): Promise<ReadyKeyState | null> {
    const share = roaming ? parseRoamingShare(roaming.get(KEY_SHARE_SETTING), identity, registered) : null;
    if (!share) return null;
    try {
      const server = await api.getSplitShare();
      if (!server || server.keyId !== registered) return null;
      const d = await kc.splitUnwrap(share, server.share, identity);
      try {
        const key = await kc.importKeyMaterial(identity, d, clock.now());
        if (key.keyId !== registered) return null;
        const row = await install(key, d, { registeredAt: clock.now() });
        return await ready(row, backups, false, d);
      } finally {
        d.fill(0);
      }
    } catch {
      return null; // a share from another key, a damaged one, the server unreachable: ask the user
    }
  }

  /** Makes the account's first key; null when another device registered one first. */
  async function create(backups: KeyBackups): Promise<ReadyKeyState | null> {
    const { key, d } = await kc.generateKeyMaterial(identity, clock.now());
    try {
      let row: StoredUserKey;
      try {
        row = await install(key, d, { registeredAt: null, onlyIfNone: true });
      } catch (err) {
        if (err instanceof KeyMadeElsewhere) return null; // another tab of this browser was first
        throw err;
      }
      await requestPersistentStorage();
      const result = await register(row, null);
      if (!result.ok) {
        // Nothing was ever sealed to it: forget it (if still ours), the other device's key is the account's.
        const tx = db.transaction('keys', 'readwrite');
        if ((await tx.store.get(keysKey))?.keyId === key.keyId) await tx.store.delete(keysKey);
        await tx.done;
        return null;
      }
      return await ready(result.key, { ...backups, keyId: key.keyId }, true, d);
    } finally {
      d.fill(0);
    }
  }

  async function resolve(depth = 0): Promise<KeyState> {
    const backups = await api.getKeyBackups();
    const registered = backups.keyId;
    const local = await load();
    const again = () => {
      if (depth > 2) throw new KeyAccessError('key-mismatch');
      return resolve(depth + 1);
    };

    if (local && local.keyId === registered) {
      const key = local.registeredAt === null ? await markRegistered(local) : local;
      return ready(key, backups, false);
    }
    // A registration this device started and did not finish: a new account's key, or a rotation.
    if (local && local.registeredAt === null && (local.rotatingFrom ?? null) === registered) {
      const result = await register(local, registered);
      if (!result.ok) return again();
      return ready(result.key, { ...backups, keyId: local.keyId }, registered === null);
    }
    if (registered === null) {
      if (local) {
        // The account lost its key (deleted on another device) while this device kept one: it
        // becomes the account's key again.
        const result = await register(local, null);
        return result.ok ? ready(result.key, { ...backups, keyId: local.keyId }, false) : again();
      }
      return (await create(backups)) ?? again();
    }
    return (await fromRoaming(registered, backups)) ?? needsKey(registered, backups, local);
  }

  function toKeyAccessError(err: unknown): never {
    if (err instanceof KeyAccessError) throw err;
    if (err instanceof ApiError) {
      const d = err.details as {
        status?: number;
        code?: string;
        attemptsLeft?: unknown;
        retryAfterSeconds?: unknown;
        retryAfterMs?: number;
      };
      // Only the unlock's own 403 (a plain 403 is a tenant without access, said as such by ApiError).
      if (d.code === 'wrong-secret' || (d.status === 403 && typeof d.attemptsLeft === 'number'))
        throw new KeyAccessError('wrong-secret', {
          attemptsLeft: typeof d.attemptsLeft === 'number' ? d.attemptsLeft : null,
          cause: err,
        });
      if (d.code === 'too-many-attempts' || d.status === 429 || err.kind === 'rate-limited') {
        const seconds =
          typeof d.retryAfterSeconds === 'number'
            ? d.retryAfterSeconds
            : Math.ceil((d.retryAfterMs ?? 60_000) / 1000);
        throw new KeyAccessError('rate-limited', { retryAfterSeconds: seconds, cause: err });
      }
      if (d.status === 404 || err.kind === 'not-found') throw new KeyAccessError('no-backup', { cause: err });
      if (err.retryable) throw new KeyAccessError('network', { cause: err });
    }
    throw err;
  }

  async function recoverWithSecret(secret: string): Promise<KeyState> {
    const backups = await api.getKeyBackups().catch(toKeyAccessError);
    const registered = backups.keyId;
    const backup = backups.recovery;
    if (!registered || !backup || backup.keyId !== registered) throw new KeyAccessError('no-backup');
    const kind = recoveryKind(backup.header);
    let normalised = secret;
    if (kind === 'code') {
      const code = kc.normaliseRecoveryCode(secret);
      if (code === null)
        throw new KeyAccessError(
          'wrong-secret',
          { attemptsLeft: null },
          'That is not a recovery code: it has 26 letters and digits, in groups of four. Check it and try again.',
        );
      normalised = code;
    }
    const { verifier, unwrap } = await kc.deriveVerifier(normalised, backup.header, identity);
    const unlocked = await api.unlockRecovery(verifier).catch(toKeyAccessError);
    if (unlocked.keyId !== registered) throw new KeyAccessError('key-mismatch');
    let d: Uint8Array;
    try {
      d = await unwrap(unlocked.wrapped);
    } catch (cause) {
      // The server accepted the verifier but the blob does not open: altered, or another key's.
      throw new KeyAccessError('key-mismatch', { cause });
    }
    try {
      const key = await kc.importKeyMaterial(identity, d, clock.now());
      if (key.keyId !== registered) throw new KeyAccessError('key-mismatch');
      const row = await install(key, d, { registeredAt: clock.now() });
      return await ready(row, backups, false, d);
    } finally {
      d.fill(0);
    }
  }

  /** The new device's side of an approval: the granted key, checked against the account's. */
  async function installGranted(d: Uint8Array, keyId: string): Promise<KeyState> {
    const backups = await api.getKeyBackups();
    const key = await kc.importKeyMaterial(identity, d, clock.now());
    if (key.keyId !== keyId || key.keyId !== backups.keyId) throw new KeyAccessError('key-mismatch');
    const row = await install(key, d, { registeredAt: clock.now() });
    return ready(row, backups, false, d);
  }

  const responder = createApprovalResponder({ api, crypto: kc, identity, load });

  async function currentKeyWithBytes(): Promise<{ key: StoredUserKey; d: Uint8Array }> {
    const key = await load();
    if (!key) throw new KeyAccessError('needs-key');
    const d = await keyBytes(key);
    if (!d) throw new KeyAccessError('cannot-back-up');
    return { key, d };
  }

  async function setUpRecovery(
    choice: { kind: 'code' } | { kind: 'passphrase'; passphrase: string },
  ): Promise<{ code?: string }> {
    const { key, d } = await currentKeyWithBytes();
    try {
      const secret = choice.kind === 'code' ? kc.generateRecoveryCode() : choice.passphrase;
      const wrap = await kc.wrapForRecovery(d, secret, identity, key.keyId, choice.kind);
      await api.putRecoveryBackup({ keyId: key.keyId, ...wrap });
      return choice.kind === 'code' ? { code: secret } : {};
    } finally {
      d.fill(0);
    }
  }

  async function startOverNow(): Promise<KeyState> {
    await api.deleteMe();
    await wipeAll(db);
    try {
      await roaming?.remove(KEY_SHARE_SETTING);
    } catch {
      // The share opens nothing without the server's half, which DELETE /me removed.
    }
    return resolve();
  }

  /**
   * Makes, backs up and registers the new key, or finishes a registration that was cut off. The
   * key state instead of a key when the account's key changed meanwhile (nothing to re-seal then).
   */
  async function rotateKey(): Promise<StoredUserKey | KeyState> {
    const local = await load();
    if (!local) throw new KeyAccessError('needs-key');
    if (local.rotatingFrom) {
      if (local.registeredAt !== null) return local;
      const result = await register(local, local.rotatingFrom);
      return result.ok ? result.key : resolve();
    }
    const backups = await api.getKeyBackups();
    if (backups.keyId !== local.keyId) throw new KeyAccessError('needs-key');
    const { key, d } = await kc.generateKeyMaterial(identity, clock.now());
    try {
      const row = await install(key, d, { registeredAt: null, rotatingFrom: local.keyId });
      const result = await register(row, local.keyId);
      if (!result.ok) return resolve();
      await topUp(result.key, { ...backups, keyId: key.keyId }, d);
      return result.key;
    } finally {
      d.fill(0);
    }
  }

  async function rotate(onProgress?: (p: { done: number; total: number }) => void): Promise<KeyState> {
    const key = await locked(rotateKey);
    if ('kind' in key) return key;
    // Outside the lock: re-sealing can take a while, and other tabs only need the (new) key.
    await finishRotation({ db, api, identity, clock, crypto: kc, key, keyring: await keyring(), onProgress });
    return locked(async () => {
      const current = await load();
      if (current?.keyId === key.keyId) await db.put('keys', { ...current, rotatingFrom: null });
      return resolve();
    });
  }

  async function keyring(): Promise<Map<string, CryptoKeyPair>> {
    const ring = new Map<string, CryptoKeyPair>();
    const current = await load();
    if (current) ring.set(current.keyId, current.keyPair);
    for (const old of await db.getAllFromIndex('oldKeys', 'byUser', keysKey))
      if (!ring.has(old.keyId)) ring.set(old.keyId, old.keyPair);
    return ring;
  }

  return {
    resolve: () => locked(() => resolve()),
    recoverWithSecret: (secret) => locked(() => recoverWithSecret(secret)),
    requestApproval: (signal) =>
      requestApproval(
        {
          api,
          crypto: kc,
          identity,
          clock,
          pollMs: options.approvalPollMs ?? 2000,
          install: (d, keyId) => locked(() => installGranted(d, keyId)),
        },
        signal,
      ),
    listApprovalRequests: () => responder.list(),
    setUpRecovery,
    startOver: () => locked(startOverNow),
    rotate,
    keyring,
  };
}

/**
 * Asks the browser not to evict our storage under pressure: losing it loses the key. Best effort;
 * browsers may refuse, and Node (tests) has no StorageManager.
 */
async function requestPersistentStorage(): Promise<void> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  try {
    if (storage?.persist && !(await storage.persisted())) await storage.persist();
  } catch {
    // Not fatal: the key still works; it is only at higher risk of eviction.
  }
}
