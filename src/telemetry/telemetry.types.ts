import type { Period } from './domain/standings';

export type LeaderboardMetric = 'rating' | 'wins' | 'win-rate';
export const LEADERBOARD_METRICS: readonly LeaderboardMetric[] = ['rating', 'wins', 'win-rate'];

export interface LeaderboardEntry {
  /** Standard competition ranking: equal values share a rank, and the next rank skips (1, 2, 2, 4). */
  rank: number;
  userId: string;
  displayName: string;
  /** The ranked value: the rating (mu - 3 sigma), the wins, or the win rate from 0 to 1. */
  value: number;
  played: number;
  won: number;
  lost: number;
  winRate: number;
  rating: number;
}

export interface LeaderboardPage {
  gameId: string;
  metric: LeaderboardMetric;
  period: Period;
  /** The first day (UTC) of the period ranked; 1970-01-01 for all time. */
  periodStart: string;
  /** Win-rate boards rank only players with at least this many games in the period. */
  minGames: number;
  entries: LeaderboardEntry[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface GameStats {
  gameId: string;
  played: number;
  won: number;
  lost: number;
  winRate: number;
  currentStreak: number;
  bestStreak: number;
  /** The game's own figures summed over the player's matches (Roast: roundsWon; Mafia: nightsSurvived). */
  figures: Record<string, number>;
  rating: { value: number; mu: number; sigma: number };
  lastMatchAt: string;
}

export interface PlayerStats {
  userId: string;
  displayName: string;
  games: GameStats[];
}

export interface KpiReport {
  from: string;
  to: string;
  funnel: Array<{ gameId: string; created: number; started: number; finished: number }>;
  quickMatch: { seats: number; started: number; conversion: number | null };
  reconnects: { attempted: number; succeeded: number; failed: number };
  joinsRefused: { roomFull: number; secondSeat: number; seatTaken: number };
  matchLength: Array<{ gameId: string; matches: number; medianMs: number; p90Ms: number }>;
  activePlayers: { perDay: Array<{ day: string; players: number }>; perWeek: Array<{ week: string; players: number }> };
  reports: { open: number; resolvedInRange: number; medianResolveMs: number | null };
}
