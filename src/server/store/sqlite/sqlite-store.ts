/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so every
 * transaction here is atomic with respect to the event loop; methods are async only to share the
 * Store contract with PostgreSQL.
 *
 * Event appends are the exception: they run on a writer thread with its own connection
 * (event-writer.ts), so a COMMIT's fsync does not hold up the event loop.
 *
 * Durability: synchronous=FULL by default, so a COMMIT has reached the disk (fsync) before
 * appendEvents resolves — the pixel's "every 200 is committed" holds across a power loss, not only
 * a process crash. NORMAL is available for measurement (see docs/backend-storage.md).
 */
import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers';
import Database from 'better-sqlite3';
import {
  DuplicateSendError,
  InvalidInputError,
  SEND_WINDOW_MS,
  zeroCounts,
  type CampaignState,
  type CampaignSummary,
  type DeletionRecord,
  type EventPage,
  type EventRow,
  type NewDeletionRecord,
  type NewSend,
  type PixelSend,
  type PublicKeyMaterial,
  type PurgeCheckpoint,
  type PurgeProgress,
  type PutCampaignStateResult,
  type Send,
  type Store,
  type TableCounts,
  type Tenant,
  type User,
  type Approval,
  type ApprovalStep,
  type AttemptPolicy,
  type KeyBackup,
  type LeaseResult,
  type NewKeyBackup,
  type TenantRecoveryKey,
  type UnlockResult,
} from '../store';
import type { StoreOptions } from '../create-store';
import {
  bytesToId,
  checkLimit,
  columnsToKey,
  eventIdColumns,
  idToBytes,
  keyToColumns,
  sumCounts,
} from '../rows';
import { CURSOR_KEY_BYTES, CursorCodec } from '../cursor';
import { MemoryRequestCounts, type RequestCount } from '../request-counts';
import { sendLimitError, sendToOutlast } from '../send-limit';
import { attemptAllowance, longestWindowMs } from '../recovery-limit';
import { backupColumns, toApproval, toKeyBackup } from '../key-rows';
import { sqliteMigrations } from './migrations';
import { sqliteQueries as q } from './queries';
import { ThreadedEventWriter } from './event-writer';
import { UserChangeFeed } from '../user-changes';

