import fc from 'fast-check';
import { canaryBucket, useCandidate } from '../../../src/moderation/domain/rollout';

const SEED = 20240601;

describe('staged rollout: the canary bucket of a room', () => {
  it('is an integer from 0 to 99, the same every time for the same room', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (roomId) => {
        const bucket = canaryBucket(roomId);
        expect(Number.isInteger(bucket)).toBe(true);
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThan(100);
        expect(canaryBucket(roomId)).toBe(bucket);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('does not depend on the process: known ids keep their buckets', () => {
    // Pinned so a change of hash (which would reshuffle every live rollout) cannot pass unnoticed.
    expect(['', 'room-1', 'ルーム'].map(canaryBucket)).toEqual([61, 68, 56]);
  });

  it('spreads rooms evenly: each bucket gets about 1% of 10,000 random ids', () => {
    const ids = fc.sample(fc.uuid(), { seed: SEED, numRuns: 10_000 });
    const counts = new Array<number>(100).fill(0);
    for (const id of ids) counts[canaryBucket(id)] += 1;
    // 100 expected per bucket, standard deviation about 10: 50 to 150 only fails for a broken hash.
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...counts)).toBeLessThanOrEqual(150);
  });

  it('spreads sequential ids as well as random ones', () => {
    const counts = new Array<number>(100).fill(0);
    for (let room = 0; room < 10_000; room += 1) counts[canaryBucket(`room-${room}`)] += 1;
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...counts)).toBeLessThanOrEqual(150);
  });
});

describe('staged rollout: who uses the candidate rules', () => {
  it('is nobody at 0% and everybody at 100%', () => {
    fc.assert(
      fc.property(fc.string(), (roomId) => {
        expect(useCandidate(roomId, 0)).toBe(false);
        expect(useCandidate(roomId, 100)).toBe(true);
      }),
      { seed: SEED },
    );
  });

  it('is exactly the rooms whose bucket is below the percentage', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 100 }), (roomId, percent) => {
        expect(useCandidate(roomId, percent)).toBe(canaryBucket(roomId) < percent);
      }),
      { seed: SEED },
    );
  });

  it('only adds rooms as the percentage rises', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (roomId, a, b) => {
        const [lower, higher] = a < b ? [a, b] : [b, a];
        if (useCandidate(roomId, lower)) expect(useCandidate(roomId, higher)).toBe(true);
      }),
      { seed: SEED },
    );
  });

  it('reaches about the share of rooms it says', () => {
    const ids = fc.sample(fc.uuid(), { seed: SEED, numRuns: 10_000 });
    const share = ids.filter((id) => useCandidate(id, 10)).length / ids.length;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
  });

  it.each([-1, 101, Number.NaN, Number.POSITIVE_INFINITY])('refuses a percentage of %s', (percent) => {
    expect(() => useCandidate('room-1', percent)).toThrow(RangeError);
  });
});
