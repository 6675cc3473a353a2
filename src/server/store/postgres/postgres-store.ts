/**
 * The scale-out store: PostgreSQL through a pg Pool. Any number of stateless instances can share
 * it. A commit returns after the WAL is flushed (synchronous_commit=on, the default), which is what
 * the pixel's "every 200 is committed" relies on.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
import { fixedWindow, subjectKey, type RequestCount } from '../request-counts';
import { sendLimitError, sendToOutlast } from '../send-limit';
import { attemptAllowance, longestWindowMs } from '../recovery-limit';
import { backupColumns, toApproval, toKeyBackup } from '../key-rows';
import { postgresMigrations } from './migrations';
import { postgresQueries as q } from './queries';
import { UserChangeFeed } from '../user-changes';

type Row = Record<string, unknown>;
const FOREIGN_KEY_VIOLATION = '23503';
const DEADLOCK_DETECTED = '40P01';
const UNIQUE_VIOLATION = '23505';
const sqlState = (e: unknown) => (e as { code?: string }).code;

/** Request-count rows whose window is over are deleted at least this often (per instance). */
const REQUEST_SWEEP_EVERY_MS = 60_000;

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly userChanges = new UserChangeFeed();
  readonly #pool: pg.Pool;
  #cursors: CursorCodec | null = null;
  /** Keys the subjects of request counts; one secret in the database, so every instance agrees. */
  #requestSecret: Buffer | null = null;
  #lastRequestSweep = Number.NEGATIVE_INFINITY;
  #vacuum: Promise<void> | null = null;
  #vacuumAgain: Promise<void> | null = null;

  constructor(url: string, options: StoreOptions = {}) {
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      // A hung database must turn into errors (the pixel then answers 503), not requests that
      // wait forever holding the group-commit buffer.
      connectionTimeoutMillis: 10_000,
      query_timeout: 60_000,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
  }

  async #tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.#pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async #rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.#pool.query(sql, params)).rows as Row[];
  }

  async migrate(): Promise<void> {
    await this.#tx(async (c) => {
      await c.query(q.lockMigrations);
      await c.query(q.createMigrationsTable);
      const done = new Set(
        (await c.query(q.appliedVersions)).rows.map((r: { version: number }) => r.version),
      );
      for (const m of postgresMigrations) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query(q.recordMigration, [m.version, m.name, Date.now()]);
      }
    });
    this.#cursors = new CursorCodec(await this.#sharedSecret('event-cursor', CURSOR_KEY_BYTES));
    this.#requestSecret = await this.#sharedSecret('request-counts', 32);
  }

  /** A secret every instance shares: the first to start creates it, the others read the same. */
  async #sharedSecret(name: string, bytes: number): Promise<Buffer> {
    await this.#pool.query(q.createSecret, [name, randomBytes(bytes)]);
    const [row] = await this.#rows(q.getSecret, [name]);
    return row?.secret as Buffer;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async upsertTenant(t: { tid: string; contractEndsAt: number | null }, now: number): Promise<Tenant> {
    const [row] = await this.#rows(q.upsertTenant, [t.tid, t.contractEndsAt, now]);
    this.userChanges.emit(t.tid, null);
    return toTenant(row as Row);
  }

  async getTenant(tid: string): Promise<Tenant | null> {
    const [row] = await this.#rows(q.getTenant, [tid]);
    return row ? toTenant(row) : null;
  }

  async getAccess(
    tid: string,
    oid: string,
  ): Promise<{ contractEndsAt: number | null; leaving: boolean } | null> {
    const [row] = await this.#rows(q.getAccess, [tid, oid]);
    return row
      ? { contractEndsAt: nullableNumber(row.contract_ends_at), leaving: row.leaving === true }
      : null;
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.#rows(q.listTenants, [])).map(toTenant);
  }

  async upsertUser(tid: string, oid: string, now: number): Promise<User> {
    await this.#pool.query(q.upsertUser, [tid, oid, now]);
    return (await this.getUser(tid, oid)) as User;
  }

  async getUser(tid: string, oid: string): Promise<User | null> {
    const [row] = await this.#rows(q.getUser, [tid, oid]);
    if (!row) return null;
    return {
      tid: row.tid as string,
      oid: row.oid as string,
      createdAt: Number(row.created_at),
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
    await this.#tx(async (c) => {
      await c.query(q.upsertUser, [tid, oid, now]);
      await c.query(q.setUserKey, [tid, oid, key.keyId, format, material, now]);
    });
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
    const result = await this.#tx(async (c): Promise<{ ok: true } | { ok: false; keyId: string | null }> => {
      await c.query(q.upsertUser, [tid, oid, now]);
      const [row] = (await c.query(q.lockUserKey, [tid, oid])).rows as Row[];
      const current = (row?.key_id as string | null | undefined) ?? null;
      if (current !== expectedKeyId) return { ok: false, keyId: current };
      await c.query(q.setUserKey, [tid, oid, key.keyId, format, material, now]);
      return { ok: true };
    });
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
    const ids = sends.map((s) => idToBytes(s.sendId, 'sendId'));
    const since = now - SEND_WINDOW_MS;
    try {
      await this.#tx(async (c) => {
        await c.query(q.upsertUser, [tid, oid, now]);
        if (limit) {
          // The user's row lock serializes their registrations on every instance: count, then insert.
          await c.query(q.lockUser, [tid, oid]);
          const recent = Number((await c.query(q.countRecentSends, [tid, oid, since])).rows[0]?.n ?? 0);
          const k = sendToOutlast(limit.maxPerDay, recent, ids.length);
          if (k !== null) {
            const [row] = (await c.query(q.nthRecentSend, [tid, oid, since, k])).rows as Row[];
            throw sendLimitError(limit.maxPerDay, recent, now, row ? Number(row.created_at) : null);
          }
        }
        await c.query(q.insertSends, [tid, oid, campaignId, now, ids, sends.map((s) => s.trackOpens)]);
      });
    } catch (e) {
      if (sqlState(e) === UNIQUE_VIOLATION) throw new DuplicateSendError('send id already registered');
      throw e;
    }
    return sends.map((s) => ({
      tid,
      oid,
      campaignId,
      sendId: s.sendId,
      trackOpens: s.trackOpens,
      createdAt: now,
    }));
  }

  async listSends(tid: string, oid: string, campaignId: string): Promise<Send[]> {
    return (await this.#rows(q.listSends, [tid, oid, campaignId])).map(toSend);
  }

  async getSendForPixel(sendId: string): Promise<PixelSend | null> {
    // Named = prepared once per connection: the pixel's hot path skips parse and plan.
    const { rows } = await this.#pool.query({
      name: 'getSendForPixel',
      text: q.getSendForPixel,
      values: [idToBytes(sendId, 'sendId')],
    });
    const row = rows[0] as Row | undefined;
    return row
      ? { ...toSend(row), userKey: keyOf(row), contractEndsAt: nullableNumber(row.contract_ends_at) }
      : null;
  }

  async appendEvents(events: readonly EventRow[]): Promise<{ inserted: number }> {
    if (events.length === 0) return { inserted: 0 };
    const ids = events.map(eventIdColumns);
    const params = [
      events.map((e) => e.tid),
      ids.map((i) => i.eventId),
      events.map((e) => e.oid),
      ids.map((i) => i.sendId),
      events.map((e) => e.kind),
      events.map((e) => e.verdict),
      events.map((e) => e.occurredAt),
      events.map((e) => Buffer.from(e.sealed.buffer, e.sealed.byteOffset, e.sealed.byteLength)),
    ];
    // The join locks each send it matched (FOR KEY SHARE): a send being deleted meanwhile (a
    // disconnect, a purge) is waited for and then left out, instead of failing the FK check and
    // with it every other user's opens in the batch (they would get 503s). A deadlock with such a
    // deletion, or an FK failure all the same, is retried: the retry's join leaves the deleted out.
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.#pool.query({ name: 'insertEvents', text: q.insertEvents, values: params });
        return { inserted: r.rowCount ?? 0 };
      } catch (e) {
        const state = sqlState(e);
        if ((state !== FOREIGN_KEY_VIOLATION && state !== DEADLOCK_DETECTED) || attempt >= 4) throw e;
      }
    }
  }

  async listEvents(
    tid: string,
    oid: string,
    options: { after?: string | null; limit: number },
  ): Promise<EventPage> {
    const limit = checkLimit(options.limit);
    const cursors = this.#cursors;
    if (!cursors) throw new Error('PostgresStore: call migrate() first');
    const rows = await this.#rows(q.listEvents, [tid, oid, cursors.decode(tid, oid, options.after), limit]);
    const last = rows.at(-1);
    return {
      events: rows.map(toEvent),
      next: last ? cursors.encode(tid, oid, last.seq as string) : (options.after ?? null),
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
    const data = Buffer.from(blob);
    return this.#tx(async (c): Promise<PutCampaignStateResult> => {
      if (expectedVersion === null) {
        await c.query(q.upsertUser, [tid, oid, now]);
        const r = await c.query(q.insertCampaignState, [tid, oid, campaignId, data, now]);
        if (r.rowCount === 1) return { ok: true, version: 1 };
      } else {
        const r = await c.query(q.updateCampaignState, [tid, oid, campaignId, data, now, expectedVersion]);
        if (r.rowCount === 1) return { ok: true, version: expectedVersion + 1 };
      }
      const [cur] = (await c.query(q.getCampaignState, [tid, oid, campaignId])).rows as Row[];
      return { ok: false, currentVersion: cur ? Number(cur.version) : null };
    });
  }

  async getCampaignState(tid: string, oid: string, campaignId: string): Promise<CampaignState | null> {
    const [row] = await this.#rows(q.getCampaignState, [tid, oid, campaignId]);
    if (!row) return null;
    return {
      campaignId: row.campaign_id as string,
      version: Number(row.version),
      blob: new Uint8Array(row.blob as Buffer),
      updatedAt: Number(row.updated_at),
    };
  }

  async listCampaigns(tid: string, oid: string): Promise<CampaignSummary[]> {
    return (await this.#rows(q.listCampaigns, [tid, oid])).map((r) => ({
      campaignId: r.campaign_id as string,
      version: Number(r.version),
      updatedAt: Number(r.updated_at),
    }));
  }

  async deleteUser(tid: string, oid: string): Promise<TableCounts> {
    // One transaction: PostgreSQL works on its own processes, the event loop stays free meanwhile.
    // The leaving mark and key removal come first, as on SQLite, so the order of effects matches.
    const counts = await this.#tx(async (c): Promise<TableCounts> => {
      await c.query(q.markLeaving, [tid, oid]);
      await c.query(q.lockUserSends, [tid, oid]);
      const n = async (sql: string) => (await c.query(sql, [tid, oid])).rowCount ?? 0;
      const events = await n(q.deleteUserEvents);
      const sends = await n(q.deleteUserSends);
      const campaignStates = await n(q.deleteUserCampaignStates);
      const keyBackups = await n(q.deleteUserKeyBackups);
      const approvals = await n(q.deleteUserApprovals);
      const leases = await n(q.deleteUserLeases);
      const recoveryAttempts = await n(q.deleteUserRecoveryAttempts);
      const users = await n(q.deleteUser);
      return {
        events,
        sends,
        campaignStates,
        users,
        tenants: 0,
        keyBackups,
        approvals,
        leases,
        recoveryAttempts,
      };
    });
    this.userChanges.emit(tid, oid);
    return counts;
  }

  async purgeTenantBatch(tid: string, maxRows: number, now: number): Promise<PurgeProgress> {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new InvalidInputError('maxRows must be >= 1');
    for (let attempt = 0; ; attempt++) {
      try {
        const progress = await this.#purgeOnce(tid, maxRows, now);
        this.userChanges.emit(tid, null);
        return progress;
      } catch (e) {
        // An open arriving mid-batch can reference a send we are deleting; the next try takes it too.
        if (sqlState(e) !== FOREIGN_KEY_VIOLATION || attempt >= 4) throw e;
      }
    }
  }

  #purgeOnce(tid: string, maxRows: number, now: number): Promise<PurgeProgress> {
    return this.#tx(async (c): Promise<PurgeProgress> => {
      await c.query(q.lockPurge, [tid]);
      const deleted = zeroCounts();
      // Read before any row goes: the batch that deletes the tenant row still records it.
      const [tenant] = (await c.query(q.getTenant, [tid])).rows as Row[];
      let budget = maxRows;
      const step = async (sql: string) => {
        const n = budget > 0 ? ((await c.query(sql, [tid, budget])).rowCount ?? 0) : 0;
        budget -= n;
        return n;
      };
      deleted.events = await step(q.purgeEvents);
      deleted.sends = await step(q.purgeSends);
      deleted.campaignStates = await step(q.purgeCampaignStates);
      deleted.keyBackups = await step(q.purgeKeyBackups);
      deleted.approvals = await step(q.purgeApprovals);
      deleted.leases = await step(q.purgeLeases);
      deleted.recoveryAttempts = await step(q.purgeRecoveryAttempts);
      deleted.users = await step(q.purgeUsers);
      let left = countsOf((await c.query(q.countTenantRows, [tid])).rows[0] as Row);
      if (budget > 0 && sumCounts(left) === left.tenants) {
        deleted.tenants = (await c.query(q.purgeTenant, [tid])).rowCount ?? 0;
        left = { ...left, tenants: 0 };
      }
      const remaining = sumCounts(left);
      await c.query(q.advancePurgeCheckpoint, [
        tid,
        now,
        remaining === 0 ? now : null,
        deleted.events,
        deleted.sends,
        deleted.campaignStates,
        deleted.users,
        deleted.tenants,
        nullableNumber(tenant?.contract_ends_at),
        deleted.keyBackups,
        deleted.approvals,
        deleted.leases,
        deleted.recoveryAttempts,
      ]);
      return { done: remaining === 0, deleted, remaining };
    });
  }

  reclaimDeletedSpace(): Promise<void> {
    // One VACUUM at a time per instance; requests arriving meanwhile share one more run after it,
    // which then also covers their deletions.
    if (this.#vacuum) {
      this.#vacuumAgain ??= this.#vacuum.then(() => {
        this.#vacuumAgain = null;
        return this.reclaimDeletedSpace();
      });
      return this.#vacuumAgain;
    }
    const run = this.#pool.query(q.vacuumTenantTables).then(
      () => undefined,
      () => undefined, // autovacuum still removes the dead tuples later
    );
    this.#vacuum = run.finally(() => {
      this.#vacuum = null;
    });
    return this.#vacuum;
  }

  async getPurgeCheckpoint(tid: string): Promise<PurgeCheckpoint | null> {
    const [row] = await this.#rows(q.getPurgeCheckpoint, [tid]);
    return row ? toCheckpoint(row) : null;
  }

  async listPurgeCheckpoints(): Promise<PurgeCheckpoint[]> {
    return (await this.#rows(q.listPurgeCheckpoints, [])).map(toCheckpoint);
  }

  async countTenantRows(tid: string): Promise<TableCounts> {
    return countsOf((await this.#rows(q.countTenantRows, [tid]))[0] as Row);
  }

  async addDeletionRecord(record: NewDeletionRecord): Promise<DeletionRecord | null> {
    const [row] = await this.#rows(q.addDeletionRecord, [
      record.kind,
      record.subjectRef,
      JSON.stringify(record.counts),
      record.at,
      record.prevHash,
      record.hash,
      record.contractEndsAt,
    ]);
    return row ? { ...record, id: Number(row.id) } : null;
  }

  async listDeletionRecords(options: { afterId?: number; limit?: number } = {}): Promise<DeletionRecord[]> {
    const rows = await this.#rows(q.listDeletionRecords, [
      options.afterId ?? 0,
      checkLimit(options.limit ?? 100),
    ]);
    return rows.map(toDeletionRecord);
  }

  async getTenantRecoveryKey(tid: string): Promise<TenantRecoveryKey | null> {
    const [row] = await this.#rows(q.getTenantRecoveryKey, [tid]);
    return row
      ? {
          keyId: row.recovery_key_id as string,
          publicKey: new Uint8Array(row.recovery_public_key as Buffer),
          updatedAt: Number(row.recovery_key_updated_at),
        }
      : null;
  }

  async setTenantRecoveryKey(
    tid: string,
    key: TenantRecoveryKey | null,
    now: number,
  ): Promise<{ deleted: number }> {
    return this.#tx(async (c) => {
      const r = await c.query(q.setTenantRecoveryKey, [
        tid,
        key?.keyId ?? null,
        key ? Buffer.from(key.publicKey) : null,
        key ? now : null,
      ]);
      if (r.rowCount === 0) throw new InvalidInputError('tenant is not onboarded');
      return { deleted: key ? 0 : ((await c.query(q.deleteTenantBackupsOfTenant, [tid])).rowCount ?? 0) };
    });
  }

  async putKeyBackup(tid: string, oid: string, backup: NewKeyBackup, now: number): Promise<void> {
    const b = backupColumns(backup);
    await this.#tx(async (c) => {
      await c.query(q.upsertUser, [tid, oid, now]);
      await c.query(q.putKeyBackup, [
        tid,
        oid,
        b.kind,
        b.keyId,
        b.header,
        b.data,
        b.verifierHash,
        b.tenantKeyId,
        now,
      ]);
    });
  }

  async getKeyBackups(tid: string, oid: string): Promise<KeyBackup[]> {
    return (await this.#rows(q.getKeyBackups, [tid, oid])).map(toKeyBackup);
  }

  async countRequest(subject: string, windowMs: number, now: number): Promise<RequestCount> {
    if (!this.#requestSecret) throw new Error('PostgresStore: call migrate() first');
    const window = fixedWindow(now, windowMs);
    if (now - this.#lastRequestSweep >= REQUEST_SWEEP_EVERY_MS) {
      // Windows that are over hold nothing anyone needs: drop them about once a minute per
      // instance, beside the request rather than in its way (a failed sweep is retried next minute).
      this.#lastRequestSweep = now;
      this.#pool.query(q.sweepRequestCounts, [now]).catch(() => undefined);
    }
    const [row] = await this.#rows(q.countRequest, [
      subjectKey(this.#requestSecret, subject, windowMs),
      window.start,
      window.end,
    ]);
    return { count: Number(row?.count), resetAt: Number(row?.window_end) };
  }

  async tryRecoveryUnlock(
    tid: string,
    oid: string,
    now: number,
    policy: AttemptPolicy,
    matches: (verifierHash: Uint8Array) => boolean,
  ): Promise<UnlockResult> {
    return this.#tx(async (c): Promise<UnlockResult> => {
      const [backup] = (await c.query(q.lockRecoveryBackup, [tid, oid])).rows as Row[];
      if (!backup) return { kind: 'no-backup' };
      await c.query(q.pruneRecoveryAttempts, [tid, oid, now - longestWindowMs(policy)]);
      const wrongAt = ((await c.query(q.listRecoveryAttempts, [tid, oid])).rows as Row[]).map((r) =>
        Number(r.at),
      );
      const allowance = attemptAllowance(policy, wrongAt, now);
      if (allowance.waitMs !== null) return { kind: 'too-many-attempts', retryAfterMs: allowance.waitMs };
      if (matches(new Uint8Array(backup.verifier_hash as Buffer))) {
        return {
          kind: 'unlocked',
          keyId: backup.key_id as string,
          wrapped: new Uint8Array(backup.data as Buffer),
        };
      }
      await c.query(q.addRecoveryAttempt, [tid, oid, now]);
      return { kind: 'wrong-secret', attemptsLeft: allowance.left - 1 };
    });
  }

  async createApproval(
    tid: string,
    oid: string,
    approval: { id: string; commitment: string; expiresAt: number },
    now: number,
    maxLive: number,
  ): Promise<Approval | null> {
    return this.#tx(async (c): Promise<Approval | null> => {
      await c.query(q.upsertUser, [tid, oid, now]);
      // The user's row lock serializes their approval requests on every instance: count, then insert.
      await c.query(q.lockUser, [tid, oid]);
      await c.query(q.deleteExpiredApprovals, [tid, oid, now]);
      const n = Number((await c.query(q.countApprovals, [tid, oid])).rows[0]?.n ?? 0);
      if (n >= maxLive) return null;
      const [row] = (
        await c.query(q.insertApproval, [tid, oid, approval.id, approval.commitment, now, approval.expiresAt])
      ).rows as Row[];
      return toApproval(row as Row);
    });
  }

  async listApprovals(tid: string, oid: string, now: number): Promise<Approval[]> {
    await this.#pool.query(q.deleteExpiredApprovals, [tid, oid, now]);
    return (await this.#rows(q.listApprovals, [tid, oid, now])).map(toApproval);
  }

  async getApproval(tid: string, oid: string, id: string, now: number): Promise<Approval | null> {
    const [row] = await this.#rows(q.getApproval, [tid, oid, id, now]);
    return row ? toApproval(row) : null;
  }

  async advanceApproval(
    tid: string,
    oid: string,
    id: string,
    step: ApprovalStep,
    now: number,
  ): Promise<Approval | null> {
    const where = [tid, oid, id, now];
    const [row] =
      step.to === 'responded'
        ? await this.#rows(q.respondApproval, [...where, step.responderNonce])
        : step.to === 'revealed'
          ? await this.#rows(q.revealApproval, [...where, step.publicKey, step.nonce])
          : await this.#rows(q.grantApproval, [...where, step.keyId, step.sealedKey]);
    return row ? toApproval(row) : null;
  }

  async deleteApproval(tid: string, oid: string, id: string): Promise<boolean> {
    return ((await this.#pool.query(q.deleteApproval, [tid, oid, id])).rowCount ?? 0) > 0;
  }

  async takeLease(
    tid: string,
    oid: string,
    campaignId: string,
    lease: { deviceId: string; seconds: number },
    now: number,
  ): Promise<LeaseResult> {
    await this.#pool.query(q.upsertUser, [tid, oid, now]);
    for (;;) {
      const [row] = await this.#rows(q.takeLease, [
        tid,
        oid,
        campaignId,
        lease.deviceId,
        lease.seconds,
        now + lease.seconds * 1000,
        now,
      ]);
      if (row) {
        return {
          granted: true,
          deviceId: row.device_id as string,
          seconds: Number(row.seconds),
          expiresAt: Number(row.expires_at),
        };
      }
      const [held] = await this.#rows(q.getLease, [tid, oid, campaignId]);
      // Released between the two statements: try to take it again.
      if (held) return { granted: false, expiresAt: Number(held.expires_at) };
    }
  }

  async releaseLease(tid: string, oid: string, campaignId: string, deviceId: string): Promise<boolean> {
    return ((await this.#pool.query(q.releaseLease, [tid, oid, campaignId, deviceId])).rowCount ?? 0) > 0;
  }

  async replaceEventSealed(tid: string, oid: string, eventId: string, sealed: Uint8Array): Promise<boolean> {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const r = await this.#pool.query(q.replaceEventSealed, [tid, oid, idToBytes(eventId, 'eventId'), bytes]);
    return (r.rowCount ?? 0) > 0;
  }
}

const keyOf = (row: Row) =>
  columnsToKey(
    row.key_id as string | null,
    row.key_format as string | null,
    row.key_material as Buffer | null,
    row.key_updated_at as string | null,
  );

const nullableNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const toTenant = (row: Row): Tenant => ({
  tid: row.tid as string,
  contractEndsAt: nullableNumber(row.contract_ends_at),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

const toSend = (row: Row): Send => ({
  tid: row.tid as string,
  oid: row.oid as string,
  campaignId: row.campaign_id as string,
  sendId: bytesToId(row.send_id as Buffer),
  trackOpens: row.track_opens === true,
  createdAt: Number(row.created_at),
});

const toEvent = (row: Row): EventRow => ({
  tid: row.tid as string,
  oid: row.oid as string,
  sendId: bytesToId(row.send_id as Buffer),
  eventId: bytesToId(row.event_id as Buffer),
  kind: row.kind as EventRow['kind'],
  verdict: (row.verdict as EventRow['verdict']) ?? null,
  occurredAt: Number(row.occurred_at),
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
  startedAt: Number(row.started_at),
  updatedAt: Number(row.updated_at),
  finishedAt: nullableNumber(row.finished_at),
  contractEndsAt: nullableNumber(row.contract_ends_at),
  deleted: {
    events: Number(row.deleted_events),
    sends: Number(row.deleted_sends),
    campaignStates: Number(row.deleted_campaign_states),
    users: Number(row.deleted_users),
    tenants: Number(row.deleted_tenants),
    keyBackups: Number(row.deleted_key_backups),
    approvals: Number(row.deleted_approvals),
    leases: Number(row.deleted_leases),
    recoveryAttempts: Number(row.deleted_recovery_attempts),
  },
});

const toDeletionRecord = (row: Row): DeletionRecord => ({
  id: Number(row.id),
  kind: row.kind as DeletionRecord['kind'],
  subjectRef: row.subject_ref as string,
  counts: { ...zeroCounts(), ...(row.counts as Partial<TableCounts>) },
  at: Number(row.at),
  contractEndsAt: nullableNumber(row.contract_ends_at),
  prevHash: (row.prev_hash as string | null) ?? null,
  hash: (row.hash as string | null) ?? null,
});
