/**
 * Leaderboard benchmark: `npm run bench:leaderboards`.
 *
 * On a fresh database of the PostgreSQL named by DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres;
 * dropped afterwards), with the real migrations: BENCH_PLAYERS guests and BENCH_MATCHES finished matches
 * (70% roast with 2-4 seats, 30% mafia with 5-6 seats in two teams, one bot seat in one match of ten)
 * spread over the last 90 days. Standings of all but the newest BENCH_RATE_SAMPLE matches are aggregated in
 * SQL (exact counts, stand-in ratings); the newest are rated by the real rater (MatchRatingService's
 * `standingsAfter` through TelemetryRepository.rateUnrated), which prints its throughput; then the
 * leaderboard and statistics queries are run under EXPLAIN (ANALYZE, BUFFERS): each metric and period,
 * the first page and a page deep in the board (after rank ~5,000), with the planner's execution time.
 * The KPI report over the 90 days is timed as the app runs it.
 *
 * Knobs (environment): BENCH_PLAYERS=10000 BENCH_MATCHES=100000 BENCH_RATE_SAMPLE=2000 BENCH_PLANS=1 (print plans).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { adminQuery, withDatabase } from '../src/database/admin-sql';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { periodStart, type Period } from '../src/telemetry/domain/standings';
import { standingsAfter } from '../src/telemetry/match-ratings.service';
import {
  leaderboardParams,
  leaderboardSql,
  METRIC_COLUMN,
  PLAYER_STATS_SQL,
  TelemetryRepository,
  type BoardQuery,
} from '../src/telemetry/telemetry.repository';
import type { LeaderboardMetric } from '../src/telemetry/telemetry.types';

const PLAYERS = Number(process.env.BENCH_PLAYERS ?? 10_000);
const MATCHES = Number(process.env.BENCH_MATCHES ?? 100_000);
const RATE_SAMPLE = Number(process.env.BENCH_RATE_SAMPLE ?? 2_000);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function seed(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `INSERT INTO users (id, kind, display_name, version)
     SELECT (lpad(to_hex(n), 8, '0') || '-0000-4000-8000-000000000000')::uuid, 'guest', 'Player ' || n, 1
       FROM generate_series(1, $1) AS n`,
    [PLAYERS],
  );
  const host = '00000001-0000-4000-8000-000000000000';
  await dataSource.query(
    `INSERT INTO rooms (id, game_id, name, host_user_id, visibility, phase, seat_count, seated, seed, state, version, rules_version)
     SELECT (lpad(to_hex(n), 8, '0') || '-1111-4000-8000-000000000000')::uuid, CASE WHEN n % 10 < 7 THEN 'roast' ELSE 'mafia' END,
            'Bench', $2, 'public', 'finished', 8, 0, n, '{}'::jsonb, 1, 1
       FROM generate_series(1, $1) AS n`,
    [MATCHES, host],
  );
  await dataSource.query(
    `INSERT INTO room_events (room_id, seq, rules_version, type, actor, payload, at)
     SELECT (lpad(to_hex(n), 8, '0') || '-1111-4000-8000-000000000000')::uuid, 1, 1, 'game.act', 'system',
            '{"command": {}, "events": []}'::jsonb, now() - (n::float8 / $1) * interval '90 days'
       FROM generate_series(1, $1) AS n`,
    [MATCHES],
  );
  await dataSource.query(
    `INSERT INTO matches (id, room_id, game_no, game_id, rules_version, end_seq, started_at, finished_at, duration_ms, winners, summary)
     SELECT (lpad(to_hex(n), 8, '0') || '-2222-4000-8000-000000000000')::uuid,
            (lpad(to_hex(n), 8, '0') || '-1111-4000-8000-000000000000')::uuid, 1,
            CASE WHEN n % 10 < 7 THEN 'roast' ELSE 'mafia' END, 1, 1,
            now() - (n::float8 / $1) * interval '90 days' - (60 + n % 600) * interval '1 second',
            now() - (n::float8 / $1) * interval '90 days', (60 + n % 600) * 1000, ARRAY[0], 'bench'
       FROM generate_series(1, $1) AS n`,
    [MATCHES],
  );
  // Seats: distinct players per match (strides that never meet within six seats); seat 0 wins, or its team.
  await dataSource.query(
    `INSERT INTO match_participants (match_id, seat, user_id, kind, name, team, score, win, figures, game_id, finished_at)
     SELECT m.id, s.seat,
            CASE WHEN s.seat = 1 AND n % 10 = 3 THEN NULL
                 ELSE (lpad(to_hex(1 + (n * 7919 + s.seat * 1361) % $2), 8, '0') || '-0000-4000-8000-000000000000')::uuid END,
            CASE WHEN s.seat = 1 AND n % 10 = 3 THEN 'bot' ELSE 'human' END, 'Seat ' || s.seat,
            CASE WHEN m.game_id = 'mafia' THEN CASE WHEN s.seat % 2 = 0 THEN 'town' ELSE 'mafia' END END,
            CASE WHEN s.seat = 0 THEN 1 ELSE 0 END,
            CASE WHEN m.game_id = 'mafia' THEN s.seat % 2 = 0 ELSE s.seat = 0 END,
            CASE WHEN m.game_id = 'roast' THEN jsonb_build_object('roundsWon', CASE WHEN s.seat = 0 THEN 3 ELSE 1 END)
                 ELSE jsonb_build_object('nightsSurvived', s.seat % 3) END,
            m.game_id, m.finished_at
       FROM generate_series(1, $1) AS n
       JOIN matches m ON m.id = (lpad(to_hex(n), 8, '0') || '-2222-4000-8000-000000000000')::uuid
       CROSS JOIN LATERAL generate_series(0, CASE WHEN m.game_id = 'roast' THEN 1 + n % 3 ELSE 4 + n % 2 END) AS s(seat)`,
    [MATCHES, PLAYERS],
  );
}

async function explain(dataSource: DataSource, sql: string, params: unknown[]): Promise<{ ms: number; plan: string }> {
  const rows: Array<{ 'QUERY PLAN': string }> = await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  const plan = rows.map((row) => row['QUERY PLAN']);
  const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan.at(-1) ?? '')?.[1] ?? NaN);
  return { ms, plan: plan.join('\n') };
}

async function main(): Promise<void> {
  const database = `arena_bench_leaderboards_${process.pid}`;
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
  const url = withDatabase(ADMIN_URL, database);
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  try {
    await runMigrations(url);
    await dataSource.initialize();
    let started = performance.now();
    await seed(dataSource);
    const [{ seats }] = await dataSource.query(`SELECT count(*)::int AS seats FROM match_participants`);
    log(
      `seeded ${PLAYERS} players, ${MATCHES} matches, ${seats} seats in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // The standings of all but the newest RATE_SAMPLE matches come from one SQL aggregate (counts exact,
    // ratings a stand-in from wins and losses, streaks left at 0): rating 100,000 matches one by one takes
    // longer than this benchmark should. The newest matches are then rated by the real rater.
    started = performance.now();
    await dataSource.query(
      `UPDATE matches SET rated_at = now() WHERE id NOT IN (SELECT id FROM matches ORDER BY finished_at DESC LIMIT $1)`,
      [RATE_SAMPLE],
    );
    await dataSource.query(
      `INSERT INTO player_stats (game_id, period, period_start, user_id, played, won, lost, win_rate, current_streak,
                                 best_streak, figures, mu, sigma, rating, last_match_at)
       SELECT game_id, period, period_start, user_id, played, won, played - won, won::float8 / played, 0, 0, '{}'::jsonb,
              25 + 0.5 * (2 * won - played), 8.333 / sqrt(1 + played / 4.0),
              25 + 0.5 * (2 * won - played) - 3 * 8.333 / sqrt(1 + played / 4.0), last_at
         FROM (
           SELECT p.game_id, x.period, x.period_start, p.user_id, count(*)::int AS played,
                  count(*) FILTER (WHERE p.win)::int AS won, max(p.finished_at) AS last_at
             FROM match_participants p JOIN matches m ON m.id = p.match_id AND m.rated_at IS NOT NULL
            CROSS JOIN LATERAL (VALUES ('all', DATE '1970-01-01'),
                                       ('month', date_trunc('month', p.finished_at AT TIME ZONE 'UTC')::date),
                                       ('week', date_trunc('week', p.finished_at AT TIME ZONE 'UTC')::date)) AS x(period, period_start)
            WHERE p.user_id IS NOT NULL
            GROUP BY 1, 2, 3, 4) agg`,
    );
    log(
      `standings of ${MATCHES - RATE_SAMPLE} matches aggregated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    await dataSource.query('ANALYZE');
    const repository = new TelemetryRepository(dataSource);
    started = performance.now();
    let rated = 0;
    for (let batch; (batch = await repository.rateUnrated(200, standingsAfter)) > 0;) rated += batch;
    const rateSeconds = (performance.now() - started) / 1000;
    log(
      `rated the newest ${rated} matches with the real rater in ${rateSeconds.toFixed(1)} s: ${Math.round(rated / rateSeconds)} matches/s (batches of 200)`,
    );
    await dataSource.query('VACUUM ANALYZE');
    const [{ standings }] = await dataSource.query(`SELECT count(*)::int AS standings FROM player_stats`);
    log(`${standings} standings rows (game x period x player)\n`);

    log('EXPLAIN ANALYZE execution time, ms (first page of 21 rows | page after the 5,000th row)');
    const now = Date.now();
    for (const metric of ['rating', 'wins', 'win-rate'] as LeaderboardMetric[]) {
      for (const period of ['all', 'month', 'week'] as Period[]) {
        const query: BoardQuery = {
          gameId: 'roast',
          column: METRIC_COLUMN[metric],
          period,
          periodStart: periodStart(period, now),
          minGames: metric === 'win-rate' ? 5 : 1,
          after: null,
          limit: 21,
        };
        const first = await explain(dataSource, leaderboardSql(query.column), leaderboardParams(query));
        const [deepRow]: Array<{ value: number; user_id: string }> = await dataSource.query(
          `SELECT ${query.column}::float8 AS value, user_id FROM player_stats
            WHERE game_id = $1 AND period = $2 AND period_start = $3 AND played >= $4
            ORDER BY ${query.column} DESC, user_id OFFSET 5000 LIMIT 1`,
          [query.gameId, query.period, query.periodStart, query.minGames],
        );
        const deep = deepRow
          ? await explain(
              dataSource,
              leaderboardSql(query.column),
              leaderboardParams({ ...query, after: { value: deepRow.value, userId: deepRow.user_id } }),
            )
          : null;
        const [{ ranked }] = await dataSource.query(
          `SELECT count(*)::int AS ranked FROM player_stats WHERE game_id = $1 AND period = $2 AND period_start = $3 AND played >= $4`,
          [query.gameId, query.period, query.periodStart, query.minGames],
        );
        log(
          `  roast ${metric.padEnd(8)} ${period.padEnd(5)} ${String(ranked).padStart(6)} ranked: ${first.ms.toFixed(2).padStart(8)} | ${deep ? deep.ms.toFixed(2).padStart(8) : '     n/a'}`,
        );
        if (process.env.BENCH_PLANS) log(first.plan);
      }
    }
    const stats = await explain(dataSource, PLAYER_STATS_SQL, ['00000042-0000-4000-8000-000000000000']);
    log(`  GET /players/:id/stats: ${stats.ms.toFixed(2)} ms`);
    started = performance.now();
    await repository.kpis(new Date(now - 90 * 86_400_000), new Date(now));
    log(`  GET /ops/kpis over 90 days (wall, all queries): ${(performance.now() - started).toFixed(1)} ms`);
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
