/**
 * Staged rollout of a candidate rule set: each room falls in one of 100 buckets by a stable hash of its
 * id, and a room uses the candidate while its bucket is below the rollout percentage. Raising the
 * percentage only adds rooms, so a room never flips back and forth while a rollout widens, and every
 * process (and every restart) puts a room in the same bucket.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const BUCKETS = 100;
const encoder = new TextEncoder();

/** The room's bucket, 0 to 99: FNV-1a (32-bit) of the id's UTF-8 bytes. */
export function canaryBucket(roomId: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(roomId)) {
    hash = Math.imul(hash ^ byte, FNV_PRIME);
  }
  return (hash >>> 0) % BUCKETS;
}

/** Whether the room uses the candidate rules at `percent` (0: nobody, 100: every room). */
export function useCandidate(roomId: string, percent: number): boolean {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`rollout percentage must be between 0 and 100, not ${percent}`);
  }
  return canaryBucket(roomId) < percent;
}
