/** Every SQL statement the PostgreSQL store runs, by name (listmonk-style named queries). */
export const postgresQueries = {
  createMigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`,
  // One migrator at a time across every instance sharing the database.
  lockMigrations: `SELECT pg_advisory_xact_lock(7340021)`,
  appliedVersions: `SELECT version FROM schema_migrations ORDER BY version`,
  recordMigration: `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,

  // The first instance to start creates the secret; every later one reads the same.
  createSecret: `INSERT INTO server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
  getSecret: `SELECT secret FROM server_secrets WHERE name = $1`,

  // One request of a subject in the window [$2, $3): a later window starts again from one; a
  // request an instance with a slower clock still puts in the previous window counts in the current.
  countRequest: `INSERT INTO request_counts AS r (subject, window_start, window_end, count) VALUES ($1, $2, $3, 1)
    ON CONFLICT (subject) DO UPDATE SET
      count = CASE WHEN r.window_start >= excluded.window_start THEN r.count + 1 ELSE 1 END,
      window_start = greatest(r.window_start, excluded.window_start),
      window_end = greatest(r.window_end, excluded.window_end)
    RETURNING count, window_end`,
  sweepRequestCounts: `DELETE FROM request_counts WHERE window_end <= $1`,

  upsertTenant: `INSERT INTO tenants (tid, contract_ends_at, created_at, updated_at) VALUES ($1, $2, $3, $3)
    ON CONFLICT (tid) DO UPDATE SET contract_ends_at = excluded.contract_ends_at, updated_at = excluded.updated_at
    RETURNING tid, contract_ends_at, created_at, updated_at`,
  getTenant: `SELECT tid, contract_ends_at, created_at, updated_at FROM tenants WHERE tid = $1`,
  getAccess: `SELECT t.contract_ends_at, coalesce(u.leaving, false) AS leaving FROM tenants t
    LEFT JOIN users u ON u.tid = t.tid AND u.oid = $2 WHERE t.tid = $1`,
  listTenants: `SELECT tid, contract_ends_at, created_at, updated_at FROM tenants ORDER BY tid`,

  upsertUser: `INSERT INTO users (tid, oid, created_at) VALUES ($1, $2, $3) ON CONFLICT (tid, oid) DO NOTHING`,
  getUser: `SELECT tid, oid, created_at, key_id, key_format, key_material, key_updated_at
    FROM users WHERE tid = $1 AND oid = $2`,
  setUserKey: `UPDATE users SET key_id = $3, key_format = $4, key_material = $5, key_updated_at = $6
    WHERE tid = $1 AND oid = $2`,

  insertSends: `INSERT INTO sends (tid, send_id, oid, campaign_id, track_opens, created_at)
    SELECT $1, s.send_id, $2, $3, s.track_opens, $4 FROM unnest($5::bytea[], $6::boolean[]) AS s(send_id, track_opens)`,
  // Serializes key replacement with expectedKeyId across instances: read, compare, write.
  lockUserKey: `SELECT key_id FROM users WHERE tid = $1 AND oid = $2 FOR UPDATE`,
  // Serializes one user's registrations across instances, so the limit check and insert are exact.
  lockUser: `SELECT 1 FROM users WHERE tid = $1 AND oid = $2 FOR UPDATE`,
  countRecentSends: `SELECT count(*) AS n FROM sends WHERE tid = $1 AND oid = $2 AND created_at > $3`,
  // The send whose expiry frees enough of the window: the k-th oldest still inside it.
  nthRecentSend: `SELECT created_at FROM sends WHERE tid = $1 AND oid = $2 AND created_at > $3
    ORDER BY created_at LIMIT 1 OFFSET $4`,
  listSends: `SELECT tid, send_id, oid, campaign_id, track_opens, created_at FROM sends
    WHERE tid = $1 AND oid = $2 AND campaign_id = $3 ORDER BY created_at, send_id`,
  getSendForPixel: `SELECT s.tid, s.send_id, s.oid, s.campaign_id, s.track_opens, s.created_at,
      u.key_id, u.key_format, u.key_material, u.key_updated_at, t.contract_ends_at
    FROM sends s JOIN users u ON u.tid = s.tid AND u.oid = s.oid JOIN tenants t ON t.tid = s.tid
    WHERE s.send_id = $1 AND NOT u.leaving`,

  // One statement (one implicit transaction, one round trip) for the whole group. The join drops
  // an event whose send was deleted after intake looked it up, or that names another user's send.
  insertEvents: `INSERT INTO events (tid, event_id, oid, send_id, kind, verdict, occurred_at, sealed)
    SELECT e.tid, e.event_id, e.oid, e.send_id, e.kind, e.verdict, e.occurred_at, e.sealed
    FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::bigint[], $8::bytea[])
      WITH ORDINALITY AS e(tid, event_id, oid, send_id, kind, verdict, occurred_at, sealed, n)
    JOIN sends s ON s.tid = e.tid AND s.send_id = e.send_id AND s.oid = e.oid
    ORDER BY e.n
    FOR KEY SHARE OF s
    ON CONFLICT (tid, oid, event_id) DO NOTHING`,
  listEvents: `SELECT seq, tid, event_id, oid, send_id, kind, verdict, occurred_at, sealed FROM events
    WHERE tid = $1 AND oid = $2 AND seq > $3 ORDER BY seq LIMIT $4`,

  getCampaignState: `SELECT campaign_id, version, blob, updated_at FROM campaign_states
    WHERE tid = $1 AND oid = $2 AND campaign_id = $3`,
  insertCampaignState: `INSERT INTO campaign_states (tid, oid, campaign_id, version, blob, updated_at)
    VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING`,
  updateCampaignState: `UPDATE campaign_states SET version = version + 1, blob = $4, updated_at = $5
    WHERE tid = $1 AND oid = $2 AND campaign_id = $3 AND version = $6`,
  listCampaigns: `SELECT campaign_id, version, updated_at FROM campaign_states WHERE tid = $1 AND oid = $2
    ORDER BY campaign_id`,

  // Blocks event inserts that reference these sends until the deletion commits (their FK check then fails).
  lockUserSends: `SELECT 1 FROM sends WHERE tid = $1 AND oid = $2 FOR UPDATE`,
  markLeaving: `UPDATE users SET leaving = true, key_id = NULL, key_format = NULL, key_material = NULL,
    key_updated_at = NULL WHERE tid = $1 AND oid = $2`,
  deleteUserEvents: `DELETE FROM events WHERE tid = $1 AND oid = $2`,
  deleteUserSends: `DELETE FROM sends WHERE tid = $1 AND oid = $2`,
  deleteUserCampaignStates: `DELETE FROM campaign_states WHERE tid = $1 AND oid = $2`,
  deleteUserKeyBackups: `DELETE FROM key_backups WHERE tid = $1 AND oid = $2`,
  deleteUserApprovals: `DELETE FROM approvals WHERE tid = $1 AND oid = $2`,
  deleteUserLeases: `DELETE FROM campaign_leases WHERE tid = $1 AND oid = $2`,
  deleteUserRecoveryAttempts: `DELETE FROM recovery_attempts WHERE tid = $1 AND oid = $2`,
  deleteUser: `DELETE FROM users WHERE tid = $1 AND oid = $2`,

  // Not in a transaction (VACUUM cannot be); SKIP_LOCKED: never wait behind another vacuum.
  vacuumTenantTables: `VACUUM (SKIP_LOCKED) events, sends, campaign_states, users, tenants, key_backups,
    approvals, campaign_leases, recovery_attempts`,
  lockPurge: `SELECT pg_advisory_xact_lock(7340022, hashtext($1))`,
  purgeEvents: `DELETE FROM events WHERE tid = $1 AND (oid, event_id) IN
    (SELECT oid, event_id FROM events WHERE tid = $1 LIMIT $2)`,
  purgeSends: `DELETE FROM sends WHERE tid = $1 AND send_id IN (SELECT send_id FROM sends WHERE tid = $1 LIMIT $2)`,
  purgeCampaignStates: `DELETE FROM campaign_states WHERE tid = $1 AND (oid, campaign_id) IN
    (SELECT oid, campaign_id FROM campaign_states WHERE tid = $1 LIMIT $2)`,
  purgeKeyBackups: `DELETE FROM key_backups WHERE tid = $1 AND (oid, kind) IN
    (SELECT oid, kind FROM key_backups WHERE tid = $1 LIMIT $2)`,
  purgeApprovals: `DELETE FROM approvals WHERE tid = $1 AND (oid, id) IN
    (SELECT oid, id FROM approvals WHERE tid = $1 LIMIT $2)`,
  purgeLeases: `DELETE FROM campaign_leases WHERE tid = $1 AND (oid, campaign_id) IN
    (SELECT oid, campaign_id FROM campaign_leases WHERE tid = $1 LIMIT $2)`,
  purgeRecoveryAttempts: `DELETE FROM recovery_attempts WHERE tid = $1 AND id IN
    (SELECT id FROM recovery_attempts WHERE tid = $1 LIMIT $2)`,
  purgeUsers: `DELETE FROM users WHERE tid = $1 AND oid IN (SELECT oid FROM users WHERE tid = $1 LIMIT $2)`,
  purgeTenant: `DELETE FROM tenants WHERE tid = $1`,
  countTenantRows: `SELECT
      (SELECT count(*) FROM events WHERE tid = $1) AS events,
      (SELECT count(*) FROM sends WHERE tid = $1) AS sends,
      (SELECT count(*) FROM campaign_states WHERE tid = $1) AS campaign_states,
      (SELECT count(*) FROM users WHERE tid = $1) AS users,
      (SELECT count(*) FROM tenants WHERE tid = $1) AS tenants,
      (SELECT count(*) FROM key_backups WHERE tid = $1) AS key_backups,
      (SELECT count(*) FROM approvals WHERE tid = $1) AS approvals,
      (SELECT count(*) FROM campaign_leases WHERE tid = $1) AS leases,
      (SELECT count(*) FROM recovery_attempts WHERE tid = $1) AS recovery_attempts`,
  advancePurgeCheckpoint: `INSERT INTO purge_checkpoints (tid, started_at, updated_at, finished_at,
      deleted_events, deleted_sends, deleted_campaign_states, deleted_users, deleted_tenants, contract_ends_at,
      deleted_key_backups, deleted_approvals, deleted_leases, deleted_recovery_attempts)
    VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
    ON CONFLICT (tid) DO UPDATE SET updated_at = $2,
      contract_ends_at = coalesce(purge_checkpoints.contract_ends_at, $9),
      finished_at = coalesce(purge_checkpoints.finished_at, $3),
      deleted_events = purge_checkpoints.deleted_events + $4,
      deleted_sends = purge_checkpoints.deleted_sends + $5,
      deleted_campaign_states = purge_checkpoints.deleted_campaign_states + $6,
      deleted_users = purge_checkpoints.deleted_users + $7,
      deleted_tenants = purge_checkpoints.deleted_tenants + $8,
      deleted_key_backups = purge_checkpoints.deleted_key_backups + $10,
      deleted_approvals = purge_checkpoints.deleted_approvals + $11,
      deleted_leases = purge_checkpoints.deleted_leases + $12,
      deleted_recovery_attempts = purge_checkpoints.deleted_recovery_attempts + $13`,
  getPurgeCheckpoint: `SELECT * FROM purge_checkpoints WHERE tid = $1`,
  listPurgeCheckpoints: `SELECT * FROM purge_checkpoints ORDER BY started_at, tid`,

  addDeletionRecord: `INSERT INTO deletion_records (kind, subject_ref, counts, at, prev_hash, hash, contract_ends_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (subject_ref, at) WHERE kind = 'tenant-purge' DO NOTHING RETURNING id`,
  listDeletionRecords: `SELECT * FROM deletion_records WHERE id > $1 ORDER BY id LIMIT $2`,

  // Keys on every device
  getTenantRecoveryKey: `SELECT recovery_key_id, recovery_public_key, recovery_key_updated_at FROM tenants
    WHERE tid = $1 AND recovery_key_id IS NOT NULL`,
  setTenantRecoveryKey: `UPDATE tenants SET recovery_key_id = $2, recovery_public_key = $3,
    recovery_key_updated_at = $4 WHERE tid = $1`,
  deleteTenantBackupsOfTenant: `DELETE FROM key_backups WHERE tid = $1 AND kind = 'tenant'`,
  putKeyBackup: `INSERT INTO key_backups (tid, oid, kind, key_id, header, data, verifier_hash, tenant_key_id, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (tid, oid, kind) DO UPDATE SET key_id = excluded.key_id, header = excluded.header,
      data = excluded.data, verifier_hash = excluded.verifier_hash, tenant_key_id = excluded.tenant_key_id,
      created_at = excluded.created_at`,
  getKeyBackups: `SELECT kind, key_id, header, data, verifier_hash, tenant_key_id, created_at FROM key_backups
    WHERE tid = $1 AND oid = $2 ORDER BY kind`,
  // The row lock serializes one user's attempts on every instance: count, compare, record.
  lockRecoveryBackup: `SELECT key_id, data, verifier_hash FROM key_backups
    WHERE tid = $1 AND oid = $2 AND kind = 'recovery' FOR UPDATE`,
  pruneRecoveryAttempts: `DELETE FROM recovery_attempts WHERE tid = $1 AND oid = $2 AND at <= $3`,
  listRecoveryAttempts: `SELECT at FROM recovery_attempts WHERE tid = $1 AND oid = $2 ORDER BY at`,
  addRecoveryAttempt: `INSERT INTO recovery_attempts (tid, oid, at) VALUES ($1, $2, $3)`,
  deleteExpiredApprovals: `DELETE FROM approvals WHERE tid = $1 AND oid = $2 AND expires_at <= $3`,
  countApprovals: `SELECT count(*) AS n FROM approvals WHERE tid = $1 AND oid = $2`,
  insertApproval: `INSERT INTO approvals (tid, oid, id, state, commitment, created_at, expires_at)
    VALUES ($1, $2, $3, 'created', $4, $5, $6) RETURNING *`,
  listApprovals: `SELECT * FROM approvals WHERE tid = $1 AND oid = $2 AND expires_at > $3 ORDER BY created_at, id`,
  getApproval: `SELECT * FROM approvals WHERE tid = $1 AND oid = $2 AND id = $3 AND expires_at > $4`,
  // One conditional statement per step: the state order holds whoever else answers at the same time.
  respondApproval: `UPDATE approvals SET state = 'responded', responder_nonce = $5
    WHERE tid = $1 AND oid = $2 AND id = $3 AND state = 'created' AND expires_at > $4 RETURNING *`,
  revealApproval: `UPDATE approvals SET state = 'revealed', public_key = $5, nonce = $6
    WHERE tid = $1 AND oid = $2 AND id = $3 AND state = 'responded' AND expires_at > $4 RETURNING *`,
  grantApproval: `UPDATE approvals SET state = 'granted', key_id = $5, sealed_key = $6
    WHERE tid = $1 AND oid = $2 AND id = $3 AND state = 'revealed' AND expires_at > $4 RETURNING *`,
  deleteApproval: `DELETE FROM approvals WHERE tid = $1 AND oid = $2 AND id = $3`,
  // Take, renew or take over in one statement. On a conflict PostgreSQL locks the existing row and
  // checks the WHERE against its latest version, so two instances racing cannot both get it.
  takeLease: `INSERT INTO campaign_leases (tid, oid, campaign_id, device_id, seconds, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (tid, oid, campaign_id) DO UPDATE SET device_id = excluded.device_id,
      seconds = excluded.seconds, expires_at = excluded.expires_at
    WHERE campaign_leases.device_id = excluded.device_id OR campaign_leases.expires_at <= $7
    RETURNING device_id, seconds, expires_at`,
  getLease: `SELECT device_id, expires_at FROM campaign_leases WHERE tid = $1 AND oid = $2 AND campaign_id = $3`,
  releaseLease: `DELETE FROM campaign_leases WHERE tid = $1 AND oid = $2 AND campaign_id = $3 AND device_id = $4`,
  replaceEventSealed: `UPDATE events SET sealed = $4 WHERE tid = $1 AND oid = $2 AND event_id = $3`,
} as const;
