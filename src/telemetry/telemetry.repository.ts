import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RoomState } from '../games/domain/room/room.types';
import type { EventRow } from '../games/rooms.repository';
import type { Period, Standing } from './domain/standings';
import type { KpiReport } from './telemetry.types';

/** One unrated match with its participants, oldest first. */
export interface UnratedMatch {
  id: string;
  gameId: string;
  finishedAt: number;
  participants: Array<{
    seat: number;
    userId: string | null;
    kind: string;
    team: string | null;
    win: boolean;
    figures: Record<string, number>;
  }>;
}

export interface StandingKey {
  gameId: string;
  period: Period;
  periodStart: string;
  userId: string;
}

export const standingKey = (key: StandingKey) => `${key.gameId}|${key.period}|${key.periodStart}|${key.userId}`;

export interface StandingRow extends StandingKey, Standing {
  rating: number;
}

interface StatsRow {
  game_id: string;
  period: Period;
  period_start: string;
  user_id: string;
  played: number;
  won: number;
  lost: number;
  current_streak: number;
  best_streak: number;
  figures: Record<string, number>;
  mu: number;
  sigma: number;
  rating: number;
  last_match_at: Date;
}

const toStanding = (row: StatsRow): StandingRow => ({
  gameId: row.game_id,
  period: row.period,
  periodStart: row.period_start,
  userId: row.user_id,
  played: row.played,
  won: row.won,
  lost: row.lost,
  currentStreak: row.current_streak,
  bestStreak: row.best_streak,
  figures: row.figures,
  mu: row.mu,
  sigma: row.sigma,
  rating: row.rating,
  lastMatchAt: row.last_match_at.getTime(),
});

/** The sort column of each leaderboard metric (a fixed list: never text from a request). */
export const METRIC_COLUMN = { rating: 'rating', wins: 'won', 'win-rate': 'win_rate' } as const;

export interface BoardQuery {
  gameId: string;
  column: (typeof METRIC_COLUMN)[keyof typeof METRIC_COLUMN];
  period: Period;
  periodStart: string;
  minGames: number;
  after: { value: number; userId: string } | null;
  limit: number;
}

export interface BoardRow {
  rank: number;
  user_id: string;
  display_name: string;
  value: number;
  played: number;
  won: number;
  lost: number;
  win_rate: number;
  rating: number;
}

/**
 * One page of a leaderboard with each row's rank: 1 + the players strictly ahead (ties share a rank), an
 * index range count on the same index the page is read from. The page starts after the cursor's row:
 * lower values, or the same value and a later user id.
 */
export const leaderboardSql = (column: BoardQuery['column']) =>
  `SELECT 1 + (SELECT count(*) FROM player_stats o
                WHERE o.game_id = $1 AND o.period = $2 AND o.period_start = $3 AND o.played >= $4
                  AND o.${column} > s.${column})::int AS rank,
          s.user_id, u.display_name, s.${column}::float8 AS value, s.played, s.won, s.lost, s.win_rate, s.rating
     FROM player_stats s JOIN users u ON u.id = s.user_id
    WHERE s.game_id = $1 AND s.period = $2 AND s.period_start = $3 AND s.played >= $4
      AND ($5::float8 IS NULL OR s.${column} < $5 OR (s.${column} = $5 AND s.user_id > $6::uuid))
    ORDER BY s.${column} DESC, s.user_id
    LIMIT $7`;

export const leaderboardParams = (query: BoardQuery) => [
  query.gameId,
  query.period,
  query.periodStart,
  query.minGames,
  query.after?.value ?? null,
  query.after?.userId ?? null,
  query.limit,
];

export const PLAYER_STATS_SQL = `SELECT game_id, period, to_char(period_start, 'YYYY-MM-DD') AS period_start, user_id, played, won, lost,
        current_streak, best_streak, figures, mu, sigma, rating, last_match_at
   FROM player_stats WHERE user_id = $1 AND period = 'all' ORDER BY game_id`;

// Only one process rates at a time, so every player's matches are rated in the order they finished.
const RATING_LOCK = 7_201_605;

