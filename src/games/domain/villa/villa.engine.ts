import { reject, type GameEngine, type GameResult, type Rejection } from '../engine';
import { villaBotAction, villaBotMemoryEntry } from './villa.bot';
import { startVilla, villaActors, villaPendingSeats, villaPhases, villaTimeout } from './villa.rules';
import type { VillaOptions, VillaState } from './villa.types';
import { villaChannels, villaView } from './villa.view';

export const VILLA_DEFAULT_OPTIONS: VillaOptions = {
  pairingMs: 7_000,
  challengeMs: 7_000,
  twistMs: 6_000,
  recoupleMs: 7_000,
  eliminationMs: 7_000,
  rounds: 3,
};

const HOUR_MS = 3_600_000;
const LIMITS: Record<keyof VillaOptions, readonly [number, number]> = {
  pairingMs: [1, HOUR_MS],
  challengeMs: [1, HOUR_MS],
  twistMs: [1, HOUR_MS],
  recoupleMs: [1, HOUR_MS],
  eliminationMs: [1, HOUR_MS],
  // One seat leaves per round: from 10 seats, 8 rounds reach the final couple.
  rounds: [1, 8],
};

const isVillaOption = (key: string): key is keyof VillaOptions => Object.hasOwn(LIMITS, key);

/** Room options over the defaults; an unknown key or a value out of range is refused with INVALID_OPTIONS. */
export function parseVillaOptions(input: Partial<VillaOptions> | undefined): VillaOptions | Rejection {
  const options = { ...VILLA_DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(input ?? {})) {
    if (value === undefined) continue;
    if (!isVillaOption(key)) return reject('INVALID_OPTIONS', `Unknown villa option: ${key}`);
    const [min, max] = LIMITS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return reject('INVALID_OPTIONS', `${key} must be an integer from ${min} to ${max}`);
    }
    options[key] = value;
  }
  return options;
}

const names = (state: VillaState, seats: readonly number[]) =>
  seats.map((seat) => state.seats.find((candidate) => candidate.seat === seat)?.name ?? `Seat ${seat}`).join(' and ');

/** The final couple both win, or the viewers' favourite alone; scores are the challenge votes each seat received. */
function villaResult(state: VillaState): GameResult | null {
  if (state.phase !== 'finished' || state.finishReason === null) return null;
  const scores = Object.fromEntries(state.seats.map((seat) => [seat.seat, state.favour[seat.seat] ?? 0]));
  const summary =
    state.finishReason === 'final_couple'
      ? `${names(state, state.winners)} won as the final couple in round ${state.round}`
      : `${names(state, state.winners)} won as the viewers' favourite with ${scores[state.winners[0]]} challenge votes`;
  return { winners: state.winners, scores, summary };
}

export const villaEngine: GameEngine<VillaState, VillaOptions> = {
  id: 'villa',
  rulesVersion: 1,
  minSeats: 4,
  maxSeats: 10,
  defaultOptions: VILLA_DEFAULT_OPTIONS,
  options: parseVillaOptions,
  start: startVilla,
  seats: (state) => state.seats,
  phase: (state) => state.phase,
  phases: villaPhases,
  who: villaActors,
  timeout: villaTimeout,
  deadline: (state) => state.deadline,
  view: villaView,
  pendingSeats: villaPendingSeats,
  isOver: (state) => state.phase === 'finished',
  result: villaResult,
  botAction: villaBotAction,
  botMemoryEntry: villaBotMemoryEntry,
  channels: villaChannels,
};
