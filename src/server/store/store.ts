/**
 * The Store contract: everything the tracking backend keeps, behind one interface that the SQLite
 * (embedded default) and PostgreSQL (scale-out) backends both implement and one test suite checks.
 *
 * Rules every implementation keeps:
 * - Every key is led by the tenant id (`tid`), so the data can later be distributed by tenant.
 * - Times are epoch milliseconds from the caller's Clock; the store never reads the wall clock.
 * - Ids crossing this interface are strings; send and event ids are canonical base64url of 16
 *   random bytes (22 characters) and are stored as bytes.
 * - Nothing here holds personal data in clear: event contents are `sealed` ciphertext; prospect
 *   names and addresses never reach the server.
 */
import type { RequestCount } from './request-counts';
import type { UserChangeFeed } from './user-changes';

export type { RequestCount } from './request-counts';

export type Verdict = 'human' | 'proxy' | 'scanner';
export type EventKind = 'open' | 'reply';

/** Row counts per table, used by deletion results, purge progress and deletion records. */
export interface TableCounts {
  events: number;
  sends: number;
  campaignStates: number;
  users: number;
  tenants: number;
  /** Recovery, split and tenant backups of the user's private key (ciphertext only). */
  keyBackups: number;
  /** Pending new-device approvals (relayed ciphertext and nonces). */
  approvals: number;
  /** Send leases (which device, until when). */
  leases: number;
  /** Wrong recovery-secret attempts (times only), counted for the attempt limit. */
  recoveryAttempts: number;
}

