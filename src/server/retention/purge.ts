import type { Clock } from '../../shared/clock';
import type { DeletionRecord, Store, TableCounts } from '../store/store';
import { purgeDueAt } from './contract';

export interface PurgeOptions {
  store: Store;
  clock: Clock;
  /** Days after contract end before a tenant's data is deleted (config refuses more than 60). */
  graceDays: number;
  /** Rows per transaction: keeps each lock short and makes progress durable step by step. */
  batchSize: number;
}

export interface PurgedTenant {
  tid: string;
  deleted: TableCounts;
  startedAt: number;
  finishedAt: number;
  record: DeletionRecord;
}

/**
 * The tenant purge job: deletes every row of each tenant whose contract ended more than
 * `graceDays` ago, in checkpointed batches. Safe to run at any time: a run that crashes part-way
 * is simply continued by the next one (unfinished checkpoints are resumed first, even if the
 * tenant row is already gone), and a deletion record is written once per finished purge —
 * including one whose process died between the last batch and the record. Batches from several
 * instances never double-count (each row is deleted once), and two runs finishing at the same
 * moment write one record between them (the store keeps one per finished purge).
 */
export async function runPurge(options: PurgeOptions): Promise<PurgedTenant[]> {
  const { store, clock } = options;
  const now = clock.now();

  const checkpoints = await store.listPurgeCheckpoints();
  const resuming = checkpoints.filter((c) => c.finishedAt === null).map((c) => c.tid);
  const due = (await store.listTenants())
    .filter((t) => {
      const at = purgeDueAt(t, options.graceDays);
      return at !== null && at <= now;
    })
    .map((t) => t.tid);

  for (const tid of new Set([...resuming, ...due])) {
    for (;;) {
      const progress = await store.purgeTenantBatch(tid, options.batchSize, clock.now());
      if (progress.done) break;
    }
  }
  const written = await recordFinishedPurges(store);
  if (written.length > 0) await store.reclaimDeletedSpace();
  return written;
}

/** Tenants still holding data `overdueDays` after their contract ended (the purge is failing). */
export async function overdueTenants(store: Store, now: number, overdueDays: number): Promise<string[]> {
  return (await store.listTenants())
    .filter((t) => {
      const at = purgeDueAt(t, overdueDays);
      return at !== null && at <= now;
    })
    .map((t) => t.tid);
}

/** Writes the missing deletion record of every finished purge. */
async function recordFinishedPurges(store: Store): Promise<PurgedTenant[]> {
  const finished = (await store.listPurgeCheckpoints()).filter((c) => c.finishedAt !== null);
  if (finished.length === 0) return [];
  const recorded = new Set<string>();
  for (let afterId = 0; ;) {
    const page = await store.listDeletionRecords({ afterId, limit: 500 });
    for (const r of page) if (r.kind === 'tenant-purge') recorded.add(`${r.subjectRef}@${r.at}`);
    if (page.length < 500) break;
    afterId = page[page.length - 1]!.id;
  }
  const written: PurgedTenant[] = [];
  for (const c of finished) {
    const finishedAt = c.finishedAt as number;
    if (recorded.has(`${c.tid}@${finishedAt}`)) continue;
    const record = await store.addDeletionRecord({
      kind: 'tenant-purge',
      subjectRef: c.tid,
      counts: c.deleted,
      at: finishedAt,
      contractEndsAt: c.contractEndsAt,
      prevHash: null,
      hash: null,
    });
    // null: another run (another instance, the admin command) recorded this purge first.
    if (record) written.push({ tid: c.tid, deleted: c.deleted, startedAt: c.startedAt, finishedAt, record });
  }
  return written;
}
