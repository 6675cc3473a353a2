/**
 * "No one at the vendor can access this data" (security.md §7 test 6): after a realistic flow, the
 * operator's complete database dump — every row of every table, blobs as raw bytes, and for SQLite
 * the files on disk including the WAL — holds no IP, user agent, address or subject in clear. As a
 * control, the user's own key opens the stored events and finds exactly those values inside.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deriveGroupKey, openWithGroupKey, parseSealedEvent } from '../../../src/shared/sealed-event';
import { PixelKeyRing } from '../../../src/server/pixel/token';
import { describeStores, type Harness } from '../api/harness';
import { forbiddenStrings, runRealisticFlow, SENTINEL, type FlowResult } from './flow';

/** Every value of every row, blobs as their raw bytes (latin1), so plaintext inside blobs shows. */
function flatten(rows: Record<string, unknown>[]): string {
  return rows
    .map((row) =>
      Object.values(row)
        .map((v) =>
          Buffer.isBuffer(v)
            ? v.toString('latin1')
            : v instanceof Uint8Array
              ? Buffer.from(v).toString('latin1')
              : String(v),
        )
        .join('\u0001'),
    )
    .join('\n');
}

async function dumpSqlite(file: string): Promise<string> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.length).toBeGreaterThan(4);
    const rows = tables.map((t) =>
      flatten(db.prepare(`SELECT * FROM "${t.name}"`).all() as Record<string, unknown>[]),
    );
    // And the bytes on disk, where deleted or uncheckpointed pages live.
    const files = [file, `${file}-wal`, `${file}-journal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'));
    return [...rows, ...files].join('\n');
  } finally {
    db.close();
  }
}

async function dumpPostgres(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_schema: string; table_name: string }>(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
    );
    expect(tables.rows.length).toBeGreaterThan(4);
    const parts: string[] = [];
    for (const t of tables.rows) {
      const res = await client.query(`SELECT * FROM "${t.table_schema}"."${t.table_name}"`);
      parts.push(flatten(res.rows as Record<string, unknown>[]));
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

describeStores('database dump', (open, kind) => {
  let h: Harness;
  let flow: FlowResult;

  beforeAll(async () => {
    h = await open({
      deps: {
        pixel: undefined,
        pixelKeyRing: new PixelKeyRing([{ kid: 'p1', secret: randomBytes(32) }], 'p1'),
      },
    });
    flow = await runRealisticFlow(h);
  });
  afterAll(() => h.close());

  it('holds no IP, user agent, address, subject or token in clear', async () => {
    const dump =
      kind === 'sqlite' ? await dumpSqlite(h.databaseTarget) : await dumpPostgres(h.databaseTarget);
    expect(dump).toContain(flow.tid); // the dump is real: ids are there in clear, as documented
    for (const value of forbiddenStrings(flow)) expect(dump, `database holds ${value}`).not.toContain(value);
    expect(dump).not.toContain('Quokka');
    expect(dump).not.toContain('Sentinel');
  });

  it("keeps the values sealed to the user's key: the user can open them", async () => {
    const events = await h.store.listEvents(flow.tid, flow.oid, { limit: 100 });
    const opened: { kind: string; payload: Record<string, unknown> }[] = [];
    for (const e of events.events) {
      const parsed = parseSealedEvent(e.sealed)!;
      const groupKey = await deriveGroupKey(flow.keyPair, parsed.enc);
      const payload = await openWithGroupKey(groupKey, parsed, {
        kind: e.kind,
        tid: e.tid,
        oid: e.oid,
        sendId: e.sendId,
        eventId: e.eventId,
      });
      opened.push({ kind: e.kind, payload: payload as Record<string, unknown> });
    }
    const opens = opened.filter((o) => o.kind === 'open');
    const replies = opened.filter((o) => o.kind === 'reply');
    expect(opens.length).toBeGreaterThanOrEqual(3);
    expect(opens.map((o) => o.payload.ip)).toContain(SENTINEL.ip);
    expect(replies).toHaveLength(2);
    expect(replies[0]!.payload).toMatchObject({
      subject: SENTINEL.subject,
      from: SENTINEL.email,
      ip: SENTINEL.replyIp,
    });
  });
});
