import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderation: rule sets (versioned, one active and at most one candidate), the rollout counters per
 * bucket, player reports (one open report per reporter and target: repeats merge into it), sanctions
 * (timed by expires_at, never deleted: revoked), and the audit log, which a trigger keeps append-only.
 */
export class Moderation1795700000000 implements MigrationInterface {
  name = 'Moderation1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_sets (
        version text PRIMARY KEY,
        rules jsonb NOT NULL,
        status text NOT NULL,
        canary_percent integer NOT NULL DEFAULT 0,
        created_by uuid CONSTRAINT fk_rule_sets_created_by REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chk_rule_sets_status CHECK (status IN ('active', 'candidate', 'retired')),
        CONSTRAINT chk_rule_sets_canary_percent CHECK (canary_percent BETWEEN 0 AND 100),
        CONSTRAINT chk_rule_sets_percent_candidate CHECK (status = 'candidate' OR canary_percent = 0),
        CONSTRAINT chk_rule_sets_version CHECK (version ~ '^[A-Za-z0-9_.:+-]{1,64}$'),
        CONSTRAINT chk_rule_sets_rules CHECK (jsonb_typeof(rules) = 'object' AND rules->>'version' = version)
      )`);
    // At most one active and one candidate rule set, whatever the number of processes or admins.
    await q.query(`CREATE UNIQUE INDEX uq_rule_sets_active ON rule_sets ((status)) WHERE status = 'active'`);
    await q.query(`CREATE UNIQUE INDEX uq_rule_sets_candidate ON rule_sets ((status)) WHERE status = 'candidate'`);

    // Decisions per rule set and bucket (-1: no room), by outcome ('allowed' or the blocking category).
    // Each process adds its counts here, so the totals are the sum over processes.
    await q.query(`
      CREATE TABLE policy_counters (
        rule_set_version text NOT NULL,
        bucket smallint NOT NULL,
        outcome text NOT NULL,
        count bigint NOT NULL,
        CONSTRAINT pk_policy_counters PRIMARY KEY (rule_set_version, bucket, outcome),
        CONSTRAINT chk_policy_counters_bucket CHECK (bucket BETWEEN -1 AND 99),
        CONSTRAINT chk_policy_counters_outcome CHECK (outcome IN ('allowed', 'THREAT', 'SELF_HARM', 'HATE', 'SEXUAL', 'PERSONAL_INFO')),
        CONSTRAINT chk_policy_counters_count CHECK (count >= 0)
      )`);

    await q.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reporter_id uuid NOT NULL CONSTRAINT fk_reports_reporter_id REFERENCES users (id) ON DELETE CASCADE,
        target_kind text NOT NULL,
        target_id uuid NOT NULL,
        target_user_id uuid CONSTRAINT fk_reports_target_user_id REFERENCES users (id) ON DELETE SET NULL,
        room_id uuid,
        reason text NOT NULL,
        note text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'open',
        report_count integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_reported_at timestamptz NOT NULL DEFAULT now(),
        resolved_by uuid CONSTRAINT fk_reports_resolved_by REFERENCES users (id) ON DELETE SET NULL,
        resolved_at timestamptz,
        resolution text,
        resolution_note text,
        sanction_id uuid,
        CONSTRAINT chk_reports_target_kind CHECK (target_kind IN ('user', 'message', 'room')),
        CONSTRAINT chk_reports_reason CHECK (reason IN ('spam', 'harassment', 'hate', 'threat', 'self_harm', 'sexual', 'cheating', 'name', 'other')),
        CONSTRAINT chk_reports_note CHECK (length(note) <= 1000),
        CONSTRAINT chk_reports_status CHECK (status IN ('open', 'resolved')),
        CONSTRAINT chk_reports_report_count CHECK (report_count >= 1),
        CONSTRAINT chk_reports_resolution CHECK (resolution IS NULL OR resolution IN ('dismiss', 'warn', 'mute', 'ban', 'kick')),
        CONSTRAINT chk_reports_resolved CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolution IS NOT NULL)),
        CONSTRAINT chk_reports_sanction CHECK (sanction_id IS NULL OR resolution IN ('warn', 'mute', 'ban', 'kick'))
      )`);
    // A reporter's repeated reports on one target merge into its open report (ON CONFLICT on this index).
    await q.query(
      `CREATE UNIQUE INDEX uq_reports_open_per_reporter ON reports (reporter_id, target_kind, target_id) WHERE status = 'open'`,
    );
    await q.query(`CREATE INDEX idx_reports_status_last_reported ON reports (status, last_reported_at DESC, id)`);
    await q.query(`CREATE INDEX idx_reports_target ON reports (target_kind, target_id)`);
    await q.query(
      `CREATE INDEX idx_reports_target_user_id ON reports (target_user_id) WHERE target_user_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE sanctions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL CONSTRAINT fk_sanctions_user_id REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL,
        room_id uuid CONSTRAINT fk_sanctions_room_id REFERENCES rooms (id) ON DELETE CASCADE,
        reason text NOT NULL,
        report_id uuid CONSTRAINT fk_sanctions_report_id REFERENCES reports (id) ON DELETE SET NULL,
        created_by uuid CONSTRAINT fk_sanctions_created_by REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_by uuid CONSTRAINT fk_sanctions_revoked_by REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT chk_sanctions_kind CHECK (kind IN ('ban', 'mute', 'kick', 'warn')),
        CONSTRAINT chk_sanctions_room CHECK ((kind = 'kick') = (room_id IS NOT NULL)),
        CONSTRAINT chk_sanctions_timed CHECK (kind NOT IN ('mute', 'kick') OR expires_at IS NOT NULL),
        CONSTRAINT chk_sanctions_warn CHECK (kind <> 'warn' OR expires_at IS NULL),
        CONSTRAINT chk_sanctions_expiry CHECK (expires_at IS NULL OR expires_at > created_at),
        CONSTRAINT chk_sanctions_reason CHECK (length(reason) BETWEEN 1 AND 1000)
      )`);
    await q.query(
      `CREATE INDEX idx_sanctions_user_kind ON sanctions (user_id, kind, expires_at) WHERE revoked_at IS NULL`,
    );
    await q.query(`CREATE INDEX idx_sanctions_created_at ON sanctions (created_at DESC)`);
    await q.query(
      `ALTER TABLE reports ADD CONSTRAINT fk_reports_sanction_id FOREIGN KEY (sanction_id) REFERENCES sanctions (id) ON DELETE SET NULL`,
    );

    // No foreign keys: the log must outlive the users and rooms it names, and a cascade would be an UPDATE.
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        target_kind text NOT NULL,
        target_id text NOT NULL,
        reason text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT chk_audit_log_actor_role CHECK (actor_role IN ('player', 'moderator', 'admin')),
        CONSTRAINT chk_audit_log_action CHECK (action ~ '^[a-z_]+\\.[a-z_]+$'),
        CONSTRAINT chk_audit_log_target_kind CHECK (target_kind IN ('user', 'message', 'room', 'report', 'sanction', 'rule_set')),
        CONSTRAINT chk_audit_log_details CHECK (jsonb_typeof(details) = 'object')
      )`);
    await q.query(`CREATE INDEX idx_audit_log_at ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX idx_audit_log_actor ON audit_log (actor_id, at DESC)`);
    await q.query(`CREATE INDEX idx_audit_log_target ON audit_log (target_kind, target_id, at DESC)`);
    await q.query(`CREATE INDEX idx_audit_log_action ON audit_log (action, at DESC)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(
      `CREATE TRIGGER trg_audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER trg_audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP FUNCTION audit_log_append_only()');
    await q.query('ALTER TABLE reports DROP CONSTRAINT fk_reports_sanction_id');
    await q.query('DROP TABLE sanctions');
    await q.query('DROP TABLE reports');
    await q.query('DROP TABLE policy_counters');
    await q.query('DROP TABLE rule_sets');
  }
}
