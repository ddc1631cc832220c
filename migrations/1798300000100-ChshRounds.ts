import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CHSH sessions and their rounds. A session's control (mode, running or paused) is one row, locked for
 * update by the host's commands and shared by answers, so an answer never lands after a pause it raced.
 * A round belongs to a team; a team has at most one open round (a unique index), and each slot's answer
 * is written once (answer_n IS NULL is checked under the round's row lock). `assignment` is the team's
 * draw state after this round's items were drawn, so the next round continues the balanced draw.
 */
export class ChshRounds1798300000100 implements MigrationInterface {
  name = 'ChshRounds1798300000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chsh_sessions (
        room_id uuid PRIMARY KEY CONSTRAINT fk_chsh_sessions_room_id REFERENCES rooms (id) ON DELETE CASCADE,
        mode text NOT NULL DEFAULT 'simplified',
        status text NOT NULL DEFAULT 'setup',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chk_chsh_sessions_mode CHECK (mode IN ('simplified', 'classic')),
        CONSTRAINT chk_chsh_sessions_status CHECK (status IN ('setup', 'running', 'paused'))
      )`);
    await q.query(`
      CREATE TABLE chsh_rounds (
        team_id uuid NOT NULL CONSTRAINT fk_chsh_rounds_team_id REFERENCES teams (id) ON DELETE CASCADE,
        session_id uuid NOT NULL CONSTRAINT fk_chsh_rounds_session_id REFERENCES chsh_sessions (room_id) ON DELETE CASCADE,
        round integer NOT NULL,
        item1 text NOT NULL,
        item2 text NOT NULL,
        answer1 boolean,
        answer2 boolean,
        assignment jsonb NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        CONSTRAINT pk_chsh_rounds PRIMARY KEY (team_id, round),
        CONSTRAINT chk_chsh_rounds_round CHECK (round >= 1),
        CONSTRAINT chk_chsh_rounds_items CHECK (item1 IN ('A', 'B', 'X', 'Y') AND item2 IN ('A', 'B', 'X', 'Y')),
        CONSTRAINT chk_chsh_rounds_closed CHECK ((closed_at IS NULL) OR (answer1 IS NOT NULL AND answer2 IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_chsh_rounds_open ON chsh_rounds (team_id) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX idx_chsh_rounds_session ON chsh_rounds (session_id, closed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE chsh_rounds`);
    await q.query(`DROP TABLE chsh_sessions`);
  }
}
