/**
 * The task pane's one IndexedDB database (via `idb`). It holds the user's key pair as CryptoKey
 * objects (structured clone keeps them non-extractable), campaign snapshots as state-cipher
 * ciphertext, sealed events exactly as the server sent them, and the event cursor. Nothing here
 * is plaintext personal data: snapshots and events are ciphertext, keys cannot be exported.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ApiEvent } from '../api/client';
import type { UserKey } from '../crypto/keys';

export const DB_NAME = 'candor';
const DB_VERSION = 3;

/**
 * The device's sealed copy of the private key bytes: `key` is a non-extractable AES-GCM key that
 * never leaves this browser, `sealed` the key bytes under it (src/crypto/key-material.ts). It lets
 * this device approve another device or write a backup later, without the key ever being
 * extractable. null for keys made before backups existed (they cannot be backed up: rotate).
 */
export interface TransferCopy {
  key: CryptoKey;
  sealed: Uint8Array;
}

/** A user's key pair on this device; one per (tid, oid). */
export interface StoredUserKey extends UserKey {
  /** When the backend last accepted this public key; null until it has. */
  registeredAt: number | null;
  transfer: TransferCopy | null;
  /** This device, for the send lease (random, made once; kept when the key changes). */
  deviceId: string;
  /**
   * Set while a rotation away from key `rotatingFrom` is unfinished (registration, re-sealing
   * events, re-encrypting campaigns); running the rotation again picks up where it stopped.
   */
  rotatingFrom?: string | null;
}

/** An earlier key pair of the user, kept so what was sealed to it stays readable here. */
export interface StoredOldKey extends UserKey {
  /** When this device stopped using it. */
  retiredAt: number;
}

/** A campaign's latest state on this device, encrypted with the state cipher. */
export interface StoredSnapshot {
  tid: string;
  oid: string;
  campaignId: string;
  /** The version `blob` is encrypted for (its AAD binds it). */
  version: number;
  /** true when `blob` is a local edit the backend has not accepted yet. */
  dirty: boolean;
  blob: Uint8Array<ArrayBuffer>;
  savedAt: number;
}

/** A sealed event as the API returned it, filed under its user; opened on read, never stored opened. */
export interface StoredEvent extends ApiEvent {
  tid: string;
  oid: string;
}

export interface StoredCursor {
  tid: string;
  oid: string;
  /** Opaque cursor from GET /api/v1/events; null = from the start. */
  after: string | null;
}

/** Reply sync's Graph delta link for one mail folder (src/storage/reply-cursors.ts). */
export interface StoredReplyCursor {
  tid: string;
  oid: string;
  folder: string;
  deltaLink: string;
  since: string;
}

export interface CandorDbSchema extends DBSchema {
  keys: { key: [string, string]; value: StoredUserKey };
  oldKeys: { key: [string, string, string]; value: StoredOldKey; indexes: { byUser: [string, string] } };
  snapshots: { key: [string, string, string]; value: StoredSnapshot; indexes: { byUser: [string, string] } };
  events: { key: [string, string, string]; value: StoredEvent; indexes: { byUser: [string, string] } };
  cursors: { key: [string, string]; value: StoredCursor };
  replyCursors: { key: [string, string, string]; value: StoredReplyCursor };
}

export type CandorDb = IDBPDatabase<CandorDbSchema>;

export const STORE_NAMES = ['keys', 'oldKeys', 'snapshots', 'events', 'cursors', 'replyCursors'] as const;

/** A random id for this device (the send lease's holder). */
export function newDeviceId(): string {
  return crypto.randomUUID();
}

export function openCandorDb(name = DB_NAME): Promise<CandorDb> {
  return openDB<CandorDbSchema>(name, DB_VERSION, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 2) db.createObjectStore('replyCursors', { keyPath: ['tid', 'oid', 'folder'] });
      if (oldVersion < 3) {
        db.createObjectStore('oldKeys', { keyPath: ['tid', 'oid', 'keyId'] }).createIndex('byUser', [
          'tid',
          'oid',
        ]);
      }
      if (oldVersion >= 1 && oldVersion < 3) {
        // Keys made before v3 have no transfer copy (they were never extractable) and no device id.
        for (let c = await tx.objectStore('keys').openCursor(); c; c = await c.continue()) {
          await c.update({ ...c.value, transfer: null, deviceId: newDeviceId() });
        }
      }
      if (oldVersion >= 1) return;
      db.createObjectStore('keys', { keyPath: ['tid', 'oid'] });
      db.createObjectStore('snapshots', { keyPath: ['tid', 'oid', 'campaignId'] }).createIndex('byUser', [
        'tid',
        'oid',
      ]);
      db.createObjectStore('events', { keyPath: ['tid', 'oid', 'eventId'] }).createIndex('byUser', [
        'tid',
        'oid',
      ]);
      db.createObjectStore('cursors', { keyPath: ['tid', 'oid'] });
    },
  });
}

/**
 * Sign-out / disconnect: empties every store in one transaction, so either all of it is gone or
 * none of it. Clearing (rather than deleting the database) works while other tabs hold it open.
 */
export async function wipeAll(db: CandorDb): Promise<void> {
  const tx = db.transaction([...STORE_NAMES], 'readwrite');
  await Promise.all([...STORE_NAMES.map((s) => tx.objectStore(s).clear()), tx.done]);
}
