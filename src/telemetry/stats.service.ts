import { Injectable } from '@nestjs/common';
import { EngineRegistry } from '../games/engine-registry';
import { periodStart, type Period } from './domain/standings';
import { telemetryError } from './telemetry.errors';
import { METRIC_COLUMN, TelemetryRepository, type StandingRow } from './telemetry.repository';
import type { GameStats, LeaderboardMetric, LeaderboardPage, PlayerStats } from './telemetry.types';

export interface LeaderboardRequest {
  gameId: string;
  metric: LeaderboardMetric;
  period?: Period;
  limit?: number;
  cursor?: string;
  minGames?: number;
}

const DEFAULT_MIN_GAMES = 5;

/** A cursor is the last row's value and user id, opaque to clients. */
const encodeCursor = (value: number, userId: string) =>
  Buffer.from(JSON.stringify([value, userId])).toString('base64url');

function decodeCursor(cursor: string): { value: number; userId: string } {
  try {
    const [value, userId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof value === 'number' &&
      Number.isFinite(value) &&
      typeof userId === 'string' &&
      /^[0-9a-f-]{36}$/.test(userId)
    )
      return { value, userId };
  } catch {
    // falls through to the refusal
  }
  throw telemetryError('INVALID_CURSOR', 'cursor is not a nextCursor this leaderboard gave');
}

const gameStats = (row: StandingRow): GameStats => ({
  gameId: row.gameId,
  played: row.played,
  won: row.won,
  lost: row.lost,
  winRate: row.won / row.played,
  currentStreak: row.currentStreak,
  bestStreak: row.bestStreak,
  figures: row.figures,
  rating: { value: row.rating, mu: row.mu, sigma: row.sigma },
  lastMatchAt: new Date(row.lastMatchAt).toISOString(),
});

/** Players' statistics and the leaderboards, read from the standings the rater wrote. */
@Injectable()
export class StatsService {
  constructor(
    private readonly repository: TelemetryRepository,
    private readonly registry: EngineRegistry,
  ) {}

  async leaderboard(request: LeaderboardRequest, now = Date.now()): Promise<LeaderboardPage> {
    if (!this.registry.get(request.gameId))
      throw telemetryError(
        'UNKNOWN_GAME',
        `There is no game ${request.gameId}; games: ${this.registry.ids().join(', ')}`,
      );
    const period = request.period ?? 'all';
    const limit = request.limit ?? 20;
    const minGames = request.metric === 'win-rate' ? (request.minGames ?? DEFAULT_MIN_GAMES) : 1;
    const start = periodStart(period, now);
    const rows = await this.repository.leaderboard({
      gameId: request.gameId,
      column: METRIC_COLUMN[request.metric],
      period,
      periodStart: start,
      minGames,
      after: request.cursor === undefined ? null : decodeCursor(request.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      gameId: request.gameId,
      metric: request.metric,
      period,
      periodStart: start,
      minGames,
      entries: page.map((row) => ({
        rank: row.rank,
        userId: row.user_id,
        displayName: row.display_name,
        value: row.value,
        played: row.played,
        won: row.won,
        lost: row.lost,
        winRate: row.win_rate,
        rating: row.rating,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.value, last.user_id) : null,
    };
  }

  async player(userId: string): Promise<PlayerStats> {
    const found = await this.repository.playerStats(userId);
    if (!found) throw telemetryError('PLAYER_NOT_FOUND', 'No such player');
    return { userId, displayName: found.displayName, games: found.rows.map(gameStats) };
  }
}
