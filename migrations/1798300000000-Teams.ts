import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams of a session (a CHSH room): a team's name is its own in that session for good, case-insensitive,
 * so taking the name of a team that went inactive reactivates it with its id and history. Members hold
 * slot 1 or 2; the database, not only the code, keeps a slot to one member and a player to one team of a
 * session, so two players racing for the last slot or one player racing into two teams cannot both win.
 */
export class Teams1798300000000 implements MigrationInterface {
  name = 'Teams1798300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL CONSTRAINT fk_teams_session_id REFERENCES rooms (id) ON DELETE CASCADE,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chk_teams_name CHECK (length(name) BETWEEN 1 AND 40 AND name = btrim(name)),
        CONSTRAINT uq_teams_id_session UNIQUE (id, session_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_teams_session_name ON teams (session_id, lower(name))`);

    await q.query(`
      CREATE TABLE team_members (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        team_id uuid NOT NULL,
        session_id uuid NOT NULL,
        user_id uuid NOT NULL CONSTRAINT fk_team_members_user_id REFERENCES users (id) ON DELETE CASCADE,
        slot smallint NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now(),
        away_until timestamptz,
        left_at timestamptz,
        CONSTRAINT fk_team_members_team FOREIGN KEY (team_id, session_id) REFERENCES teams (id, session_id) ON DELETE CASCADE,
        CONSTRAINT chk_team_members_slot CHECK (slot IN (1, 2)),
        CONSTRAINT chk_team_members_away CHECK (left_at IS NULL OR away_until IS NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_team_members_slot ON team_members (team_id, slot) WHERE left_at IS NULL`);
    await q.query(
      `CREATE UNIQUE INDEX uq_team_members_session_user ON team_members (session_id, user_id) WHERE left_at IS NULL`,
    );
    await q.query(`CREATE INDEX idx_team_members_user ON team_members (user_id) WHERE left_at IS NULL`);
    await q.query(
      `CREATE INDEX idx_team_members_away ON team_members (away_until) WHERE away_until IS NOT NULL AND left_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE team_members`);
    await q.query(`DROP TABLE teams`);
  }
}