/** Telemetry's SQL: matches and standings, leaderboards, KPIs, room activity, and paged room events. */
@Injectable()
export class TelemetryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Rates the oldest unrated matches in one transaction: `compute` gets them with the standings they
   * touch and returns the new standings, which are written together with the matches' `rated_at`. So a
   * match moves statistics exactly once whatever crashes or processes race. Returns how many were rated
   * (0 when another process holds the rating lock).
   */
  async rateUnrated(
    limit: number,
    compute: (matches: UnratedMatch[], current: Map<string, StandingRow>) => StandingRow[],
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }]: Array<{ locked: boolean }> = await manager.query(
        `SELECT pg_try_advisory_xact_lock($1) AS locked`,
        [RATING_LOCK],
      );
      if (!locked) return 0;
      // Short queries over a few hundred rows: JIT compiling them (planned when statistics lag behind a
      // burst of matches) costs seconds and saves nothing.
      await manager.query(`SET LOCAL jit = off`);
      const matches = await this.unrated(manager, limit);
      if (matches.length === 0) return 0;
      const current = await this.standingsOf(manager, matches);
      const rows = compute(matches, current);
      await manager.query(
        `INSERT INTO player_stats (game_id, period, period_start, user_id, played, won, lost, win_rate, current_streak,
                                   best_streak, figures, mu, sigma, rating, last_match_at)
         SELECT s.game_id, s.period, s.period_start, s.user_id, s.played, s.won, s.lost, s.won::float8 / s.played,
                s.current_streak, s.best_streak, s.figures, s.mu, s.sigma, s.rating, s.last_match_at
           FROM jsonb_to_recordset($1::jsonb)
             AS s(game_id text, period text, period_start date, user_id uuid, played int, won int, lost int,
                  current_streak int, best_streak int, figures jsonb, mu float8, sigma float8, rating float8,
                  last_match_at timestamptz)
         ON CONFLICT (game_id, period, period_start, user_id) DO UPDATE SET
           played = EXCLUDED.played, won = EXCLUDED.won, lost = EXCLUDED.lost, win_rate = EXCLUDED.win_rate,
           current_streak = EXCLUDED.current_streak, best_streak = EXCLUDED.best_streak, figures = EXCLUDED.figures,
           mu = EXCLUDED.mu, sigma = EXCLUDED.sigma, rating = EXCLUDED.rating, last_match_at = EXCLUDED.last_match_at`,
        [
          JSON.stringify(
            rows.map((row) => ({
              game_id: row.gameId,
              period: row.period,
              period_start: row.periodStart,
              user_id: row.userId,
              played: row.played,
              won: row.won,
              lost: row.lost,
              current_streak: row.currentStreak,
              best_streak: row.bestStreak,
              figures: row.figures,
              mu: row.mu,
              sigma: row.sigma,
              rating: row.rating,
              last_match_at: new Date(row.lastMatchAt).toISOString(),
            })),
          ),
        ],
      );
      await manager.query(`UPDATE matches SET rated_at = now() WHERE id = ANY($1::uuid[]) AND rated_at IS NULL`, [
        matches.map((match) => match.id),
      ]);
      return matches.length;
    });
  }

  private async unrated(manager: EntityManager, limit: number): Promise<UnratedMatch[]> {
    const rows: Array<{ id: string; game_id: string; finished_at: Date; participants: UnratedMatch['participants'] }> =
      await manager.query(
        `SELECT m.id, m.game_id, m.finished_at,
                (SELECT json_agg(json_build_object('seat', p.seat, 'userId', p.user_id, 'kind', p.kind, 'team', p.team,
                                                   'win', p.win, 'figures', p.figures) ORDER BY p.seat)
                   FROM match_participants p WHERE p.match_id = m.id) AS participants
           FROM matches m
          WHERE m.rated_at IS NULL
          ORDER BY m.finished_at, m.id
          LIMIT $1`,
        [limit],
      );
    return rows.map((row) => ({
      id: row.id,
      gameId: row.game_id,
      finishedAt: row.finished_at.getTime(),
      participants: row.participants ?? [],
    }));
  }

  private async standingsOf(manager: EntityManager, matches: UnratedMatch[]): Promise<Map<string, StandingRow>> {
    const pairs = matches.flatMap((match) =>
      match.participants.filter((p) => p.userId !== null).map((p) => ({ game_id: match.gameId, user_id: p.userId })),
    );
    const rows: StatsRow[] = await manager.query(
      `SELECT s.game_id, s.period, to_char(s.period_start, 'YYYY-MM-DD') AS period_start, s.user_id, s.played, s.won,
              s.lost, s.current_streak, s.best_streak, s.figures, s.mu, s.sigma, s.rating, s.last_match_at
         FROM player_stats s
         JOIN (SELECT DISTINCT * FROM jsonb_to_recordset($1::jsonb) AS k(game_id text, user_id uuid)) k
           ON k.game_id = s.game_id AND k.user_id = s.user_id
        WHERE s.period = 'all' OR s.period_start >= $2::date`,
      // Older months and weeks are never touched again once matches move on.
      [JSON.stringify(pairs), new Date(Math.min(...matches.map((m) => m.finishedAt)) - 40 * 86_400_000).toISOString()],
    );
    return new Map(rows.map((row) => [standingKey(toStanding(row)), toStanding(row)]));
  }

  async unratedCount(): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM matches WHERE rated_at IS NULL`,
    );
    return row.n;
  }

  async leaderboard(query: BoardQuery): Promise<BoardRow[]> {
    return this.dataSource.query(leaderboardSql(query.column), leaderboardParams(query));
  }

  async playerStats(userId: string): Promise<{ displayName: string; rows: StandingRow[] } | null> {
    const users: Array<{ display_name: string }> = await this.dataSource.query(
      `SELECT display_name FROM users WHERE id = $1`,
      [userId],
    );
    if (users.length === 0) return null;
    const rows: StatsRow[] = await this.dataSource.query(PLAYER_STATS_SQL, [userId]);
    return { displayName: users[0].display_name, rows: rows.map(toStanding) };
  }

  /** Every KPI over [from, to), each one SQL aggregate over stored events, matches, activity and reports. */
  async kpis(from: Date, to: Date): Promise<Omit<KpiReport, 'from' | 'to'>> {
    const range = [from.toISOString(), to.toISOString()];
    const [funnel, quick, activity, lengths, perDay, perWeek, reports] = await Promise.all([
      this.dataSource.query(
        `WITH events AS (
           SELECT r.game_id, e.type FROM room_events e JOIN rooms r ON r.id = e.room_id
            WHERE e.at >= $1 AND e.at < $2 AND e.type IN ('room.create', 'game.start', 'game.rematch')
         ), finished AS (
           SELECT game_id, count(*)::int AS n FROM matches WHERE finished_at >= $1 AND finished_at < $2 GROUP BY game_id
         ), games AS (SELECT game_id FROM events UNION SELECT game_id FROM finished)
         SELECT g.game_id AS "gameId",
                (SELECT count(*) FROM events e WHERE e.game_id = g.game_id AND e.type = 'room.create')::int AS created,
                (SELECT count(*) FROM events e WHERE e.game_id = g.game_id AND e.type <> 'room.create')::int AS started,
                coalesce((SELECT n FROM finished f WHERE f.game_id = g.game_id), 0) AS finished
           FROM games g ORDER BY g.game_id`,
        range,
      ),
      this.dataSource.query(
        `SELECT count(*)::int AS seats,
                count(*) FILTER (WHERE EXISTS (
                  SELECT 1 FROM room_events s WHERE s.room_id = q.room_id AND s.seq > q.seq
                     AND s.type IN ('game.start', 'game.rematch')))::int AS started
           FROM room_events q
          WHERE q.at >= $1 AND q.at < $2 AND q.action_id LIKE '%:quick:%'`,
        range,
      ),
      this.dataSource.query(
        `SELECT kind, code, count(*)::int AS n FROM room_activity WHERE at >= $1 AND at < $2 GROUP BY kind, code`,
        range,
      ),
      this.dataSource.query(
        `SELECT game_id AS "gameId", count(*)::int AS matches,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)::float8 AS "medianMs",
                percentile_cont(0.9) WITHIN GROUP (ORDER BY duration_ms)::float8 AS "p90Ms"
           FROM matches WHERE finished_at >= $1 AND finished_at < $2 GROUP BY game_id ORDER BY game_id`,
        range,
      ),
      this.dataSource.query(
        `SELECT to_char(date_trunc('day', finished_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                count(DISTINCT user_id)::int AS players
           FROM match_participants
          WHERE kind <> 'bot' AND user_id IS NOT NULL AND finished_at >= $1 AND finished_at < $2
          GROUP BY 1 ORDER BY 1`,
        range,
      ),
      this.dataSource.query(
        `SELECT to_char(date_trunc('week', finished_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
                count(DISTINCT user_id)::int AS players
           FROM match_participants
          WHERE kind <> 'bot' AND user_id IS NOT NULL AND finished_at >= $1 AND finished_at < $2
          GROUP BY 1 ORDER BY 1`,
        range,
      ),
      this.dataSource.query(
        `SELECT count(*) FILTER (WHERE created_at < $2 AND (resolved_at IS NULL OR resolved_at >= $2))::int AS open,
                count(*) FILTER (WHERE resolved_at >= $1 AND resolved_at < $2)::int AS resolved,
                (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) * 1000)
                   FILTER (WHERE resolved_at >= $1 AND resolved_at < $2))::float8 AS median
           FROM reports`,
        range,
      ),
    ]);
    const count = (kind: string, code: string) =>
      (activity as Array<{ kind: string; code: string; n: number }>).find(
        (row) => row.kind === kind && row.code === code,
      )?.n ?? 0;
    const succeeded = count('reconnect', 'succeeded');
    const failed = count('reconnect', 'failed');
    const { seats, started } = quick[0] as { seats: number; started: number };
    const report = reports[0] as { open: number; resolved: number; median: number | null };
    return {
      funnel,
      quickMatch: { seats, started, conversion: seats === 0 ? null : started / seats },
      reconnects: { attempted: succeeded + failed, succeeded, failed },
      joinsRefused: {
        roomFull: count('join_refused', 'ROOM_FULL'),
        secondSeat: count('join_refused', 'ALREADY_SEATED'),
        seatTaken: count('join_refused', 'SEAT_TAKEN'),
      },
      matchLength: lengths,
      activePlayers: { perDay, perWeek },
      reports: { open: report.open, resolvedInRange: report.resolved, medianResolveMs: report.median },
    };
  }

  /** A page of a room's stored events after `afterSeq`, in order (the export reads a room page by page). */
  eventPage(roomId: string, afterSeq: number, limit: number): Promise<EventRow[]> {
    return this.dataSource.query(
      `SELECT seq, rules_version, type, actor, payload, action_id, at FROM room_events
        WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [roomId, afterSeq, limit],
    );
  }

  /** A room's stored snapshot and version (its last event's seq), or null. */
  async snapshot(roomId: string): Promise<{ state: RoomState; version: number } | null> {
    const rows: Array<{ state: RoomState; version: number }> = await this.dataSource.query(
      `SELECT state, version FROM rooms WHERE id = $1`,
      [roomId],
    );
    return rows[0] ?? null;
  }

  /** A page of room ids, in id order after `afterId`, with their stored snapshot's version. */
  roomPage(afterId: string | null, limit: number): Promise<Array<{ id: string; version: number }>> {
    return this.dataSource.query(
      `SELECT id, version FROM rooms WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** Stored rooms by game and room phase (closed rooms left out), read at each /metrics scrape. */
  activeRooms(): Promise<Array<{ game_id: string; phase: string; n: number }>> {
    return this.dataSource.query(
      `SELECT game_id, phase, count(*)::int AS n FROM rooms WHERE phase <> 'closed' GROUP BY game_id, phase`,
    );
  }

  /** The pool of this process's connections: in use, idle, and requests waiting for one. */
  poolState(): { inUse: number; idle: number; waiting: number } {
    const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
    if (!pool) return { inUse: 0, idle: 0, waiting: 0 };
    return { inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount };
  }
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
