import type { RandomSource } from '../engine';
import { seededRandom } from '../random';

/** FNV-1a over a string: a team id as a 32-bit number. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The random source of one team's round, from the room's seed: the same session, team and round always
 * draw the same items, whatever order the teams play in.
 */
export function roundRandom(roomSeed: number, teamId: string, round: number): RandomSource {
  return seededRandom((roomSeed ^ hash32(teamId) ^ Math.imul(round, 0x9e3779b1)) >>> 0);
}
