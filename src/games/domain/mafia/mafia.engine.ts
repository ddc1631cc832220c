import { reject, type GameEngine, type GameResult, type Rejection, type SeatReport } from '../engine';
import { mafiaBotAction, mafiaBotMemoryEntry } from './mafia.bot';
import { mafiaActors, mafiaPendingSeats, mafiaPhases, mafiaTimeout, startGame } from './mafia.rules';
import type { MafiaOptions, MafiaState } from './mafia.types';
import { mafiaChannels, mafiaView } from './mafia.view';

export const MAFIA_DEFAULT_OPTIONS: MafiaOptions = {
  nightMs: 7_000,
  discussionMs: 5_000,
  votingMs: 7_000,
  maxDays: 3,
};

const HOUR_MS = 3_600_000;
const LIMITS: Record<keyof MafiaOptions, readonly [number, number]> = {
  nightMs: [1, HOUR_MS],
  discussionMs: [1, HOUR_MS],
  votingMs: [1, HOUR_MS],
  maxDays: [1, 12],
};

const isMafiaOption = (key: string): key is keyof MafiaOptions => Object.hasOwn(LIMITS, key);

/** Room options over the defaults; an unknown key or a value out of range is refused with INVALID_OPTIONS. */
export function parseMafiaOptions(input: Partial<MafiaOptions> | undefined): MafiaOptions | Rejection {
  const options = { ...MAFIA_DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(input ?? {})) {
    if (value === undefined) continue;
    if (!isMafiaOption(key)) return reject('INVALID_OPTIONS', `Unknown mafia option: ${key}`);
    const [min, max] = LIMITS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return reject('INVALID_OPTIONS', `${key} must be an integer from ${min} to ${max}`);
    }
    options[key] = value;
  }
  return options;
}

/** Every seat of the winning side wins, the dead included. */
function mafiaResult(state: MafiaState): GameResult | null {
  if (state.phase !== 'finished' || state.winner === null) return null;
  const winners = state.seats.map((seat) => seat.seat).filter((seat) => state.roles[seat] === state.winner);
  const scores = Object.fromEntries(state.seats.map((seat) => [seat.seat, winners.includes(seat.seat) ? 1 : 0]));
  return {
    winners,
    scores,
    summary: `${state.winner === 'town' ? 'Town' : 'Mafia'} won (${state.finishReason}) on day ${state.day}`,
  };
}

/**
 * Roles are public once the game is over; a seat survived every night before its death (a seat executed
 * on a day had survived that day's night).
 */
export function mafiaMatchReport(state: MafiaState): Record<number, SeatReport> {
  return Object.fromEntries(
    state.seats.map(({ seat }) => {
      const death = state.deaths.find((entry) => entry.seat === seat);
      const survived = state.nights.filter(
        (night) => !death || night.day < death.day || (night.day === death.day && death.cause === 'executed'),
      ).length;
      const role = state.roles[seat];
      return [seat, { role, team: role, figures: { nightsSurvived: survived, survived: death ? 0 : 1 } }];
    }),
  );
}

export const mafiaEngine: GameEngine<MafiaState, MafiaOptions> = {
  id: 'mafia',
  rulesVersion: 1,
  minSeats: 4,
  maxSeats: 12,
  defaultOptions: MAFIA_DEFAULT_OPTIONS,
  options: parseMafiaOptions,
  start: startGame,
  seats: (state) => state.seats,
  phase: (state) => state.phase,
  phases: mafiaPhases,
  who: mafiaActors,
  timeout: mafiaTimeout,
  deadline: (state) => state.deadline,
  view: mafiaView,
  pendingSeats: mafiaPendingSeats,
  isOver: (state) => state.phase === 'finished',
  result: mafiaResult,
  matchReport: mafiaMatchReport,
  botAction: mafiaBotAction,
  botMemoryEntry: mafiaBotMemoryEntry,
  channels: mafiaChannels,
};
