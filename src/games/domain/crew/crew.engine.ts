import { reject, type GameEngine, type GameResult, type Rejection } from '../engine';
import { crewBotAction, crewBotMemoryEntry } from './crew.bot';
import { crewActors, crewPendingSeats, crewPhases, crewTimeout, startGame } from './crew.rules';
import type { CrewOptions, CrewState } from './crew.types';
import { crewChannels, crewView } from './crew.view';

export const CREW_DEFAULT_OPTIONS: CrewOptions = {
  tasksMs: 8_000,
  meetingMs: 6_000,
  tasksPerCrew: 2,
  impostors: 0,
  maxRounds: 10,
};

const HOUR_MS = 3_600_000;
const LIMITS: Record<keyof CrewOptions, readonly [number, number]> = {
  tasksMs: [1, HOUR_MS],
  meetingMs: [1, HOUR_MS],
  tasksPerCrew: [1, 10],
  impostors: [0, 3],
  maxRounds: [1, 50],
};

const isCrewOption = (key: string): key is keyof CrewOptions => Object.hasOwn(LIMITS, key);

/** Room options over the defaults; an unknown key or a value out of range is refused with INVALID_OPTIONS. */
export function parseCrewOptions(input: Partial<CrewOptions> | undefined): CrewOptions | Rejection {
  const options = { ...CREW_DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(input ?? {})) {
    if (value === undefined) continue;
    if (!isCrewOption(key)) return reject('INVALID_OPTIONS', `Unknown crew option: ${key}`);
    const [min, max] = LIMITS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return reject('INVALID_OPTIONS', `${key} must be an integer from ${min} to ${max}`);
    }
    options[key] = value;
  }
  return options;
}

/** Every seat of the winning side wins, the dead included. */
function crewResult(state: CrewState): GameResult | null {
  if (state.phase !== 'finished' || state.winner === null) return null;
  const winners = state.seats.map((seat) => seat.seat).filter((seat) => state.roles[seat] === state.winner);
  const scores = Object.fromEntries(state.seats.map((seat) => [seat.seat, winners.includes(seat.seat) ? 1 : 0]));
  const side = state.winner === 'crew' ? 'The crew' : winners.length > 1 ? 'The impostors' : 'The impostor';
  return { winners, scores, summary: `${side} won (${state.finishReason}) in round ${state.round}` };
}

export const crewEngine: GameEngine<CrewState, CrewOptions> = {
  id: 'crew',
  rulesVersion: 1,
  minSeats: 4,
  maxSeats: 10,
  defaultOptions: CREW_DEFAULT_OPTIONS,
  options: parseCrewOptions,
  start: startGame,
  seats: (state) => state.seats,
  phase: (state) => state.phase,
  phases: crewPhases,
  who: crewActors,
  timeout: crewTimeout,
  deadline: (state) => state.deadline,
  view: crewView,
  pendingSeats: crewPendingSeats,
  isOver: (state) => state.phase === 'finished',
  result: crewResult,
  botAction: crewBotAction,
  botMemoryEntry: crewBotMemoryEntry,
  channels: crewChannels,
};
