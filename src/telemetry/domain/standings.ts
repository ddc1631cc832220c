import { ordinal, rate, rating, type Rating } from 'openskill';

/**
 * Player statistics and ratings as plain functions: how one finished match moves each player's standing.
 * Ratings are openskill's Weng-Lin (Plackett-Luce) model, which rates free-for-all games and team games
 * alike; the leaderboard's rating is its conservative ordinal, mu - 3 sigma, so a new player starts at 0.
 */

export type Period = 'all' | 'month' | 'week';
export const PERIODS: readonly Period[] = ['all', 'month', 'week'];

/** What a player's standing in one game and period holds. */
export interface Standing {
  played: number;
  won: number;
  lost: number;
  currentStreak: number;
  bestStreak: number;
  figures: Record<string, number>;
  mu: number;
  sigma: number;
  lastMatchAt: number;
}

export interface RatedSeat {
  /** The user, or null for a bot: a bot plays at the default rating and its new rating is thrown away. */
  userId: string | null;
  team: string | null;
  win: boolean;
}

const DAY_MS = 86_400_000;

/** The first day (UTC, yyyy-mm-dd) of the period that contains this instant; 'all' has one period. */
export function periodStart(period: Period, at: number): string {
  const date = new Date(at);
  if (period === 'all') return '1970-01-01';
  if (period === 'month') return `${date.toISOString().slice(0, 7)}-01`;
  // ISO weeks start on Monday.
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - sinceMonday * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

export const displayRating = (value: Rating): number => ordinal(value);

/**
 * Every user's new rating after a match. Seats of one team are rated as one team, other seats each as
 * their own; winners rank first, the rest share second place. A match with one side only changes nothing.
 */
export function rateMatch(seats: readonly RatedSeat[], current: (userId: string) => Rating): Map<string, Rating> {
  const teams = new Map<string, RatedSeat[]>();
  seats.forEach((seat, index) => {
    const key = seat.team === null ? `seat:${index}` : `team:${seat.team}`;
    teams.set(key, [...(teams.get(key) ?? []), seat]);
  });
  const sides = [...teams.values()];
  const next = new Map<string, Rating>();
  if (sides.length < 2) return next;
  const rated = rate(
    sides.map((side) => side.map((seat) => (seat.userId === null ? rating() : current(seat.userId)))),
    { rank: sides.map((side) => (side.some((seat) => seat.win) ? 1 : 2)) },
  );
  sides.forEach((side, t) =>
    side.forEach((seat, i) => {
      if (seat.userId !== null) next.set(seat.userId, rated[t][i]);
    }),
  );
  return next;
}

/** A standing after one more match. */
export function recordMatch(
  before: Standing | null,
  win: boolean,
  figures: Record<string, number>,
  after: Rating,
  at: number,
): Standing {
  const start: Standing = before ?? {
    played: 0,
    won: 0,
    lost: 0,
    currentStreak: 0,
    bestStreak: 0,
    figures: {},
    mu: after.mu,
    sigma: after.sigma,
    lastMatchAt: at,
  };
  const summed = { ...start.figures };
  for (const [name, value] of Object.entries(figures)) summed[name] = (summed[name] ?? 0) + value;
  const currentStreak = win ? start.currentStreak + 1 : 0;
  return {
    played: start.played + 1,
    won: start.won + (win ? 1 : 0),
    lost: start.lost + (win ? 0 : 1),
    currentStreak,
    bestStreak: Math.max(start.bestStreak, currentStreak),
    figures: summed,
    mu: after.mu,
    sigma: after.sigma,
    lastMatchAt: at,
  };
}

export const defaultRating = (): Rating => rating();
