import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, sessions and the idempotency store: the tables every later module stands on. */
export class Foundation1795400000000 implements MigrationInterface {
  name = 'Foundation1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        username text,
        display_name text NOT NULL,
        password_hash text,
        role text NOT NULL DEFAULT 'player',
        owner_id uuid CONSTRAINT fk_users_owner_id REFERENCES users (id) ON DELETE CASCADE,
        agent_key_hash text,
        disabled_at timestamptz,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chk_users_kind CHECK (kind IN ('guest', 'registered', 'agent')),
        CONSTRAINT chk_users_role CHECK (role IN ('player', 'moderator', 'admin')),
        CONSTRAINT chk_users_registered CHECK ((kind = 'registered') = (username IS NOT NULL AND password_hash IS NOT NULL)),
        CONSTRAINT chk_users_agent CHECK ((kind = 'agent') = (owner_id IS NOT NULL AND agent_key_hash IS NOT NULL)),
        CONSTRAINT chk_users_staff_registered CHECK (role = 'player' OR kind = 'registered')
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_users_username ON users (username) WHERE username IS NOT NULL`);
    await q.query(
      `CREATE UNIQUE INDEX uq_users_agent_key_hash ON users (agent_key_hash) WHERE agent_key_hash IS NOT NULL`,
    );
    await q.query(`CREATE INDEX idx_users_owner_id ON users (owner_id) WHERE owner_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL CONSTRAINT fk_sessions_user_id REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CONSTRAINT uq_sessions_token_hash UNIQUE (token_hash)
      )`);
    await q.query(`CREATE INDEX idx_sessions_user_id ON sessions (user_id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer,
        response json,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idx_idempotency_keys_expires_at ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
    await q.query('DROP TABLE sessions');
    await q.query('DROP TABLE users');
  }
}