export interface Tenant {
  tid: string;
  /** End of the contract (epoch ms); null = open-ended. The purge runs after this. */
  contractEndsAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A user's P-256 public key for sealing, as the task pane uploaded it. */
export type PublicKeyMaterial =
  | { format: 'raw'; /** uncompressed SEC1 point, 65 bytes */ raw: Uint8Array }
  | { format: 'jwk'; jwk: JsonWebKey };

export interface UserKey {
  keyId: string;
  key: PublicKeyMaterial;
  updatedAt: number;
}

export interface User {
  tid: string;
  oid: string;
  createdAt: number;
  /** null until the task pane registers a key (or after it is removed). */
  key: UserKey | null;
}

export interface NewSend {
  /** base64url of 16 random bytes (see `newSendId()` in pixel/token). */
  sendId: string;
  trackOpens: boolean;
}

export interface Send {
  tid: string;
  oid: string;
  campaignId: string;
  sendId: string;
  trackOpens: boolean;
  createdAt: number;
}

/** What the pixel needs in one lookup: the send, the owner's current key, the tenant's contract end. */
export interface PixelSend extends Send {
  userKey: UserKey | null;
  /** Opens after the contract end are not recorded (the tenant's data is due for deletion). */
  contractEndsAt: number | null;
}

export interface EventRow {
  tid: string;
  oid: string;
  sendId: string;
  /**
   * base64url of 16 bytes; unique per user. Appending a reply's id twice is a no-op (the pane may
   * upload one again); open ids are minted by the pixel and never repeat.
   */
  eventId: string;
  kind: EventKind;
  /** Machine-open verdict for opens; null for replies. */
  verdict: Verdict | null;
  occurredAt: number;
  /** Ciphertext sealed to the user's public key; the server cannot open it. */
  sealed: Uint8Array;
  /**
   * The same two ids as 16 bytes each, when the caller holds them already (the pixel decoded the
   * send id checking its token and made the event id): the store then does not decode them again.
   */
  idBytes?: { sendId: Uint8Array; eventId: Uint8Array };
}

export interface EventPage {
  events: EventRow[];
  /** Opaque; pass back as `after` for the next page. null when there is nothing more right now. */
  next: string | null;
}

export interface CampaignState {
  campaignId: string;
  version: number;
  /** Encrypted by the task pane; opaque to the server. */
  blob: Uint8Array;
  updatedAt: number;
}

export type CampaignSummary = Omit<CampaignState, 'blob'>;

export type PutCampaignStateResult =
  { ok: true; version: number } | { ok: false; currentVersion: number | null };

export interface PurgeProgress {
  /** true once every row of the tenant, including the tenant row, is gone. */
  done: boolean;
  /** Rows deleted by this call. */
  deleted: TableCounts;
  /** Rows still left after this call. */
  remaining: number;
}

export interface PurgeCheckpoint {
  tid: string;
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Cumulative rows deleted over every batch so far. */
  deleted: TableCounts;
  /** The tenant's contract end when its purge began (null: open-ended, or unknown). */
  contractEndsAt: number | null;
}

/** Proof of a deletion. Holds no personal data: subjectRef is a keyed hash computed by the caller. */
export interface NewDeletionRecord {
  kind: 'user-disconnect' | 'tenant-purge';
  subjectRef: string;
  counts: TableCounts;
  at: number;
  /** The tenant's contract end the deletion happened under (null: open-ended). */
  contractEndsAt: number | null;
  /** Optional hash chaining, owned by the caller (e.g. SHA-256 over the previous record). */
  prevHash: string | null;
  hash: string | null;
}

export interface DeletionRecord extends NewDeletionRecord {
  id: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * This instance's own changes to users' keys, disconnects and tenants' contracts and purges, for
   * caches of them (the pixel's lookup cache). Emitted after the change is written.
   */
  readonly userChanges?: UserChangeFeed;

  /** Applies pending versioned migrations; safe to call on every start and concurrently. */
  migrate(): Promise<void>;
  /** Releases the database; pending calls settle first. */
  close(): Promise<void>;

  // Tenants (the onboarded-tenant list with contract end dates)
  upsertTenant(tenant: { tid: string; contractEndsAt: number | null }, now: number): Promise<Tenant>;
  getTenant(tid: string): Promise<Tenant | null>;
  /**
   * What the token check needs on every request, in one lookup: the tenant's contract end, and
   * whether this user's disconnect is under way. null if the tenant is not onboarded.
   */
  getAccess(tid: string, oid: string): Promise<{ contractEndsAt: number | null; leaving: boolean } | null>;
  listTenants(): Promise<Tenant[]>;

  // Users and their public keys
  upsertUser(tid: string, oid: string, now: number): Promise<User>;
  getUser(tid: string, oid: string): Promise<User | null>;
  /** Replaces the user's key (creating the user if needed). Old sealed rows keep their own format. */
  setUserKey(
    tid: string,
    oid: string,
    key: { keyId: string; key: PublicKeyMaterial },
    now: number,
  ): Promise<void>;

  /**
   * Replaces the key only if the registered key id is `expectedKeyId` (null: none registered),
   * checked and written in one serialized step; otherwise returns the registered id unchanged.
   */
  setUserKeyIf(
    tid: string,
    oid: string,
    key: { keyId: string; key: PublicKeyMaterial },
    expectedKeyId: string | null,
    now: number,
  ): Promise<{ ok: true } | { ok: false; keyId: string | null }>;

  // Sends
  /**
   * Registers a batch atomically. Throws on a duplicate or malformed send id, and with
   * SendLimitError when the user's sends in the 24 hours up to `now` plus this batch would exceed
   * `maxPerDay` (checked and written in one serialized step, so it holds across instances).
   */
  registerSends(
    tid: string,
    oid: string,
    campaignId: string,
    sends: NewSend[],
    now: number,
    limit?: { maxPerDay: number },
  ): Promise<Send[]>;
  listSends(tid: string, oid: string, campaignId: string): Promise<Send[]>;
  /** The pixel's lookup: by send id alone (the token carries no tenant). */
  getSendForPixel(sendId: string): Promise<PixelSend | null>;

  // Events
  /** Appends in ONE transaction (group commit). Resolves only after the commit is durable. */
  appendEvents(events: readonly EventRow[]): Promise<{ inserted: number }>;
  /** A user's events in arrival order, after an opaque cursor. */
  listEvents(tid: string, oid: string, options: { after?: string | null; limit: number }): Promise<EventPage>;

  // Encrypted campaign state blobs (optimistic concurrency)
  /** expectedVersion null = create; otherwise must equal the stored version. */
  putCampaignState(
    tid: string,
    oid: string,
    campaignId: string,
    blob: Uint8Array,
    expectedVersion: number | null,
    now: number,
  ): Promise<PutCampaignStateResult>;
  getCampaignState(tid: string, oid: string, campaignId: string): Promise<CampaignState | null>;
  /** The user's campaigns with stored state, by id: version and time, without the blobs. */
  listCampaigns(tid: string, oid: string): Promise<CampaignSummary[]>;

  // Retention
  /**
   * Disconnect: deletes the user's events, sends, campaign states, key and user row. First marks
   * the user as leaving and drops their key (from then on the pixel records nothing for them and
   * the API refuses them except to finish leaving). SQLite then deletes in bounded chunks, never
   * holding the event loop for long, the user row last; PostgreSQL in one transaction (its work
   * does not run on the event loop). A call after a crash part-way continues where the last one
   * stopped; the counts are those of this call.
   */
  deleteUser(tid: string, oid: string): Promise<TableCounts>;
  /**
   * Deletes up to `maxRows` of the tenant's rows in dependency order (events, sends, campaign
   * states, users, then the tenant row) and advances the purge checkpoint in the same
   * transaction, so a crash between calls loses nothing and a re-run just continues.
   */
  purgeTenantBatch(tid: string, maxRows: number, now: number): Promise<PurgeProgress>;
  /**
   * After a disconnect or a finished purge: makes the deleted rows' bytes go from the database
   * files without waiting for background maintenance. SQLite zeroes freed content on every
   * delete already (secure_delete) and here truncates the WAL when no one is writing; PostgreSQL
   * vacuums the tenant tables. Best effort: never throws, the deletion itself is already done.
   */
  reclaimDeletedSpace(): Promise<void>;
  getPurgeCheckpoint(tid: string): Promise<PurgeCheckpoint | null>;
  listPurgeCheckpoints(): Promise<PurgeCheckpoint[]>;
  /** Rows the tenant still has, per table (all zero after a finished purge). */
  countTenantRows(tid: string): Promise<TableCounts>;
  /**
   * Stores a deletion record. A finished purge has exactly one: adding a second `tenant-purge`
   * record for the same tenant and finish time stores nothing and returns null.
   */
  addDeletionRecord(record: NewDeletionRecord): Promise<DeletionRecord | null>;
  listDeletionRecords(options?: { afterId?: number; limit?: number }): Promise<DeletionRecord[]>;

  // Keys on every device (key-backup-store.ts has the types and rules)
  /** The tenant's recovery public key, set by an IT admin; null when none. */
  getTenantRecoveryKey(tid: string): Promise<TenantRecoveryKey | null>;
  /**
   * Sets or clears the tenant recovery key. Clearing also deletes the tenant's `tenant` backups
   * (sealed to a key the customer no longer wants used); returns how many went.
   */
  setTenantRecoveryKey(tid: string, key: TenantRecoveryKey | null, now: number): Promise<{ deleted: number }>;
  /** Stores (replacing) one of the user's backups, creating the user row if needed. */
  putKeyBackup(tid: string, oid: string, backup: NewKeyBackup, now: number): Promise<void>;
  /** The user's backups, by kind. */
  getKeyBackups(tid: string, oid: string): Promise<KeyBackup[]>;
  /**
   * One unlock attempt against the user's recovery backup, serialized per user across instances:
   * refused without comparing while the attempt limit holds; otherwise `matches` (a constant-time
   * compare by the caller) decides, and a wrong answer is recorded.
   */
  tryRecoveryUnlock(
    tid: string,
    oid: string,
    now: number,
    policy: AttemptPolicy,
    matches: (verifierHash: Uint8Array) => boolean,
  ): Promise<UnlockResult>;
  /**
   * Counts one API request of `subject` ("ip:<address>", "user:<tid>:<oid>") in the fixed window of
   * `windowMs` that holds `now` (src/server/store/request-counts.ts). The subject is kept only as a
   * keyed hash, and only until its window ends. PostgreSQL counts in the database, so every
   * instance sees the same count; SQLite (one instance) counts in memory.
   */
  countRequest(subject: string, windowMs: number, now: number): Promise<RequestCount>;
  /** Creates an approval, unless the user already has `maxLive` live ones (then null). Expired ones go first. */
  createApproval(
    tid: string,
    oid: string,
    approval: { id: string; commitment: string; expiresAt: number },
    now: number,
    maxLive: number,
  ): Promise<Approval | null>;
  /** The user's live approvals (expires_at > now), oldest first. */
  listApprovals(tid: string, oid: string, now: number): Promise<Approval[]>;
  getApproval(tid: string, oid: string, id: string, now: number): Promise<Approval | null>;
  /**
   * Moves a live approval from `from` to the next state with its fields, in one conditional
   * statement; null when it is not live or not in `from`.
   */
  advanceApproval(
    tid: string,
    oid: string,
    id: string,
    step: ApprovalStep,
    now: number,
  ): Promise<Approval | null>;
  /** Deletes one approval (deny or cancel); true when it existed. */
  deleteApproval(tid: string, oid: string, id: string): Promise<boolean>;
  /**
   * Takes or renews the campaign's send lease in ONE statement: granted when there is none, it has
   * lapsed (expiresAt <= now) or `deviceId` already holds it; otherwise the holder's expiry.
   */
  takeLease(
    tid: string,
    oid: string,
    campaignId: string,
    lease: { deviceId: string; seconds: number },
    now: number,
  ): Promise<LeaseResult>;
  /** Releases the lease if `deviceId` holds it; true when it did. */
  releaseLease(tid: string, oid: string, campaignId: string, deviceId: string): Promise<boolean>;
  /** Replaces the ciphertext of the user's own event (re-seal after rotation); false when not theirs. */
  replaceEventSealed(tid: string, oid: string, eventId: string, sealed: Uint8Array): Promise<boolean>;
}

export type KeyBackupKind = 'recovery' | 'split' | 'tenant';

export interface TenantRecoveryKey {
  /** publicKeyId of the point: first 16 bytes of its SHA-256, base64url. */
  keyId: string;
  /** Uncompressed P-256 point, 65 bytes. */
  publicKey: Uint8Array;
  updatedAt: number;
}

/** What a backup row holds, per kind; `data` is ciphertext (recovery, tenant) or a share (split). */
export type NewKeyBackup =
  | { kind: 'recovery'; keyId: string; header: string; data: Uint8Array; verifierHash: Uint8Array }
  | { kind: 'split'; keyId: string; data: Uint8Array }
  | { kind: 'tenant'; keyId: string; tenantKeyId: string; data: Uint8Array };

export type KeyBackup = NewKeyBackup & { createdAt: number };

/** The attempt limit: at most `max` wrong answers in each rolling window. */
export interface AttemptPolicy {
  windows: { ms: number; max: number }[];
}

export type UnlockResult =
  | { kind: 'no-backup' }
  | { kind: 'unlocked'; keyId: string; wrapped: Uint8Array }
  | { kind: 'wrong-secret'; attemptsLeft: number }
  | { kind: 'too-many-attempts'; retryAfterMs: number };

export type ApprovalState = 'created' | 'responded' | 'revealed' | 'granted';

export interface Approval {
  id: string;
  state: ApprovalState;
  commitment: string;
  responderNonce: string | null;
  publicKey: string | null;
  nonce: string | null;
  keyId: string | null;
  sealedKey: string | null;
  createdAt: number;
  expiresAt: number;
}

/** One state change of an approval: the only moves there are, in order. */
export type ApprovalStep =
  | { from: 'created'; to: 'responded'; responderNonce: string }
  | { from: 'responded'; to: 'revealed'; publicKey: string; nonce: string }
  | { from: 'revealed'; to: 'granted'; keyId: string; sealedKey: string };

export type LeaseResult =
  | { granted: true; deviceId: string; expiresAt: number; seconds: number }
  | { granted: false; expiresAt: number };

/** Thrown for a malformed id, key, limit or cursor passed in by a caller (an API maps it to 400). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

/** The rolling window of the per-user send limit. */
export const SEND_WINDOW_MS = 24 * 3600 * 1000;

/** Thrown by registerSends when the batch would exceed the user's sends per rolling 24 hours. */
export class SendLimitError extends Error {
  override readonly name = 'SendLimitError';
  constructor(
    readonly maxPerDay: number,
    /** Sends the user may still register right now. */
    readonly remaining: number,
    /** Until enough of the window frees for this batch; null if the batch alone exceeds the limit. */
    readonly retryAfterMs: number | null,
  ) {
    super('send limit reached');
  }
}

/** Thrown by registerSends for a send id that already exists. */
export class DuplicateSendError extends Error {
  override readonly name = 'DuplicateSendError';
}

export const zeroCounts = (): TableCounts => ({
  events: 0,
  sends: 0,
  campaignStates: 0,
  users: 0,
  tenants: 0,
  keyBackups: 0,
  approvals: 0,
  leases: 0,
  recoveryAttempts: 0,
});
