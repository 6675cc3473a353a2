/**
 * The naive peer for bench/pixel.ts: what a plain open tracker does (the listmonk/Mautic pattern).
 * A `node:http` server with no framework; every GET /o/<anything>.gif does ONE durable INSERT of
 * the open in plaintext (token, client address, user agent, time) and answers the same GIF after
 * it returned. No token check, no lookup, no sealing, no batching.
 *
 * - SQLite: better-sqlite3, WAL, synchronous=FULL, one synchronous INSERT (its own transaction,
 *   one fsync) per request, on the event loop.
 * - PostgreSQL: `pg` Pool (10 connections, as Candor's), one INSERT per request (autocommit,
 *   synchronous_commit=on: the WAL is flushed before it returns).
 *
 * Env: PORT, DB (SQLite path or postgres:// URL). Prints "listening <port>"; on SIGTERM prints
 * {"counters":{"recorded":n}} and exits.
 */
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PIXEL_GIF, PIXEL_HEADERS } from '../src/server/pixel/gif';
import { stopProfile } from './profile-on-signal';

export const PEER_TABLE = `CREATE TABLE IF NOT EXISTS peer_opens (
  id INTEGER PRIMARY KEY, token TEXT NOT NULL, ip TEXT NOT NULL, user_agent TEXT, at BIGINT NOT NULL)`;
export const PEER_TABLE_PG = `CREATE TABLE IF NOT EXISTS peer_opens (
  id bigserial PRIMARY KEY, token text NOT NULL, ip text NOT NULL, user_agent text, at bigint NOT NULL)`;

type Insert = (token: string, ip: string, ua: string | null, at: number) => Promise<void> | void;

async function openInsert(db: string): Promise<{ insert: Insert; close: () => Promise<void> }> {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const pool = new pg.Pool({ connectionString: db, max: 10 });
    await pool.query(PEER_TABLE_PG);
    const sql = 'INSERT INTO peer_opens (token, ip, user_agent, at) VALUES ($1, $2, $3, $4)';
    return {
      insert: async (token, ip, ua, at) => {
        await pool.query({ name: 'peerInsert', text: sql, values: [token, ip, ua, at] });
      },
      close: () => pool.end(),
    };
  }
  const sqlite = new Database(db);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec(PEER_TABLE);
  const stmt = sqlite.prepare('INSERT INTO peer_opens (token, ip, user_agent, at) VALUES (?, ?, ?, ?)');
  return {
    insert: (token, ip, ua, at) => {
      stmt.run(token, ip, ua, at);
    },
    close: async () => {
      sqlite.close();
    },
  };
}

const env = process.env;
const { insert, close } = await openInsert(env.DB ?? 'peer.sqlite');
let recorded = 0;
const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (req.method !== 'GET' || !url.startsWith('/o/') || !url.endsWith('.gif')) {
    res.writeHead(200, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
    return;
  }
  const done = () => {
    recorded++;
    res.writeHead(200, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
  };
  const fail = () => {
    res.writeHead(503, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
  };
  try {
    const r = insert(
      url.slice(3, -4),
      req.socket.remoteAddress ?? '',
      req.headers['user-agent'] ?? null,
      Date.now(),
    );
    if (r) r.then(done, fail);
    else done();
  } catch {
    fail();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.once('SIGTERM', () => {
  void stopProfile();
  server.close();
  server.closeAllConnections();
  void close().then(() => {
    console.log(JSON.stringify({ counters: { recorded } }));
    process.exit(0);
  });
});
