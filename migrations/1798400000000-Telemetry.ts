import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Telemetry: one match row per finished game, written by the same statement as the room event that
 * finished it (its foreign key names that event, and UNIQUE (room_id, game_no) makes a second row
 * impossible), with one participant row per seat. Statistics and ratings are per game and period
 * ('all', the UTC month, the ISO week), updated from each match once: `rated_at` is set in the same
 * transaction as the statistics it produced, so the matches not yet rated are the outbox. Room activity
 * keeps what rooms refuse or answer without an event of their own (refused joins, reconnects) for the KPIs.
 */
export class Telemetry1798400000000 implements MigrationInterface {
  name = 'Telemetry1798400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE matches (
        id uuid PRIMARY KEY,
        room_id uuid NOT NULL,
        game_no integer NOT NULL,
        game_id text NOT NULL,
        rules_version integer NOT NULL,
        end_seq integer NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        duration_ms bigint NOT NULL,
        winners integer[] NOT NULL,
        summary text NOT NULL,
        rated_at timestamptz,
        CONSTRAINT fk_matches_end_event FOREIGN KEY (room_id, end_seq) REFERENCES room_events (room_id, seq) ON DELETE CASCADE,
        CONSTRAINT uq_matches_room_game UNIQUE (room_id, game_no),
        CONSTRAINT chk_matches_duration CHECK (duration_ms >= 0)
      )`);
    await q.query(`CREATE INDEX idx_matches_finished ON matches (finished_at, game_id)`);
    await q.query(`CREATE INDEX idx_matches_unrated ON matches (finished_at, id) WHERE rated_at IS NULL`);
    await q.query(`
      CREATE TABLE match_participants (
        match_id uuid NOT NULL CONSTRAINT fk_match_participants_match_id REFERENCES matches (id) ON DELETE CASCADE,
        seat integer NOT NULL,
        user_id uuid,
        kind text NOT NULL,
        name text NOT NULL,
        role text,
        team text,
        score double precision NOT NULL,
        win boolean NOT NULL,
        figures jsonb NOT NULL DEFAULT '{}',
        game_id text NOT NULL,
        finished_at timestamptz NOT NULL,
        CONSTRAINT pk_match_participants PRIMARY KEY (match_id, seat),
        CONSTRAINT chk_match_participants_kind CHECK (kind IN ('human', 'agent', 'bot'))
      )`);
    await q.query(
      `CREATE INDEX idx_match_participants_user ON match_participants (user_id, game_id, finished_at) WHERE user_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX idx_match_participants_day ON match_participants (finished_at) WHERE kind <> 'bot'`);
    await q.query(`
      CREATE TABLE player_stats (
        game_id text NOT NULL,
        period text NOT NULL,
        period_start date NOT NULL,
        user_id uuid NOT NULL CONSTRAINT fk_player_stats_user_id REFERENCES users (id) ON DELETE CASCADE,
        played integer NOT NULL,
        won integer NOT NULL,
        lost integer NOT NULL,
        win_rate double precision NOT NULL,
        current_streak integer NOT NULL,
        best_streak integer NOT NULL,
        figures jsonb NOT NULL DEFAULT '{}',
        mu double precision NOT NULL,
        sigma double precision NOT NULL,
        rating double precision NOT NULL,
        last_match_at timestamptz NOT NULL,
        CONSTRAINT pk_player_stats PRIMARY KEY (game_id, period, period_start, user_id),
        CONSTRAINT chk_player_stats_period CHECK (period IN ('all', 'month', 'week')),
        CONSTRAINT chk_player_stats_counts CHECK (played >= 1 AND won >= 0 AND lost >= 0 AND won + lost = played)
      )`);
    // One per leaderboard metric: a page is a range of it, and a rank a count over it (index only, with played).
    for (const metric of ['rating', 'won', 'win_rate'])
      await q.query(
        `CREATE INDEX idx_player_stats_${metric} ON player_stats (game_id, period, period_start, ${metric} DESC, user_id) INCLUDE (played)`,
      );
    // A player's statistics, and the standings the rater reads for a match's players.
    await q.query(`CREATE INDEX idx_player_stats_user ON player_stats (user_id, game_id, period, period_start)`);
    await q.query(`
      CREATE TABLE room_activity (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        code text NOT NULL,
        room_id uuid,
        game_id text,
        user_id uuid,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chk_room_activity_kind CHECK (kind IN ('join_refused', 'reconnect'))
      )`);
    await q.query(`CREATE INDEX idx_room_activity_kind_at ON room_activity (kind, at)`);
    // The funnel reads room creations, starts and quick matches by time; only those few events are indexed.
    await q.query(
      `CREATE INDEX idx_room_events_funnel ON room_events (at, type) WHERE type IN ('room.create', 'game.start', 'game.rematch')`,
    );
    await q.query(`CREATE INDEX idx_room_events_quick ON room_events (at) WHERE action_id LIKE '%:quick:%'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_room_events_quick`);
    await q.query(`DROP INDEX idx_room_events_funnel`);
    await q.query(`DROP TABLE room_activity`);
    await q.query(`DROP TABLE player_stats`);
    await q.query(`DROP TABLE match_participants`);
    await q.query(`DROP TABLE matches`);
  }
}
