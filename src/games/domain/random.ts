import type { RandomSource } from './engine';

/**
 * mulberry32: a small, fast, well-distributed 32-bit generator. A room stores its seed and the number
 * of draws, so any room can be replayed to the same results.
 */
export function seededRandom(seed: number): RandomSource & { draws: number } {
  let state = seed >>> 0;
  const source = {
    draws: 0,
    next(): number {
      source.draws += 1;
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    int(maxExclusive: number): number {
      return Math.floor(source.next() * maxExclusive);
    },
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = source.int(i + 1);
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
  };
  return source;
}
