/**
 * Versioned PostgreSQL schema, the same model as the SQLite one. Append new versions; never edit
 * an applied one. Every key leads with the tenant id, so the tables can later be distributed by it.
 */
import type { Migration } from '../sqlite/migrations';

export const postgresMigrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE tenants (
  tid text PRIMARY KEY,
  contract_ends_at bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE users (
  tid text NOT NULL REFERENCES tenants (tid),
  oid text NOT NULL,
  created_at bigint NOT NULL,
  key_id text,
  key_format text CHECK (key_format IN ('raw', 'jwk')),
  key_material bytea,
  key_updated_at bigint,
  PRIMARY KEY (tid, oid)
);

CREATE TABLE sends (
  tid text NOT NULL,
  send_id bytea NOT NULL CHECK (length(send_id) = 16),
  oid text NOT NULL,
  campaign_id text NOT NULL,
  track_opens boolean NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (tid, send_id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
);
CREATE UNIQUE INDEX sends_by_send_id ON sends (send_id);
CREATE INDEX sends_by_user ON sends (tid, oid, campaign_id);

CREATE TABLE events (
  tid text NOT NULL,
  event_id bytea NOT NULL CHECK (length(event_id) = 16),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  oid text NOT NULL,
  send_id bytea NOT NULL,
  kind text NOT NULL CHECK (kind IN ('open', 'reply')),
  verdict text CHECK (verdict IN ('human', 'proxy', 'scanner')),
  occurred_at bigint NOT NULL,
  sealed bytea NOT NULL,
  PRIMARY KEY (tid, event_id),
  FOREIGN KEY (tid, send_id) REFERENCES sends (tid, send_id)
);
CREATE INDEX events_by_user ON events (tid, oid, seq);
CREATE INDEX events_by_send ON events (tid, send_id);

CREATE TABLE campaign_states (
  tid text NOT NULL,
  oid text NOT NULL,
  campaign_id text NOT NULL,
  version integer NOT NULL,
  blob bytea NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (tid, oid, campaign_id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
);

CREATE TABLE purge_checkpoints (
  tid text PRIMARY KEY,
  started_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  finished_at bigint,
  deleted_events bigint NOT NULL DEFAULT 0,
  deleted_sends bigint NOT NULL DEFAULT 0,
  deleted_campaign_states bigint NOT NULL DEFAULT 0,
  deleted_users bigint NOT NULL DEFAULT 0,
  deleted_tenants bigint NOT NULL DEFAULT 0
);

CREATE TABLE deletion_records (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('user-disconnect', 'tenant-purge')),
  subject_ref text NOT NULL,
  counts jsonb NOT NULL,
  at bigint NOT NULL,
  prev_hash text,
  hash text
);
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
    // The API accepts any safe integer as expectedVersion (up to 2^53-1); an integer column turned
    // a large one into an out-of-range error (500) where SQLite answered a plain conflict (409).
    version: 3,
    name: 'campaign state versions are bigint',
    sql: `ALTER TABLE campaign_states ALTER COLUMN version TYPE bigint;`,
  },
  {
    // Event ids are unique per user, not per tenant: a same-tenant user reusing another's id is
    // stored like any new id, so the answer says nothing about other users' events.
    version: 4,
    name: 'event ids unique per user',
    sql: `ALTER TABLE events DROP CONSTRAINT events_pkey, ADD PRIMARY KEY (tid, oid, event_id);`,
  },
  {
    // Server-held secrets shared by every instance (the event-cursor key).
    version: 5,
    name: 'server secrets',
    sql: `CREATE TABLE server_secrets (name text PRIMARY KEY, secret bytea NOT NULL);`,
  },
  {
    // The per-user send limit counts a user's sends of the last 24 hours on every registration.
    version: 6,
    name: 'sends by user and time',
    sql: `CREATE INDEX sends_by_user_time ON sends (tid, oid, created_at);`,
  },
  {
    // Deletion records (and the purge checkpoints they are written from) keep the contract end
    // the data was deleted under: a user leaving during the grace period, or the purge after it.
    version: 7,
    name: 'contract end on deletion records',
    sql: `
ALTER TABLE deletion_records ADD COLUMN contract_ends_at bigint;
ALTER TABLE purge_checkpoints ADD COLUMN contract_ends_at bigint;
`,
  },
  {
    // A disconnect marks the user first: a crash part-way leaves a user that is refused
    // everywhere but DELETE /me, which finishes the job.
    version: 8,
    name: 'users leaving',
    sql: `ALTER TABLE users ADD COLUMN leaving boolean NOT NULL DEFAULT false;`,
  },
  {
    // Keys on every device (issue #9): backups of the user's private key (ciphertext, a share,
    // and only a hash of the recovery verifier), wrong-answer times for the attempt limit, device
    // approvals relayed between the user's devices, send leases, and the tenant recovery key.
    version: 9,
    name: 'keys on every device',
    sql: `
ALTER TABLE tenants ADD COLUMN recovery_key_id text,
  ADD COLUMN recovery_public_key bytea CHECK (length(recovery_public_key) = 65),
  ADD COLUMN recovery_key_updated_at bigint;

CREATE TABLE key_backups (
  tid text NOT NULL,
  oid text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('recovery', 'split', 'tenant')),
  key_id text NOT NULL,
  header text,
  data bytea NOT NULL,
  verifier_hash bytea CHECK (length(verifier_hash) = 32),
  tenant_key_id text,
  created_at bigint NOT NULL,
  PRIMARY KEY (tid, oid, kind),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
);

CREATE TABLE recovery_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tid text NOT NULL,
  oid text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX recovery_attempts_by_user ON recovery_attempts (tid, oid, at);

CREATE TABLE approvals (
  tid text NOT NULL,
  oid text NOT NULL,
  id text NOT NULL,
  state text NOT NULL CHECK (state IN ('created', 'responded', 'revealed', 'granted')),
  commitment text NOT NULL,
  responder_nonce text,
  public_key text,
  nonce text,
  key_id text,
  sealed_key text,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (tid, oid, id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
);

CREATE TABLE campaign_leases (
  tid text NOT NULL,
  oid text NOT NULL,
  campaign_id text NOT NULL,
  device_id text NOT NULL,
  seconds integer NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (tid, oid, campaign_id),
  FOREIGN KEY (tid, oid) REFERENCES users (tid, oid)
);

ALTER TABLE purge_checkpoints ADD COLUMN deleted_key_backups bigint NOT NULL DEFAULT 0,
  ADD COLUMN deleted_approvals bigint NOT NULL DEFAULT 0,
  ADD COLUMN deleted_leases bigint NOT NULL DEFAULT 0,
  ADD COLUMN deleted_recovery_attempts bigint NOT NULL DEFAULT 0;
`,
  },
  {
    // Issue #11: the API's rate limits count in the database, so N instances enforce one limit
    // (src/server/store/request-counts.ts). UNLOGGED: counts need no WAL, no replica copy and no
    // survival of a crash (they restart from zero, as they would after a minute anyway). A subject
    // is stored only as a keyed hash, and its row is deleted once its window is over. No index on
    // window_end: every new window would move each row in it, and the table only ever holds the
    // subjects of about one minute, which the once-a-minute sweep reads whole.
    version: 10,
    name: 'shared request counts',
    sql: `
CREATE UNLOGGED TABLE request_counts (
  subject bytea PRIMARY KEY CHECK (length(subject) = 16),
  window_start bigint NOT NULL,
  window_end bigint NOT NULL,
  count integer NOT NULL
);
`,
  },
  {
    // Issue #11: the same uniqueness with the time-ordered event id first (see the SQLite
    // migration 9): new rows go at the primary key's right edge instead of one page per user.
    version: 11,
    name: 'event id key in time order',
    sql: `ALTER TABLE events DROP CONSTRAINT events_pkey, ADD PRIMARY KEY (event_id, tid, oid);`,
  },
];
