import { reject, type GameEngine, type Rejection, type Viewer } from '../engine';

/**
 * The benchmark game: any seat may act at any time, every action changes the state and is published,
 * and there are no timers, so a benchmark measures the room runtime and not a game's clock.
 */
export interface BenchOptions {
  /** Nothing to tune; kept so the game has the same option surface as the others. */
  label: string;
}

export interface BenchState {
  game: 'bench';
  phase: 'lobby' | 'playing';
  seats: number[];
  /** Every accepted bump, counted. */
  counter: number;
  /** Bumps per seat. */
  bumps: Record<number, number>;
  /** The last bump's seat and value. */
  last: { seat: number; value: number } | null;
}

export type BenchView = {
  game: 'bench';
  phase: BenchState['phase'];
  counter: number;
  last: BenchState['last'];
  /** Only your own count: a per-viewer detail, so views differ per seat as in real games. */
  you: { seat: number; bumps: number } | null;
};

const DEFAULTS: BenchOptions = { label: 'bench' };

export const benchEngine: GameEngine<BenchState, BenchOptions> = {
  id: 'bench',
  minSeats: 1,
  maxSeats: 8,
  defaultOptions: DEFAULTS,
  options(input): BenchOptions | Rejection {
    for (const key of Object.keys(input ?? {})) {
      if (key !== 'label') return reject('INVALID_OPTIONS', `Unknown bench option: ${key}`);
    }
    const label = input?.label ?? DEFAULTS.label;
    return typeof label === 'string' && label.length <= 40 ? { label } : reject('INVALID_OPTIONS', 'label is a short text');
  },
  start(seats) {
    const numbers = seats.map((seat) => seat.seat).sort((a, b) => a - b);
    return {
      ok: true,
      state: { game: 'bench', phase: 'playing', seats: numbers, counter: 0, bumps: Object.fromEntries(numbers.map((n) => [n, 0])), last: null },
      events: [{ type: 'bench_started', payload: { seats: numbers }, audience: 'all' }],
    };
  },
  apply(state, action, actor) {
    if (action.type === 'reset' && actor === 'system') return { ok: true, state: { ...state, phase: 'lobby' }, events: [] };
    if (action.type !== 'bump') return reject('INVALID_ACTION', `Unknown bench action: ${String(action.type)}`);
    if (actor === 'system' || !state.seats.includes(actor)) return reject('NOT_YOUR_TURN', 'Only a seat bumps');
    if (state.phase !== 'playing') return reject('GAME_NOT_ACTIVE', 'The bench game is not running');
    const counter = state.counter + 1;
    const next: BenchState = { ...state, counter, bumps: { ...state.bumps, [actor]: (state.bumps[actor] ?? 0) + 1 }, last: { seat: actor, value: counter } };
    return { ok: true, state: next, events: [{ type: 'bumped', payload: { seat: actor, counter }, audience: 'all' }] };
  },
  deadline: () => null,
  view(state, viewer: Viewer): BenchView {
    return {
      game: 'bench',
      phase: state.phase,
      counter: state.counter,
      last: state.last,
      you: viewer === 'spectator' || !state.seats.includes(viewer) ? null : { seat: viewer, bumps: state.bumps[viewer] ?? 0 },
    };
  },
  pendingSeats: () => [],
  isOver: () => false,
  result: () => null,
  botAction: () => null,
};