type Row = Record<string, unknown>;
type Statements = { -readonly [K in keyof typeof q]: Database.Statement };

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly userChanges = new UserChangeFeed();
  readonly #db: Database.Database;
  #stmts: Statements | null = null;
  #cursors: CursorCodec | null = null;
  readonly #deleteChunkRows: number;
  readonly #synchronous: 'FULL' | 'NORMAL';
  /** Event appends go through a writer thread, except for an in-memory database it cannot open. */
  readonly #events: ThreadedEventWriter | null;
  /** One SQLite file serves one instance: API request counts stay in memory (request-counts.ts). */
  readonly #requests = new MemoryRequestCounts(randomBytes(32));

  constructor(path: string, options: StoreOptions = {}) {
    const pragmas = [
      'journal_mode = WAL',
      `synchronous = ${options.sqliteSynchronous ?? 'FULL'}`,
      'foreign_keys = ON',
      // Another connection (the event writer thread, a second instance, the purge CLI) may hold
      // the write lock briefly.
      'busy_timeout = 5000',
      // Deleted rows are overwritten with zeros, not just unlinked: a disconnected user's ids and
      // ciphertext do not linger in free pages of the file (docs/backend-storage.md).
      `secure_delete = ${options.sqliteSecureDelete === false ? 'OFF' : 'ON'}`,
    ];
    this.#deleteChunkRows = options.deleteChunkRows ?? 500;
    this.#synchronous = options.sqliteSynchronous ?? 'FULL';
    this.#db = new Database(path);
    for (const p of pragmas) this.#db.pragma(p);
    this.#events =
      path === ':memory:' || path === '' || options.sqliteEventWriter === 'inline'
        ? null
        : new ThreadedEventWriter({ path, pragmas, insertSql: q.insertEvent });
  }

  get #cursor(): CursorCodec {
    if (!this.#cursors) throw new Error('SqliteStore: call migrate() first');
    return this.#cursors;
  }

  get #s(): Statements {
    if (!this.#stmts) throw new Error('SqliteStore: call migrate() first');
    return this.#stmts;
  }

  async migrate(): Promise<void> {
    const db = this.#db;
    db.exec(q.createMigrationsTable);
    const apply = db.transaction(() => {
      const done = new Set(
        (db.prepare(q.appliedVersions).all() as { version: number }[]).map((r) => r.version),
      );
      for (const m of sqliteMigrations) {
        if (done.has(m.version)) continue;
        db.exec(m.sql);
        db.prepare(q.recordMigration).run(m.version, m.name, Date.now());
      }
    });
    apply.immediate();
    const stmts = {} as Statements;
    for (const [name, sql] of Object.entries(q)) stmts[name as keyof Statements] = db.prepare(sql);
    this.#stmts = stmts;
    stmts.createSecret.run('event-cursor', randomBytes(CURSOR_KEY_BYTES));
    this.#cursors = new CursorCodec((stmts.getSecret.get('event-cursor') as { secret: Buffer }).secret);
  }

  async close(): Promise<void> {
    await this.#events?.close();
    if (this.#db.open) this.#db.close();
  }

  async upsertTenant(t: { tid: string; contractEndsAt: number | null }, now: number): Promise<Tenant> {
    this.#s.upsertTenant.run({ tid: t.tid, contractEndsAt: t.contractEndsAt, now });
    this.userChanges.emit(t.tid, null);
    return (await this.getTenant(t.tid)) as Tenant;
  }

  async getTenant(tid: string): Promise<Tenant | null> {
    const row = this.#s.getTenant.get(tid) as Row | undefined;
    return row ? toTenant(row) : null;
  }

  async listTenants(): Promise<Tenant[]> {
    return (this.#s.listTenants.all() as Row[]).map(toTenant);
  }

  async upsertUser(tid: string, oid: string, now: number): Promise<User> {
    this.#s.upsertUser.run(tid, oid, now);
    return (await this.getUser(tid, oid)) as User;
  }

  async getUser(tid: string, oid: string): Promise<User | null> {
    const row = this.#s.getUser.get(tid, oid) as Row | undefined;
    if (!row) return null;
    return {
      tid: row.tid as string,
      oid: row.oid as string,
      createdAt: row.created_at as number,
      key: keyOf(row),
    };
  }

  async setUserKey(
    tid: string,
    oid: string,
    key: { keyId: string; key: PublicKeyMaterial },
    now: number,
  ): Promise<void> {
    const { format, material } = keyToColumns(key.key);
    this.#db.transaction(() => {
      this.#s.upsertUser.run(tid, oid, now);
      this.#s.setUserKey.run({ tid, oid, keyId: key.keyId, format, material, now });
    })();
    this.userChanges.emit(tid, oid);
  }

  async setUserKeyIf(
    tid: string,
    oid: string,
    key: { keyId: string; key: PublicKeyMaterial },
    expectedKeyId: string | null,
    now: number,
  ): Promise<{ ok: true } | { ok: false; keyId: string | null }> {
    const { format, material } = keyToColumns(key.key);
    const result = this.#db
      .transaction((): { ok: true } | { ok: false; keyId: string | null } => {
        this.#s.upsertUser.run(tid, oid, now);
        const current = ((this.#s.getUser.get(tid, oid) as Row).key_id as string | null) ?? null;
        if (current !== expectedKeyId) return { ok: false, keyId: current };
        this.#s.setUserKey.run({ tid, oid, keyId: key.keyId, format, material, now });
        return { ok: true };
      })
      .immediate();
    if (result.ok) this.userChanges.emit(tid, oid);
    return result;
  }

  async registerSends(
    tid: string,
    oid: string,
    campaignId: string,
    sends: NewSend[],
    now: number,
    limit?: { maxPerDay: number },
  ): Promise<Send[]> {
    const rows = sends.map((s) => ({ ...s, bytes: idToBytes(s.sendId, 'sendId') }));
    const since = now - SEND_WINDOW_MS;
    try {
      this.#db
        .transaction(() => {
          // Counted and inserted in one write transaction: no other registration can come between.
          if (limit) {
            const recent = (this.#s.countRecentSends.get(tid, oid, since) as { n: number }).n;
            const k = sendToOutlast(limit.maxPerDay, recent, rows.length);
            if (k !== null) {
              const row = this.#s.nthRecentSend.get(tid, oid, since, k) as Row | undefined;
              throw sendLimitError(limit.maxPerDay, recent, now, row ? (row.created_at as number) : null);
            }
          }
          this.#s.upsertUser.run(tid, oid, now);
          for (const r of rows) {
            this.#s.insertSend.run(tid, r.bytes, oid, campaignId, r.trackOpens ? 1 : 0, now);
          }
        })
        .immediate();
    } catch (e) {
      if (
        (e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY') ||
        (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'
      ) {
        throw new DuplicateSendError('send id already registered');
      }
      throw e;
    }
    return rows.map((r) => ({
      tid,
      oid,
      campaignId,
      sendId: r.sendId,
      trackOpens: r.trackOpens,
      createdAt: now,
    }));
  }

  async listSends(tid: string, oid: string, campaignId: string): Promise<Send[]> {
    return (this.#s.listSends.all(tid, oid, campaignId) as Row[]).map(toSend);
  }

  async getSendForPixel(sendId: string): Promise<PixelSend | null> {
    const row = this.#s.getSendForPixel.get(idToBytes(sendId, 'sendId')) as Row | undefined;
    return row
      ? {
          ...toSend(row),
          userKey: keyOf(row),
          contractEndsAt: (row.contract_ends_at as number | null) ?? null,
        }
      : null;
  }

  async appendEvents(events: readonly EventRow[]): Promise<{ inserted: number }> {
    const params = events.map(toEventParams);
    if (this.#events) return { inserted: await this.#events.write(params) };
    let inserted = 0;
    this.#db.transaction(() => {
      for (const p of params) inserted += this.#s.insertEvent.run(...p).changes;
    })();
    return { inserted };
  }

  async listEvents(
    tid: string,
    oid: string,
    options: { after?: string | null; limit: number },
  ): Promise<EventPage> {
    const limit = checkLimit(options.limit);
    const after = BigInt(this.#cursor.decode(tid, oid, options.after));
    const rows = this.#s.listEvents.all(tid, oid, after, limit) as Row[];
    const last = rows.at(-1);
    return {
      events: rows.map(toEvent),
      next: last ? this.#cursor.encode(tid, oid, last.seq as number) : (options.after ?? null),
    };
  }

  async putCampaignState(
    tid: string,
    oid: string,
    campaignId: string,
    blob: Uint8Array,
    expectedVersion: number | null,
    now: number,
  ): Promise<PutCampaignStateResult> {
    return this.#db
      .transaction((): PutCampaignStateResult => {
        const data = Buffer.from(blob);
        if (expectedVersion === null) {
          this.#s.upsertUser.run(tid, oid, now);
          if (this.#s.insertCampaignState.run(tid, oid, campaignId, data, now).changes === 1) {
            return { ok: true, version: 1 };
          }
        } else if (
          this.#s.updateCampaignState.run(data, now, tid, oid, campaignId, expectedVersion).changes === 1
        ) {
          return { ok: true, version: expectedVersion + 1 };
        }
        const cur = this.#s.getCampaignState.get(tid, oid, campaignId) as Row | undefined;
        return { ok: false, currentVersion: cur ? (cur.version as number) : null };
      })
      .immediate();
  }

  async getCampaignState(tid: string, oid: string, campaignId: string): Promise<CampaignState | null> {
    const row = this.#s.getCampaignState.get(tid, oid, campaignId) as Row | undefined;
    if (!row) return null;
    return {
      campaignId: row.campaign_id as string,
      version: row.version as number,
      blob: new Uint8Array(row.blob as Buffer),
      updatedAt: row.updated_at as number,
    };
  }

  async listCampaigns(tid: string, oid: string): Promise<CampaignSummary[]> {
    return (this.#s.listCampaigns.all(tid, oid) as Row[]).map((r) => ({
      campaignId: r.campaign_id as string,
      version: r.version as number,
      updatedAt: r.updated_at as number,
    }));
  }

  async deleteUser(tid: string, oid: string): Promise<TableCounts> {
    const counts = zeroCounts();
    // 1. One transaction: the user is leaving and their key is gone. From here the pixel records
    //    nothing for them and the API refuses them except DELETE /me, which finishes this.
    this.#s.markLeaving.run(tid, oid);
    this.userChanges.emit(tid, oid);
    // 2. Bounded chunks, yielding to the event loop between them: other requests are served while
    //    a large history is deleted (docs/backend-storage.md has the measurement).
    //    Chunks commit without their own fsync (synchronous=NORMAL, set and reset within the same
    //    synchronous step, so no other write on this connection ever runs with it): the FULL
    //    commit of step 3 syncs the WAL, and every chunk before it with it. A power loss before
    //    then loses only chunks, which the next DELETE /me deletes again.
    const chunk = this.#deleteChunkRows;
    let chunks = 0;
    const inChunks = async (step: () => number): Promise<number> => {
      let total = 0;
      for (;;) {
        // No automatic checkpoint on this connection either: its copying and fsync would run
        // here, on the event loop; the writer thread checkpoints instead, between chunks.
        this.#db.pragma('synchronous = NORMAL');
        this.#db.pragma('wal_autocheckpoint = 0');
        let n: number;
        try {
          n = this.#db.transaction(step).immediate();
        } finally {
          this.#db.pragma(`synchronous = ${this.#synchronous}`);
          this.#db.pragma('wal_autocheckpoint = 1000');
        }
        total += n;
        if (n < chunk) return total;
        if (this.#events && ++chunks % 10 === 0)
          await this.#events.checkpoint('PASSIVE').catch(() => undefined);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    counts.events = await inChunks(() => this.#s.deleteUserEventsChunk.run(tid, oid, chunk).changes);
    counts.sends = await inChunks(() => this.#s.deleteUserSendsChunk.run(tid, tid, oid, chunk).changes);
    // 3. The rest in one transaction, with anything that raced in meanwhile; the user row last.
    //    The writer thread first syncs the WAL the chunks wrote, so this FULL commit's own fsync
    //    on the event loop has little left to flush.
    if (this.#events) await this.#events.checkpoint('PASSIVE').catch(() => undefined);
    this.#db
      .transaction(() => {
        counts.events += this.#s.deleteUserEvents.run(tid, oid).changes;
        counts.sends += this.#s.deleteUserSends.run(tid, oid).changes;
        counts.campaignStates = this.#s.deleteUserCampaignStates.run(tid, oid).changes;
        counts.keyBackups = this.#s.deleteUserKeyBackups.run(tid, oid).changes;
        counts.approvals = this.#s.deleteUserApprovals.run(tid, oid).changes;
        counts.leases = this.#s.deleteUserLeases.run(tid, oid).changes;
        counts.recoveryAttempts = this.#s.deleteUserRecoveryAttempts.run(tid, oid).changes;
        counts.users = this.#s.deleteUser.run(tid, oid).changes;
      })
      .immediate();
    this.userChanges.emit(tid, oid);
    return counts;
  }

  async getAccess(
    tid: string,
    oid: string,
  ): Promise<{ contractEndsAt: number | null; leaving: boolean } | null> {
    const row = this.#s.getAccess.get(oid, tid) as Row | undefined;
    return row
      ? { contractEndsAt: (row.contract_ends_at as number | null) ?? null, leaving: row.leaving === 1 }
      : null;
  }

  async purgeTenantBatch(tid: string, maxRows: number, now: number): Promise<PurgeProgress> {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new InvalidInputError('maxRows must be >= 1');
    const progress = this.#db
      .transaction((): PurgeProgress => {
        const deleted = zeroCounts();
        // Read before any row goes: the batch that deletes the tenant row still records it.
        const tenant = this.#s.getTenant.get(tid) as Row | undefined;
        let budget = maxRows;
        // Children before parents, so every foreign key holds at every step.
        deleted.events = this.#s.purgeEvents.run(tid, budget).changes;
        budget -= deleted.events;
        if (budget > 0) budget -= deleted.sends = this.#s.purgeSends.run(tid, tid, budget).changes;
        if (budget > 0) {
          budget -= deleted.campaignStates = this.#s.purgeCampaignStates.run(tid, tid, budget).changes;
        }
        if (budget > 0) budget -= deleted.keyBackups = this.#s.purgeKeyBackups.run(tid, tid, budget).changes;
        if (budget > 0) budget -= deleted.approvals = this.#s.purgeApprovals.run(tid, tid, budget).changes;
        if (budget > 0) budget -= deleted.leases = this.#s.purgeLeases.run(tid, tid, budget).changes;
        if (budget > 0) {
          budget -= deleted.recoveryAttempts = this.#s.purgeRecoveryAttempts.run(tid, tid, budget).changes;
        }
        if (budget > 0) budget -= deleted.users = this.#s.purgeUsers.run(tid, tid, budget).changes;
        let left = countsOf(this.#s.countTenantRows.get({ tid }) as Row);
        if (budget > 0 && sumCounts(left) === left.tenants) {
          deleted.tenants = this.#s.purgeTenant.run(tid).changes;
          left = { ...left, tenants: 0 };
        }
        const remaining = sumCounts(left);
        this.#s.advancePurgeCheckpoint.run({
          tid,
          now,
          finishedAt: remaining === 0 ? now : null,
          contractEndsAt: (tenant?.contract_ends_at as number | null | undefined) ?? null,
          ...deleted,
        });
        return { done: remaining === 0, deleted, remaining };
      })
      .immediate();
    this.userChanges.emit(tid, null);
    return progress;
  }

  async reclaimDeletedSpace(): Promise<void> {
    // The WAL still holds page images from before the delete: copy them back and empty it.
    try {
      if (this.#events) {
        await this.#events.checkpoint('TRUNCATE'); // on the writer thread, off the event loop
        return;
      }
      // No writer thread (in-memory or inline): only if nobody is writing, never waiting.
      this.#db.pragma('busy_timeout = 0');
      try {
        this.#db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        this.#db.pragma('busy_timeout = 5000');
      }
    } catch {
      // Busy or closed: the next automatic checkpoint reuses the WAL from its start.
    }
  }

  async getPurgeCheckpoint(tid: string): Promise<PurgeCheckpoint | null> {
    const row = this.#s.getPurgeCheckpoint.get(tid) as Row | undefined;
    return row ? toCheckpoint(row) : null;
  }

  async listPurgeCheckpoints(): Promise<PurgeCheckpoint[]> {
    return (this.#s.listPurgeCheckpoints.all() as Row[]).map(toCheckpoint);
  }

  async countTenantRows(tid: string): Promise<TableCounts> {
    return countsOf(this.#s.countTenantRows.get({ tid }) as Row);
  }

  async addDeletionRecord(record: NewDeletionRecord): Promise<DeletionRecord | null> {
    const info = this.#s.addDeletionRecord.run({ ...record, counts: JSON.stringify(record.counts) });
    return info.changes === 0 ? null : { ...record, id: Number(info.lastInsertRowid) };
  }

  async listDeletionRecords(options: { afterId?: number; limit?: number } = {}): Promise<DeletionRecord[]> {
    const rows = this.#s.listDeletionRecords.all(
      options.afterId ?? 0,
      checkLimit(options.limit ?? 100),
    ) as Row[];
    return rows.map(toDeletionRecord);
  }

  async getTenantRecoveryKey(tid: string): Promise<TenantRecoveryKey | null> {
    const row = this.#s.getTenantRecoveryKey.get(tid) as Row | undefined;
    return row ? toRecoveryKey(row) : null;
  }

  async setTenantRecoveryKey(
    tid: string,
    key: TenantRecoveryKey | null,
    now: number,
  ): Promise<{ deleted: number }> {
    return this.#db
      .transaction(() => {
        const changed = this.#s.setTenantRecoveryKey.run({
          tid,
          keyId: key?.keyId ?? null,
          publicKey: key ? Buffer.from(key.publicKey) : null,
          now: key ? now : null,
        }).changes;
        if (changed === 0) throw new InvalidInputError('tenant is not onboarded');
        return { deleted: key ? 0 : this.#s.deleteTenantBackupsOfTenant.run(tid).changes };
      })
      .immediate();
  }

  async putKeyBackup(tid: string, oid: string, backup: NewKeyBackup, now: number): Promise<void> {
    this.#db.transaction(() => {
      this.#s.upsertUser.run(tid, oid, now);
      this.#s.putKeyBackup.run({ tid, oid, now, ...backupColumns(backup) });
    })();
  }

  async getKeyBackups(tid: string, oid: string): Promise<KeyBackup[]> {
    return (this.#s.getKeyBackups.all(tid, oid) as Row[]).map(toKeyBackup);
  }

  async countRequest(subject: string, windowMs: number, now: number): Promise<RequestCount> {
    return this.#requests.count(subject, windowMs, now);
  }

  async tryRecoveryUnlock(
    tid: string,
    oid: string,
    now: number,
    policy: AttemptPolicy,
    matches: (verifierHash: Uint8Array) => boolean,
  ): Promise<UnlockResult> {
    // One write transaction: no other attempt (this instance or another) comes between count and record.
    return this.#db
      .transaction((): UnlockResult => {
        const backup = this.#s.getRecoveryBackup.get(tid, oid) as Row | undefined;
        if (!backup) return { kind: 'no-backup' };
        this.#s.pruneRecoveryAttempts.run(tid, oid, now - longestWindowMs(policy));
        const wrongAt = (this.#s.listRecoveryAttempts.all(tid, oid) as Row[]).map((r) => r.at as number);
        const allowance = attemptAllowance(policy, wrongAt, now);
        if (allowance.waitMs !== null) return { kind: 'too-many-attempts', retryAfterMs: allowance.waitMs };
        if (matches(new Uint8Array(backup.verifier_hash as Buffer))) {
          return {
            kind: 'unlocked',
            keyId: backup.key_id as string,
            wrapped: new Uint8Array(backup.data as Buffer),
          };
        }
        this.#s.addRecoveryAttempt.run(tid, oid, now);
        return { kind: 'wrong-secret', attemptsLeft: allowance.left - 1 };
      })
      .immediate();
  }

  async createApproval(
    tid: string,
    oid: string,
    approval: { id: string; commitment: string; expiresAt: number },
    now: number,
    maxLive: number,
  ): Promise<Approval | null> {
    return this.#db
      .transaction((): Approval | null => {
        this.#s.upsertUser.run(tid, oid, now);
        this.#s.deleteExpiredApprovals.run(tid, oid, now);
        if ((this.#s.countApprovals.get(tid, oid) as { n: number }).n >= maxLive) return null;
        this.#s.insertApproval.run(tid, oid, approval.id, approval.commitment, now, approval.expiresAt);
        return toApproval(this.#s.getApproval.get(tid, oid, approval.id, now) as Row);
      })
      .immediate();
  }

  async listApprovals(tid: string, oid: string, now: number): Promise<Approval[]> {
    this.#s.deleteExpiredApprovals.run(tid, oid, now);
    return (this.#s.listApprovals.all(tid, oid, now) as Row[]).map(toApproval);
  }

  async getApproval(tid: string, oid: string, id: string, now: number): Promise<Approval | null> {
    const row = this.#s.getApproval.get(tid, oid, id, now) as Row | undefined;
    return row ? toApproval(row) : null;
  }

  async advanceApproval(
    tid: string,
    oid: string,
    id: string,
    step: ApprovalStep,
    now: number,
  ): Promise<Approval | null> {
    const where = { tid, oid, id, now };
    const row = (
      step.to === 'responded'
        ? this.#s.respondApproval.get({ ...where, responderNonce: step.responderNonce })
        : step.to === 'revealed'
          ? this.#s.revealApproval.get({ ...where, publicKey: step.publicKey, nonce: step.nonce })
          : this.#s.grantApproval.get({ ...where, keyId: step.keyId, sealedKey: step.sealedKey })
    ) as Row | undefined;
    return row ? toApproval(row) : null;
  }

  async deleteApproval(tid: string, oid: string, id: string): Promise<boolean> {
    return this.#s.deleteApproval.run(tid, oid, id).changes > 0;
  }

  async takeLease(
    tid: string,
    oid: string,
    campaignId: string,
    lease: { deviceId: string; seconds: number },
    now: number,
  ): Promise<LeaseResult> {
    return this.#db
      .transaction((): LeaseResult => {
        this.#s.upsertUser.run(tid, oid, now);
        const row = this.#s.takeLease.get({
          tid,
          oid,
          campaignId,
          deviceId: lease.deviceId,
          seconds: lease.seconds,
          expiresAt: now + lease.seconds * 1000,
          now,
        }) as Row | undefined;
        if (row) {
          return {
            granted: true,
            deviceId: row.device_id as string,
            seconds: row.seconds as number,
            expiresAt: row.expires_at as number,
          };
        }
        const held = this.#s.getLease.get(tid, oid, campaignId) as Row;
        return { granted: false, expiresAt: held.expires_at as number };
      })
      .immediate();
  }

  async releaseLease(tid: string, oid: string, campaignId: string, deviceId: string): Promise<boolean> {
    return this.#s.releaseLease.run(tid, oid, campaignId, deviceId).changes > 0;
  }

  async replaceEventSealed(tid: string, oid: string, eventId: string, sealed: Uint8Array): Promise<boolean> {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    return this.#s.replaceEventSealed.run(bytes, tid, oid, idToBytes(eventId, 'eventId')).changes > 0;
  }
}

const toRecoveryKey = (row: Row): TenantRecoveryKey => ({
  keyId: row.recovery_key_id as string,
  publicKey: new Uint8Array(row.recovery_public_key as Buffer),
  updatedAt: Number(row.recovery_key_updated_at),
});

const keyOf = (row: Row) =>
  columnsToKey(
    row.key_id as string | null,
    row.key_format as string | null,
    row.key_material as Buffer | null,
    row.key_updated_at as number | null,
  );

const toTenant = (row: Row): Tenant => ({
  tid: row.tid as string,
  contractEndsAt: (row.contract_ends_at as number | null) ?? null,
  createdAt: row.created_at as number,
  updatedAt: row.updated_at as number,
});

const toSend = (row: Row): Send => ({
  tid: row.tid as string,
  oid: row.oid as string,
  campaignId: row.campaign_id as string,
  sendId: bytesToId(row.send_id as Buffer),
  trackOpens: row.track_opens === 1,
  createdAt: row.created_at as number,
});

/** The insertEvent statement's parameters, in order (it repeats tid, send id and oid for its guard). */
function toEventParams(e: EventRow): unknown[] {
  const tid = e.tid;
  const { sendId, eventId } = eventIdColumns(e);
  const sealed = Buffer.from(e.sealed.buffer, e.sealed.byteOffset, e.sealed.byteLength);
  return [tid, eventId, e.oid, sendId, e.kind, e.verdict, e.occurredAt, sealed, tid, sendId, e.oid];
}

const toEvent = (row: Row): EventRow => ({
  tid: row.tid as string,
  oid: row.oid as string,
  sendId: bytesToId(row.send_id as Buffer),
  eventId: bytesToId(row.event_id as Buffer),
  kind: row.kind as EventRow['kind'],
  verdict: (row.verdict as EventRow['verdict']) ?? null,
  occurredAt: row.occurred_at as number,
  sealed: new Uint8Array(row.sealed as Buffer),
});

const countsOf = (row: Row): TableCounts => ({
  events: Number(row.events),
  sends: Number(row.sends),
  campaignStates: Number(row.campaign_states),
  users: Number(row.users),
  tenants: Number(row.tenants),
  keyBackups: Number(row.key_backups),
  approvals: Number(row.approvals),
  leases: Number(row.leases),
  recoveryAttempts: Number(row.recovery_attempts),
});

const toCheckpoint = (row: Row): PurgeCheckpoint => ({
  tid: row.tid as string,
  startedAt: row.started_at as number,
  updatedAt: row.updated_at as number,
  finishedAt: (row.finished_at as number | null) ?? null,
  contractEndsAt: (row.contract_ends_at as number | null) ?? null,
  deleted: {
    events: row.deleted_events as number,
    sends: row.deleted_sends as number,
    campaignStates: row.deleted_campaign_states as number,
    users: row.deleted_users as number,
    tenants: row.deleted_tenants as number,
    keyBackups: row.deleted_key_backups as number,
    approvals: row.deleted_approvals as number,
    leases: row.deleted_leases as number,
    recoveryAttempts: row.deleted_recovery_attempts as number,
  },
});

const toDeletionRecord = (row: Row): DeletionRecord => ({
  id: row.id as number,
  kind: row.kind as DeletionRecord['kind'],
  subjectRef: row.subject_ref as string,
  counts: { ...zeroCounts(), ...(JSON.parse(row.counts as string) as Partial<TableCounts>) },
  at: row.at as number,
  contractEndsAt: (row.contract_ends_at as number | null) ?? null,
  prevHash: (row.prev_hash as string | null) ?? null,
  hash: (row.hash as string | null) ?? null,
});
