import type { RandomSource } from '../engine';
import { CHSH_ITEMS, type AssignmentState, type ChshMode, type ItemPair } from './chsh.types';

/** How often each pair should come up: 4 in simplified, 2 in classic. */
export const REPEATS: Record<ChshMode, number> = { simplified: 4, classic: 2 };

const SIMPLIFIED_PAIRS: readonly ItemPair[] = [
  ['A', 'X'],
  ['A', 'Y'],
  ['B', 'X'],
  ['B', 'Y'],
];
const CLASSIC_PAIRS: readonly ItemPair[] = CHSH_ITEMS.flatMap((first) =>
  CHSH_ITEMS.map((second) => [first, second] as const),
);

/** The mode's item pairs, in a fixed order: 4 in simplified, 16 in classic. */
export const itemPairs = (mode: ChshMode): readonly ItemPair[] =>
  mode === 'simplified' ? SIMPLIFIED_PAIRS : CLASSIC_PAIRS;

/** The round limit: (repeats + 1) x pairs (20 in simplified, 48 in classic). */
export const roundLimit = (mode: ChshMode): number => (REPEATS[mode] + 1) * itemPairs(mode).length;

/**
 * What each pair is due by the limit: limit / pairs = repeats + 1. (With a quota of only `repeats`, the
 * draws before the last `pairs` rounds would already meet every quota, and the queue of missing pairs the
 * rules ask for in those last rounds would be empty.)
 */
export const pairQuota = (mode: ChshMode): number => roundLimit(mode) / itemPairs(mode).length;

export function newAssignment(mode: ChshMode): AssignmentState {
  return { mode, drawn: 0, counts: itemPairs(mode).map(() => 0), queue: null };
}

/**
 * The next round's items, balanced as the CHSH rules say: while more rounds remain before the limit than
 * there are pairs, uniformly among the pairs still short of their quota; in the last `pairs` rounds, from
 * a shuffled queue of exactly the missing pairs, so every pair reaches its quota at the limit; after it,
 * uniformly among all pairs. Draws only from `random` (the room's seeded source), so a session replays.
 */
export function drawItems(state: AssignmentState, random: RandomSource): { items: ItemPair; state: AssignmentState } {
  const pairs = itemPairs(state.mode);
  const limit = roundLimit(state.mode);
  const quota = pairQuota(state.mode);
  const round = state.drawn + 1;
  let queue = state.queue;
  let pick: number;
  if (round > limit) {
    pick = random.int(pairs.length);
  } else if (round > limit - pairs.length) {
    if (queue === null) {
      const missing = state.counts.flatMap((count, pair) => Array<number>(Math.max(0, quota - count)).fill(pair));
      queue = random.shuffle(missing);
    }
    [pick, ...queue] = queue;
  } else {
    const short = state.counts.flatMap((count, pair) => (count < quota ? [pair] : []));
    pick = short[random.int(short.length)];
  }
  const counts = state.counts.map((count, pair) => (pair === pick ? count + 1 : count));
  return { items: pairs[pick], state: { ...state, drawn: round, counts, queue } };
}
