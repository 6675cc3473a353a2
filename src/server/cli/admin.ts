/**
 * Operator commands (`npm run admin -- <command>`), against the configured database:
 *
 *   tenant add <tid> [--contract-end YYYY-MM-DD]   onboard a tenant (open-ended without a date)
 *   tenant end <tid> <YYYY-MM-DD>                  set the last day of the contract
 *   tenant list                                    tenants, contract end, phase, purge due date
 *   purge run                                      run the purge job once now
 *   deletions list                                 deletion records (no personal data)
 *   tenant recovery-key set|clear, backup export|import-recovery   see key-admin.ts
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock';
import { loadConfig } from '../config';
import { contractEndDate, contractEndInstant, purgeDueAt, tenantPhase } from '../retention/contract';
import { runPurge } from '../retention/purge';
import { openStore } from '../open-store';
import type { Store } from '../store/store';
import { KEY_USAGE, runKeyCommand } from './key-admin';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USAGE = `usage: npm run admin -- <command>
  tenant add <tid> [--contract-end YYYY-MM-DD]
  tenant end <tid> <YYYY-MM-DD>
  tenant list
  purge run
  deletions list
${KEY_USAGE}`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'contract-end': { type: 'string' } },
});

const config = loadConfig();
const store = await openStore(config);
try {
  await run(store, positionals);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await store.close();
}

async function run(store: Store, args: string[]): Promise<void> {
  const [noun, verb, ...rest] = args;
  const now = systemClock.now();
  const day = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 10));
  const tenantId = (tid: string | undefined): string => {
    const t = tid?.toLowerCase();
    if (!t || !GUID.test(t)) throw new Error('tenant id must be a GUID');
    return t;
  };

  if (await runKeyCommand(store, args, now, (line) => console.log(line))) return;
  if (noun === 'tenant' && verb === 'add') {
    const tid = tenantId(rest[0]);
    const end = values['contract-end'];
    await store.upsertTenant({ tid, contractEndsAt: end ? contractEndInstant(end) : null }, now);
    console.log(`tenant ${tid} onboarded, contract ${end ? `until ${end}` : 'open-ended'}`);
  } else if (noun === 'tenant' && verb === 'end') {
    const tid = tenantId(rest[0]);
    if (!(await store.getTenant(tid))) throw new Error(`tenant ${tid} is not onboarded`);
    const instant = contractEndInstant(rest[1] ?? '');
    await store.upsertTenant({ tid, contractEndsAt: instant }, now);
    const due = purgeDueAt({ contractEndsAt: instant }, config.retention.graceDays);
    console.log(`tenant ${tid}: contract ends ${rest[1]}; data purged from ${day(due)}`);
  } else if (noun === 'tenant' && verb === 'list') {
    console.log(['tenant', 'contract-end', 'phase', 'purge-due'].join('\t'));
    for (const t of await store.listTenants()) {
      const phase = tenantPhase(t, now, config.retention.graceDays);
      console.log(
        [
          t.tid,
          contractEndDate(t.contractEndsAt) ?? 'open-ended',
          phase,
          day(purgeDueAt(t, config.retention.graceDays)),
        ].join('\t'),
      );
    }
  } else if (noun === 'purge' && verb === 'run') {
    const done = await runPurge({
      store,
      clock: systemClock,
      graceDays: config.retention.graceDays,
      batchSize: config.retention.batchSize,
    });
    for (const p of done)
      console.log(`purged ${p.tid}: ${JSON.stringify(p.deleted)} (record ${p.record.id})`);
    console.log(`${done.length} tenant purge(s) completed`);
  } else if (noun === 'deletions' && verb === 'list') {
    for (const r of await store.listDeletionRecords()) {
      console.log(
        [r.id, new Date(r.at).toISOString(), r.kind, r.subjectRef, JSON.stringify(r.counts)].join('\t'),
      );
    }
  } else {
    throw new Error(USAGE);
  }
}
