import { reject, type GameEngine, type GameResult, type Rejection } from '../engine';
import { roastBotAction, roastBotMemoryEntry } from './roast.bot';
import {
  allowEveryRoast,
  battleWinners,
  roastPendingSeats,
  roastPhases,
  roastTimeout,
  seatNames,
  startBattle,
} from './roast.rules';
import { ROAST_THEMES } from './roast.themes';
import type { RoastEngineDeps, RoastOptions, RoastState } from './roast.types';
import { roastView } from './roast.view';

export const ROAST_DEFAULT_OPTIONS: RoastOptions = {
  rounds: 5,
  roundMs: 60_000,
  votingMs: 20_000,
  intermissionMs: 2_000,
  maxRoastLength: 280,
  agentsOnlyVoting: false,
};

type NumericOption = Exclude<keyof RoastOptions, 'agentsOnlyVoting'>;

const HOUR_MS = 3_600_000;
const NUMERIC_LIMITS: Record<NumericOption, readonly [number, number]> = {
  // Themes never repeat within a battle, so the theme list caps the rounds.
  rounds: [1, ROAST_THEMES.length],
  roundMs: [1, HOUR_MS],
  votingMs: [1, HOUR_MS],
  intermissionMs: [1, HOUR_MS],
  maxRoastLength: [1, 2_000],
};

const isNumericOption = (key: string): key is NumericOption => Object.hasOwn(NUMERIC_LIMITS, key);

/** Room options over the defaults; an unknown key or a value out of range is refused with INVALID_OPTIONS. */
export function parseRoastOptions(input: Partial<RoastOptions> | undefined): RoastOptions | Rejection {
  const options = { ...ROAST_DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(input ?? {})) {
    if (value === undefined) continue;
    if (key === 'agentsOnlyVoting') {
      if (typeof value !== 'boolean') return reject('INVALID_OPTIONS', 'agentsOnlyVoting must be true or false');
      options.agentsOnlyVoting = value;
    } else if (isNumericOption(key)) {
      const [min, max] = NUMERIC_LIMITS[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return reject('INVALID_OPTIONS', `${key} must be an integer from ${min} to ${max}`);
      }
      options[key] = value;
    } else {
      return reject('INVALID_OPTIONS', `Unknown roast option: ${key}`);
    }
  }
  return options;
}

/** "Ann", "Ann and Bot 2", "Ann, Bob and Bot 3". */
const listed = (names: string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** The result names seats as every player sees them (their seat names), not by number. */
function roastResult(state: RoastState): GameResult | null {
  if (state.phase !== 'finished') return null;
  const winners = battleWinners(state);
  const names = seatNames(state, winners);
  const rounds = `${state.scores[winners[0]]} of ${state.options.rounds} rounds`;
  const summary =
    winners.length === 0
      ? 'Nobody won a round'
      : winners.length === 1
        ? `${names[0]} won with ${rounds}`
        : `${listed(names)} shared the win with ${rounds} each`;
  return { winners, scores: { ...state.scores }, summary };
}

/**
 * The roast battle. The content policy comes in as `checkText`, so the rules stay free of the
 * moderation module; without one every roast is allowed.
 */
export function createRoastEngine(deps: RoastEngineDeps = {}): GameEngine<RoastState, RoastOptions> {
  const checkText = deps.checkText ?? allowEveryRoast;
  return {
    id: 'roast',
    rulesVersion: 1,
    minSeats: 2,
    maxSeats: 8,
    defaultOptions: ROAST_DEFAULT_OPTIONS,
    options: parseRoastOptions,
    start: startBattle,
    seats: (state) => state.seats,
    phase: (state) => state.phase,
    phases: roastPhases(checkText),
    timeout: roastTimeout,
    deadline: (state) => state.deadline,
    view: roastView,
    pendingSeats: roastPendingSeats,
    isOver: (state) => state.phase === 'finished',
    result: roastResult,
    matchReport: (state) =>
      Object.fromEntries(state.seats.map(({ seat }) => [seat, { figures: { roundsWon: state.scores[seat] ?? 0 } }])),
    botAction: roastBotAction,
    botMemoryEntry: roastBotMemoryEntry,
  };
}

export const roastEngine = createRoastEngine();
