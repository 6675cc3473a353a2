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
    ON CONFLICT (tid, oid, event_id) WHERE kind = 'reply' DO NOTHING`,
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
  deleteUserKeyBackups: `DELETE FROM key_backups WHERE tid = ? AND oid = ?`,
  deleteUserApprovals: `DELETE FROM approvals WHERE tid = ? AND oid = ?`,
  deleteUserLeases: `DELETE FROM campaign_leases WHERE tid = ? AND oid = ?`,
  deleteUserRecoveryAttempts: `DELETE FROM recovery_attempts WHERE tid = ? AND oid = ?`,
  deleteUser: `DELETE FROM users WHERE tid = ? AND oid = ?`,

  purgeEvents: `DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE tid = ? LIMIT ?)`,
  purgeSends: `DELETE FROM sends WHERE tid = ? AND send_id IN (SELECT send_id FROM sends WHERE tid = ? LIMIT ?)`,
  purgeCampaignStates: `DELETE FROM campaign_states WHERE tid = ? AND (oid, campaign_id) IN
    (SELECT oid, campaign_id FROM campaign_states WHERE tid = ? LIMIT ?)`,
  purgeKeyBackups: `DELETE FROM key_backups WHERE tid = ? AND (oid, kind) IN
    (SELECT oid, kind FROM key_backups WHERE tid = ? LIMIT ?)`,
  purgeApprovals: `DELETE FROM approvals WHERE tid = ? AND (oid, id) IN
    (SELECT oid, id FROM approvals WHERE tid = ? LIMIT ?)`,
  purgeLeases: `DELETE FROM campaign_leases WHERE tid = ? AND (oid, campaign_id) IN
    (SELECT oid, campaign_id FROM campaign_leases WHERE tid = ? LIMIT ?)`,
  purgeRecoveryAttempts: `DELETE FROM recovery_attempts WHERE tid = ? AND id IN
    (SELECT id FROM recovery_attempts WHERE tid = ? LIMIT ?)`,
  purgeUsers: `DELETE FROM users WHERE tid = ? AND oid IN (SELECT oid FROM users WHERE tid = ? LIMIT ?)`,
  purgeTenant: `DELETE FROM tenants WHERE tid = ?`,
  countTenantRows: `SELECT
      (SELECT count(*) FROM events WHERE tid = @tid) AS events,
      (SELECT count(*) FROM sends WHERE tid = @tid) AS sends,
      (SELECT count(*) FROM campaign_states WHERE tid = @tid) AS campaign_states,
      (SELECT count(*) FROM users WHERE tid = @tid) AS users,
      (SELECT count(*) FROM tenants WHERE tid = @tid) AS tenants,
      (SELECT count(*) FROM key_backups WHERE tid = @tid) AS key_backups,
      (SELECT count(*) FROM approvals WHERE tid = @tid) AS approvals,
      (SELECT count(*) FROM campaign_leases WHERE tid = @tid) AS leases,
      (SELECT count(*) FROM recovery_attempts WHERE tid = @tid) AS recovery_attempts`,
  advancePurgeCheckpoint: `INSERT INTO purge_checkpoints (tid, started_at, updated_at, finished_at,
      deleted_events, deleted_sends, deleted_campaign_states, deleted_users, deleted_tenants, contract_ends_at,
      deleted_key_backups, deleted_approvals, deleted_leases, deleted_recovery_attempts)
    VALUES (@tid, @now, @now, @finishedAt, @events, @sends, @campaignStates, @users, @tenants, @contractEndsAt,
      @keyBackups, @approvals, @leases, @recoveryAttempts)
    ON CONFLICT (tid) DO UPDATE SET updated_at = @now,
      contract_ends_at = coalesce(purge_checkpoints.contract_ends_at, @contractEndsAt),
      finished_at = coalesce(purge_checkpoints.finished_at, @finishedAt),
      deleted_events = deleted_events + @events, deleted_sends = deleted_sends + @sends,
      deleted_campaign_states = deleted_campaign_states + @campaignStates,
      deleted_users = deleted_users + @users, deleted_tenants = deleted_tenants + @tenants,
      deleted_key_backups = deleted_key_backups + @keyBackups, deleted_approvals = deleted_approvals + @approvals,
      deleted_leases = deleted_leases + @leases,
      deleted_recovery_attempts = deleted_recovery_attempts + @recoveryAttempts`,
  getPurgeCheckpoint: `SELECT * FROM purge_checkpoints WHERE tid = ?`,
  listPurgeCheckpoints: `SELECT * FROM purge_checkpoints ORDER BY started_at, tid`,

  addDeletionRecord: `INSERT INTO deletion_records (kind, subject_ref, counts, at, contract_ends_at, prev_hash, hash)
    VALUES (@kind, @subjectRef, @counts, @at, @contractEndsAt, @prevHash, @hash)
    ON CONFLICT (subject_ref, at) WHERE kind = 'tenant-purge' DO NOTHING`,
  listDeletionRecords: `SELECT * FROM deletion_records WHERE id > ? ORDER BY id LIMIT ?`,

  // Keys on every device
  getTenantRecoveryKey: `SELECT recovery_key_id, recovery_public_key, recovery_key_updated_at FROM tenants
    WHERE tid = ? AND recovery_key_id IS NOT NULL`,
  setTenantRecoveryKey: `UPDATE tenants SET recovery_key_id = @keyId, recovery_public_key = @publicKey,
    recovery_key_updated_at = @now WHERE tid = @tid`,
  deleteTenantBackupsOfTenant: `DELETE FROM key_backups WHERE tid = ? AND kind = 'tenant'`,
  putKeyBackup: `INSERT INTO key_backups (tid, oid, kind, key_id, header, data, verifier_hash, tenant_key_id, created_at)
    VALUES (@tid, @oid, @kind, @keyId, @header, @data, @verifierHash, @tenantKeyId, @now)
    ON CONFLICT (tid, oid, kind) DO UPDATE SET key_id = excluded.key_id, header = excluded.header,
      data = excluded.data, verifier_hash = excluded.verifier_hash, tenant_key_id = excluded.tenant_key_id,
      created_at = excluded.created_at`,
  getKeyBackups: `SELECT kind, key_id, header, data, verifier_hash, tenant_key_id, created_at FROM key_backups
    WHERE tid = ? AND oid = ? ORDER BY kind`,
  getRecoveryBackup: `SELECT key_id, data, verifier_hash FROM key_backups WHERE tid = ? AND oid = ? AND kind = 'recovery'`,
  pruneRecoveryAttempts: `DELETE FROM recovery_attempts WHERE tid = ? AND oid = ? AND at <= ?`,
  listRecoveryAttempts: `SELECT at FROM recovery_attempts WHERE tid = ? AND oid = ? ORDER BY at`,
  addRecoveryAttempt: `INSERT INTO recovery_attempts (tid, oid, at) VALUES (?, ?, ?)`,
  deleteExpiredApprovals: `DELETE FROM approvals WHERE tid = ? AND oid = ? AND expires_at <= ?`,
  countApprovals: `SELECT count(*) AS n FROM approvals WHERE tid = ? AND oid = ?`,
  insertApproval: `INSERT INTO approvals (tid, oid, id, state, commitment, created_at, expires_at)
    VALUES (?, ?, ?, 'created', ?, ?, ?)`,
  listApprovals: `SELECT * FROM approvals WHERE tid = ? AND oid = ? AND expires_at > ? ORDER BY created_at, id`,
  getApproval: `SELECT * FROM approvals WHERE tid = ? AND oid = ? AND id = ? AND expires_at > ?`,
  // One conditional statement per step: the state order holds whoever else answers at the same time.
  respondApproval: `UPDATE approvals SET state = 'responded', responder_nonce = @responderNonce
    WHERE tid = @tid AND oid = @oid AND id = @id AND state = 'created' AND expires_at > @now RETURNING *`,
  revealApproval: `UPDATE approvals SET state = 'revealed', public_key = @publicKey, nonce = @nonce
    WHERE tid = @tid AND oid = @oid AND id = @id AND state = 'responded' AND expires_at > @now RETURNING *`,
  grantApproval: `UPDATE approvals SET state = 'granted', key_id = @keyId, sealed_key = @sealedKey
    WHERE tid = @tid AND oid = @oid AND id = @id AND state = 'revealed' AND expires_at > @now RETURNING *`,
  deleteApproval: `DELETE FROM approvals WHERE tid = ? AND oid = ? AND id = ?`,
  // Take, renew or take over in one statement: the update applies only to a lapsed lease or the holder's own.
  takeLease: `INSERT INTO campaign_leases (tid, oid, campaign_id, device_id, seconds, expires_at)
    VALUES (@tid, @oid, @campaignId, @deviceId, @seconds, @expiresAt)
    ON CONFLICT (tid, oid, campaign_id) DO UPDATE SET device_id = excluded.device_id,
      seconds = excluded.seconds, expires_at = excluded.expires_at
    WHERE campaign_leases.device_id = excluded.device_id OR campaign_leases.expires_at <= @now
    RETURNING device_id, seconds, expires_at`,
  getLease: `SELECT device_id, expires_at FROM campaign_leases WHERE tid = ? AND oid = ? AND campaign_id = ?`,
  releaseLease: `DELETE FROM campaign_leases WHERE tid = ? AND oid = ? AND campaign_id = ? AND device_id = ?`,
  replaceEventSealed: `UPDATE events SET sealed = ? WHERE tid = ? AND oid = ? AND event_id = ?`,
} as const;
