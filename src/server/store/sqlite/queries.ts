/** Every SQL statement the SQLite store runs, by name (listmonk-style named queries). */
export const sqliteQueries = {
  createMigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`,
  appliedVersions: `SELECT version FROM schema_migrations ORDER BY version`,
  recordMigration: `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,

  // The first instance to start creates the secret; every later one reads the same.
  createSecret: `INSERT INTO server_secrets (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
  getSecret: `SELECT secret FROM server_secrets WHERE name = ?`,

  upsertTenant: `INSERT INTO tenants (tid, contract_ends_at, created_at, updated_at) VALUES (@tid, @contractEndsAt, @now, @now)
    ON CONFLICT (tid) DO UPDATE SET contract_ends_at = excluded.contract_ends_at, updated_at = excluded.updated_at`,
  getTenant: `SELECT tid, contract_ends_at, created_at, updated_at FROM tenants WHERE tid = ?`,
  getAccess: `SELECT t.contract_ends_at, coalesce(u.leaving, 0) AS leaving FROM tenants t
    LEFT JOIN users u ON u.tid = t.tid AND u.oid = ? WHERE t.tid = ?`,
  listTenants: `SELECT tid, contract_ends_at, created_at, updated_at FROM tenants ORDER BY tid`,

  upsertUser: `INSERT INTO users (tid, oid, created_at) VALUES (?, ?, ?) ON CONFLICT (tid, oid) DO NOTHING`,
  getUser: `SELECT tid, oid, created_at, key_id, key_format, key_material, key_updated_at FROM users WHERE tid = ? AND oid = ?`,
  setUserKey: `UPDATE users SET key_id = @keyId, key_format = @format, key_material = @material, key_updated_at = @now
    WHERE tid = @tid AND oid = @oid`,

  insertSend: `INSERT INTO sends (tid, send_id, oid, campaign_id, track_opens, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  countRecentSends: `SELECT count(*) AS n FROM sends WHERE tid = ? AND oid = ? AND created_at > ?`,
  // The send whose expiry frees enough of the window: the k-th oldest still inside it.
  nthRecentSend: `SELECT created_at FROM sends WHERE tid = ? AND oid = ? AND created_at > ?
    ORDER BY created_at LIMIT 1 OFFSET ?`,
  listSends: `SELECT tid, send_id, oid, campaign_id, track_opens, created_at FROM sends
    WHERE tid = ? AND oid = ? AND campaign_id = ? ORDER BY created_at, send_id`,
  getSendForPixel: `SELECT s.tid, s.send_id, s.oid, s.campaign_id, s.track_opens, s.created_at,
      u.key_id, u.key_format, u.key_material, u.key_updated_at, t.contract_ends_at
    FROM sends s JOIN users u ON u.tid = s.tid AND u.oid = s.oid JOIN tenants t ON t.tid = s.tid
    WHERE s.send_id = ? AND u.leaving = 0`,

  // The EXISTS guard drops an event whose send (or owner) was deleted after intake looked it up,
  // and refuses an event that names another user's send.
  insertEvent: `INSERT INTO events (tid, event_id, oid, send_id, kind, verdict, occurred_at, sealed)
    SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sends WHERE tid = ? AND send_id = ? AND oid = ?)
    ON CONFLICT (tid, oid, event_id) DO NOTHING`,
  listEvents: `SELECT seq, tid, event_id, oid, send_id, kind, verdict, occurred_at, sealed FROM events
    WHERE tid = ? AND oid = ? AND seq > ? ORDER BY seq LIMIT ?`,

  getCampaignState: `SELECT campaign_id, version, blob, updated_at FROM campaign_states
    WHERE tid = ? AND oid = ? AND campaign_id = ?`,
  insertCampaignState: `INSERT INTO campaign_states (tid, oid, campaign_id, version, blob, updated_at)
    VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
  updateCampaignState: `UPDATE campaign_states SET version = version + 1, blob = ?, updated_at = ?
    WHERE tid = ? AND oid = ? AND campaign_id = ? AND version = ?`,
  listCampaigns: `SELECT campaign_id, version, updated_at FROM campaign_states WHERE tid = ? AND oid = ?
    ORDER BY campaign_id`,

  markLeaving: `UPDATE users SET leaving = 1, key_id = NULL, key_format = NULL, key_material = NULL,
    key_updated_at = NULL WHERE tid = ? AND oid = ?`,
  // In seq order: each chunk empties whole table pages instead of touching a row on every page.
  deleteUserEventsChunk: `DELETE FROM events WHERE seq IN
    (SELECT seq FROM events WHERE tid = ? AND oid = ? ORDER BY seq LIMIT ?)`,
  deleteUserSendsChunk: `DELETE FROM sends WHERE tid = ? AND send_id IN
    (SELECT send_id FROM sends WHERE tid = ? AND oid = ? LIMIT ?)`,
  deleteUserEvents: `DELETE FROM events WHERE tid = ? AND oid = ?`,
  deleteUserSends: `DELETE FROM sends WHERE tid = ? AND oid = ?`,
  deleteUserCampaignStates: `DELETE FROM campaign_states WHERE tid = ? AND oid = ?`,
  deleteUser: `DELETE FROM users WHERE tid = ? AND oid = ?`,

  purgeEvents: `DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE tid = ? LIMIT ?)`,
  purgeSends: `DELETE FROM sends WHERE tid = ? AND send_id IN (SELECT send_id FROM sends WHERE tid = ? LIMIT ?)`,
  purgeCampaignStates: `DELETE FROM campaign_states WHERE tid = ? AND (oid, campaign_id) IN
    (SELECT oid, campaign_id FROM campaign_states WHERE tid = ? LIMIT ?)`,
  purgeUsers: `DELETE FROM users WHERE tid = ? AND oid IN (SELECT oid FROM users WHERE tid = ? LIMIT ?)`,
  purgeTenant: `DELETE FROM tenants WHERE tid = ?`,
  countTenantRows: `SELECT
      (SELECT count(*) FROM events WHERE tid = @tid) AS events,
      (SELECT count(*) FROM sends WHERE tid = @tid) AS sends,
      (SELECT count(*) FROM campaign_states WHERE tid = @tid) AS campaign_states,
      (SELECT count(*) FROM users WHERE tid = @tid) AS users,
      (SELECT count(*) FROM tenants WHERE tid = @tid) AS tenants`,
  advancePurgeCheckpoint: `INSERT INTO purge_checkpoints (tid, started_at, updated_at, finished_at,
      deleted_events, deleted_sends, deleted_campaign_states, deleted_users, deleted_tenants, contract_ends_at)
    VALUES (@tid, @now, @now, @finishedAt, @events, @sends, @campaignStates, @users, @tenants, @contractEndsAt)
    ON CONFLICT (tid) DO UPDATE SET updated_at = @now,
      contract_ends_at = coalesce(purge_checkpoints.contract_ends_at, @contractEndsAt),
      finished_at = coalesce(purge_checkpoints.finished_at, @finishedAt),
      deleted_events = deleted_events + @events, deleted_sends = deleted_sends + @sends,
      deleted_campaign_states = deleted_campaign_states + @campaignStates,
      deleted_users = deleted_users + @users, deleted_tenants = deleted_tenants + @tenants`,
  getPurgeCheckpoint: `SELECT * FROM purge_checkpoints WHERE tid = ?`,
  listPurgeCheckpoints: `SELECT * FROM purge_checkpoints ORDER BY started_at, tid`,

  addDeletionRecord: `INSERT INTO deletion_records (kind, subject_ref, counts, at, contract_ends_at, prev_hash, hash)
    VALUES (@kind, @subjectRef, @counts, @at, @contractEndsAt, @prevHash, @hash)
    ON CONFLICT (subject_ref, at) WHERE kind = 'tenant-purge' DO NOTHING`,
  listDeletionRecords: `SELECT * FROM deletion_records WHERE id > ? ORDER BY id LIMIT ?`,
} as const;
