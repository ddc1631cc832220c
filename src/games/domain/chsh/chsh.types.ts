/** Player 1's items are A and B, player 2's X and Y (in the simplified mode; in classic either may get any). */
export type ChshItem = 'A' | 'B' | 'X' | 'Y';

export const CHSH_ITEMS: readonly ChshItem[] = ['A', 'B', 'X', 'Y'];

/**
 * `simplified`: player 1 gets A or B and player 2 X or Y, four item pairs, each due 4 + 1 times by the
 * round limit. `classic`: each player may get any of the four items, sixteen pairs, each due 2 + 1 times.
 */
export type ChshMode = 'simplified' | 'classic';

/** The items of one round: player 1's, then player 2's. */
export type ItemPair = readonly [ChshItem, ChshItem];

/** A team's draw state: how often each pair came up, and the queue of the last rounds before the limit. */
export interface AssignmentState {
  mode: ChshMode;
  /** Rounds drawn so far. */
  drawn: number;
  /** How often each pair (by its index in `itemPairs(mode)`) came up. */
  counts: number[];
  /** The shuffled missing pairs, drawn from in the last `pairs` rounds before the limit; null before them. */
  queue: number[] | null;
}

/** One answered round, as statistics and the CSV read it. */
export interface AnsweredRound {
  team: string;
  round: number;
  items: ItemPair;
  answers: readonly [boolean, boolean];
  /** When the second answer committed (epoch ms). */
  at: number;
}

/** The correlation of one item pair: mean of +1 (the answers agree) and -1 (they differ), over `rounds`. */
export interface PairCorrelation {
  items: ItemPair;
  rounds: number;
  correlation: number;
}

export interface ChshStatistics {
  rounds: number;
  /** Per item pair that came up, in the mode's pair order. */
  correlations: PairCorrelation[];
  /** E(A,X) + E(A,Y) + E(B,X) - E(B,Y); null until each of those four pairs has an answered round. */
  s: number | null;
  /** The standard error of S from the counts: sqrt(sum of (1 - E^2) / n) over the four pairs; null with S. */
  sStandardError: number | null;
  /** Share of rounds won (answers differ on (B,Y), agree on every other pair); null without rounds. */
  successRate: number | null;
  /** Per item: 1 - |2p - 1| with p the share of true answers to it; null for an item never asked. */
  balance: Record<ChshItem, number | null>;
}
