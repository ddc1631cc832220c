import type { Period } from '../telemetry/domain/standings';
import type { LeaderboardMetric, LeaderboardPage, PlayerStats } from '../telemetry/telemetry.types';
import type { Ack } from './ack';

export type { GameStats, LeaderboardEntry, LeaderboardPage, PlayerStats } from '../telemetry/telemetry.types';

/** Statistics and leaderboards over Socket.IO (docs/telemetry.md). Read-only; every event is acknowledged. */
export interface TelemetryClientEvents {
  /** Your own statistics and rating in every game you played. */
  'stats:me': (ack: Ack<PlayerStats>) => void;
  /** One page of a leaderboard; pass the answer's nextCursor as `cursor` for the next. */
  'leaderboard:get': (
    payload: {
      gameId: string;
      metric: LeaderboardMetric;
      period?: Period;
      limit?: number;
      cursor?: string;
      minGames?: number;
    },
    ack: Ack<LeaderboardPage>,
  ) => void;
}
