/**
 * Versioned SQLite schema. Append new versions; never edit an applied one. Every key leads with
 * the tenant id. Foreign keys are NO ACTION: deletions go child-first explicitly so they can count
 * rows, and a stray parent delete fails loudly instead of cascading silently.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// events has no foreign key to sends (PostgreSQL's has): SQLite runs one write transaction at a
// time, so the insert's own EXISTS guard is exact, deletions remove events before sends, and the
// FK's extra index would cost a random-position B-tree write per event (~5 µs of the ~10 µs an
// insert costs here).
// events.seq is a plain rowid (no AUTOINCREMENT, which costs a sqlite_sequence write per row): a
// rowid is only ever reused above the current maximum, and a user's cursor always points at one of
// that user's rows, which exist until the user is deleted — so no cursor can skip a new row.
export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE tenants (
  tid TEXT PRIMARY KEY,
  contract_ends_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  tid TEXT NOT NULL REFERENCES tenants (tid),
  oid TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  key_id TEXT,
  key_format TEXT CHECK (key_format IN ('raw', 'jwk')),
  key_material BLOB,
  key_updated_at INTEGER,
  PRIMARY KEY (tid, oid)
) STRICT;

CREATE TABLE sends (
  tid TEXT NOT NULL,
  send_id BLOB NOT NULL CHECK (length(send_id) = 16),
  oid TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  track_opens INTEGER NOT NULL CHECK (track_opens IN (0, 1)),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tid, send_id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
) STRICT;
CREATE UNIQUE INDEX sends_by_send_id ON sends (send_id);
CREATE INDEX sends_by_user ON sends (tid, oid, campaign_id);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  tid TEXT NOT NULL,
  event_id BLOB NOT NULL CHECK (length(event_id) = 16),
  oid TEXT NOT NULL,
  send_id BLOB NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('open', 'reply')),
  verdict TEXT CHECK (verdict IN ('human', 'proxy', 'scanner')),
  occurred_at INTEGER NOT NULL,
  sealed BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX events_by_event_id ON events (tid, event_id);
CREATE INDEX events_by_user ON events (tid, oid, seq);

CREATE TABLE campaign_states (
  tid TEXT NOT NULL,
  oid TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  blob BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tid, oid, campaign_id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
) STRICT;

CREATE TABLE purge_checkpoints (
  tid TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  deleted_events INTEGER NOT NULL DEFAULT 0,
  deleted_sends INTEGER NOT NULL DEFAULT 0,
  deleted_campaign_states INTEGER NOT NULL DEFAULT 0,
  deleted_users INTEGER NOT NULL DEFAULT 0,
  deleted_tenants INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE deletion_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('user-disconnect', 'tenant-purge')),
  subject_ref TEXT NOT NULL,
  counts TEXT NOT NULL,
  at INTEGER NOT NULL,
  prev_hash TEXT,
  hash TEXT
) STRICT;
`,
  },
  {
    // Two purge runs finishing at once (instances sharing a database, or the admin command beside
    // the server) must leave one record per finished purge, not two.
    version: 2,
    name: 'one deletion record per finished purge',
    sql: `
CREATE UNIQUE INDEX deletion_records_one_per_purge ON deletion_records (subject_ref, at)
  WHERE kind = 'tenant-purge';
`,
  },
  {
    // Event ids are unique per user, not per tenant: a same-tenant user reusing another's id is
    // stored like any new id, so the answer says nothing about other users' events.
    version: 3,
    name: 'event ids unique per user',
    sql: `
DROP INDEX events_by_event_id;
CREATE UNIQUE INDEX events_by_event_id ON events (tid, oid, event_id);
`,
  },
  {
    // Server-held secrets shared by every connection and instance (the event-cursor key).
    version: 4,
    name: 'server secrets',
    sql: `CREATE TABLE server_secrets (name TEXT PRIMARY KEY, secret BLOB NOT NULL) STRICT;`,
  },
  {
    // The per-user send limit counts a user's sends of the last 24 hours on every registration.
    version: 5,
    name: 'sends by user and time',
    sql: `CREATE INDEX sends_by_user_time ON sends (tid, oid, created_at);`,
  },
  {
    // Deletion records (and the purge checkpoints they are written from) keep the contract end
    // the data was deleted under: a user leaving during the grace period, or the purge after it.
    version: 6,
    name: 'contract end on deletion records',
    sql: `
ALTER TABLE deletion_records ADD COLUMN contract_ends_at INTEGER;
ALTER TABLE purge_checkpoints ADD COLUMN contract_ends_at INTEGER;
`,
  },
  {
    // A disconnect marks the user first, then deletes in chunks: a crash part-way leaves a user
    // that is refused everywhere but DELETE /me, which finishes the job.
    version: 7,
    name: 'users leaving',
    sql: `ALTER TABLE users ADD COLUMN leaving INTEGER NOT NULL DEFAULT 0 CHECK (leaving IN (0, 1));`,
  },
  {
    // Keys on every device (issue #9): backups of the user's private key (ciphertext, a share,
    // and only a hash of the recovery verifier), wrong-answer times for the attempt limit, device
    // approvals relayed between the user's devices, send leases, and the tenant recovery key.
    version: 8,
    name: 'keys on every device',
    sql: `
ALTER TABLE tenants ADD COLUMN recovery_key_id TEXT;
ALTER TABLE tenants ADD COLUMN recovery_public_key BLOB CHECK (length(recovery_public_key) = 65);
ALTER TABLE tenants ADD COLUMN recovery_key_updated_at INTEGER;

CREATE TABLE key_backups (
  tid TEXT NOT NULL,
  oid TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('recovery', 'split', 'tenant')),
  key_id TEXT NOT NULL,
  header TEXT,
  data BLOB NOT NULL,
  verifier_hash BLOB CHECK (length(verifier_hash) = 32),
  tenant_key_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tid, oid, kind),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
) STRICT;

CREATE TABLE recovery_attempts (
  id INTEGER PRIMARY KEY,
  tid TEXT NOT NULL,
  oid TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX recovery_attempts_by_user ON recovery_attempts (tid, oid, at);

CREATE TABLE approvals (
  tid TEXT NOT NULL,
  oid TEXT NOT NULL,
  id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('created', 'responded', 'revealed', 'granted')),
  commitment TEXT NOT NULL,
  responder_nonce TEXT,
  public_key TEXT,
  nonce TEXT,
  key_id TEXT,
  sealed_key TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (tid, oid, id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
) STRICT;

CREATE TABLE campaign_leases (
  tid TEXT NOT NULL,
  oid TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  seconds INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (tid, oid, campaign_id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
) STRICT;

ALTER TABLE purge_checkpoints ADD COLUMN deleted_key_backups INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purge_checkpoints ADD COLUMN deleted_approvals INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purge_checkpoints ADD COLUMN deleted_leases INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purge_checkpoints ADD COLUMN deleted_recovery_attempts INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    // Issue #11: only reply ids need the uniqueness index. The pane picks them and may upload one
    // twice (the second is a no-op); open ids are minted by the pixel (pixel/intake.ts: 6 bytes of
    // time, 10 random) and never repeat. An open row thus updates the table and one index
    // instead of two: with opens spread over many users, one random index leaf page fewer to
    // rewrite per row (measured on the writer thread: 71 → 41 µs of CPU per row). Both remaining
    // indexes keep a user's entries together, so a disconnect still frees whole pages, zeroed by
    // secure_delete (test/server/privacy/deleted-data.test.ts).
    version: 9,
    name: 'unique ids for replies only',
    sql: `
DROP INDEX events_by_event_id;
CREATE UNIQUE INDEX events_reply_ids ON events (tid, oid, event_id) WHERE kind = 'reply';
`,
  },
];
