import fc from 'fast-check';
import {
  drawItems,
  itemPairs,
  newAssignment,
  pairQuota,
  roundLimit,
} from '../../../src/games/domain/chsh/chsh.assignment';
import type { ChshMode, ItemPair } from '../../../src/games/domain/chsh/chsh.types';
import { seededRandom } from '../../../src/games/domain/random';

const MODES: ChshMode[] = ['simplified', 'classic'];

/** Draws `rounds` rounds of one team from this seed. */
function play(mode: ChshMode, seed: number, rounds: number) {
  const random = seededRandom(seed);
  let state = newAssignment(mode);
  const items: ItemPair[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const drawn = drawItems(state, random);
    items.push(drawn.items);
    state = drawn.state;
  }
  return { items, state };
}

const pairIndex = (mode: ChshMode, items: ItemPair) =>
  itemPairs(mode).findIndex((pair) => pair[0] === items[0] && pair[1] === items[1]);

describe('CHSH item assignment', () => {
  it('has the round limits of the rules: 4 pairs x 5 = 20 in simplified, 16 pairs x 3 = 48 in classic', () => {
    expect([itemPairs('simplified').length, roundLimit('simplified')]).toEqual([4, 20]);
    expect([itemPairs('classic').length, roundLimit('classic')]).toEqual([16, 48]);
    expect(itemPairs('simplified').every(([first, second]) => 'AB'.includes(first) && 'XY'.includes(second))).toBe(
      true,
    );
  });

  it.each(MODES)('gives every pair exactly its quota by the limit, over 5000 seeds (%s)', (mode) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const { items } = play(mode, seed, roundLimit(mode));
        const counts = itemPairs(mode).map(() => 0);
        for (const drawn of items) counts[pairIndex(mode, drawn)] += 1;
        expect(counts).toEqual(itemPairs(mode).map(() => pairQuota(mode)));
      }),
      { numRuns: 5000, seed: 20261203 },
    );
  });

  it.each(MODES)('never lets a pair pass its quota before the limit, over 2000 seeds (%s)', (mode) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 1, max: roundLimit(mode) }),
        (seed, rounds) => {
          const { state } = play(mode, seed, rounds);
          expect(Math.max(...state.counts)).toBeLessThanOrEqual(pairQuota(mode));
          expect(state.counts.reduce((a, b) => a + b, 0)).toBe(rounds);
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });

  it.each(MODES)('replays a seed to the same items (%s)', (mode) => {
    expect(play(mode, 42, 60).items).toEqual(play(mode, 42, 60).items);
    expect(play(mode, 42, 60).items).not.toEqual(play(mode, 43, 60).items);
  });

  // Chi-square critical values at p = 0.001: 16.27 for 3 degrees of freedom, 37.70 for 15.
  const CRITICAL: Record<ChshMode, number> = { simplified: 16.27, classic: 37.7 };

  it.each(MODES)('draws uniformly after the limit: the first round past it, over 3000 seeds (%s)', (mode) => {
    const pairs = itemPairs(mode).length;
    const counts = Array<number>(pairs).fill(0);
    const seeds = 3000;
    for (let seed = 0; seed < seeds; seed += 1) {
      const { items } = play(mode, seed * 7919 + 1, roundLimit(mode) + 1);
      counts[pairIndex(mode, items.at(-1)!)] += 1;
    }
    const expected = seeds / pairs;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(CRITICAL[mode]);
  });

  it.each(MODES)('keeps drawing uniformly long after the limit: 16000 rounds of one team (%s)', (mode) => {
    const pairs = itemPairs(mode).length;
    const past = 16_000;
    const { items } = play(mode, 99, roundLimit(mode) + past);
    const counts = Array<number>(pairs).fill(0);
    for (const drawn of items.slice(roundLimit(mode))) counts[pairIndex(mode, drawn)] += 1;
    const expected = past / pairs;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(CRITICAL[mode]);
  });
});
