import { reject, type GameEngine, type Rejection, type SeatInfo, type Viewer } from '../engine';
import { anySeat, movesOf } from '../moves';

/**
 * The benchmark game: any seat may act at any time, every action changes the state and is published,
 * and there are no timers, so a benchmark measures the room runtime and not a game's clock. Its creator
 * may run it without a seat, as a host watching every seat's count (the smallest host dashboard).
 */
export interface BenchOptions {
  /** Nothing to tune; kept so the game has the same option surface as the others. */
  label: string;
}

export interface BenchState {
  game: 'bench';
  phase: 'playing';
  seats: SeatInfo[];
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
  /** Only for the seatless host: every seat's count. */
  bumps: Record<number, number> | null;
};

const DEFAULTS: BenchOptions = { label: 'bench' };

const move = movesOf<BenchState>();
const seated = (state: BenchState, seat: number) => state.seats.some((candidate) => candidate.seat === seat);

export const benchEngine: GameEngine<BenchState, BenchOptions> = {
  id: 'bench',
  rulesVersion: 1,
  minSeats: 1,
  maxSeats: 8,
  allowsSeatlessHost: true,
  defaultOptions: DEFAULTS,
  options(input): BenchOptions | Rejection {
    for (const key of Object.keys(input ?? {})) {
      if (key !== 'label') return reject('INVALID_OPTIONS', `Unknown bench option: ${key}`);
    }
    const label = input?.label ?? DEFAULTS.label;
    return typeof label === 'string' && label.length <= 40
      ? { label }
      : reject('INVALID_OPTIONS', 'label is a short text');
  },
  start(seats) {
    const sorted = [...seats].sort((a, b) => a.seat - b.seat);
    const numbers = sorted.map((seat) => seat.seat);
    return {
      ok: true,
      state: {
        game: 'bench',
        phase: 'playing',
        seats: sorted,
        counter: 0,
        bumps: Object.fromEntries(numbers.map((n) => [n, 0])),
        last: null,
      },
      events: [{ type: 'bench_started', payload: { seats: numbers }, audience: 'all' }],
    };
  },
  seats: (state) => state.seats,
  phase: (state) => state.phase,
  phases: {
    playing: {
      moves: {
        bump: move({
          who: anySeat,
          payload: {},
          play(state, _payload, { seat }) {
            const counter = state.counter + 1;
            const next: BenchState = {
              ...state,
              counter,
              bumps: { ...state.bumps, [seat]: (state.bumps[seat] ?? 0) + 1 },
              last: { seat, value: counter },
            };
            return { ok: true, state: next, events: [{ type: 'bumped', payload: { seat, counter }, audience: 'all' }] };
          },
        }),
      },
    },
  },
  timeout: () => reject('STALE_DEADLINE', 'The bench game has no deadlines'),
  deadline: () => null,
  view(state, viewer: Viewer): BenchView {
    return {
      game: 'bench',
      phase: state.phase,
      counter: state.counter,
      last: state.last,
      you:
        typeof viewer === 'number' && seated(state, viewer) ? { seat: viewer, bumps: state.bumps[viewer] ?? 0 } : null,
      bumps: viewer === 'host' ? state.bumps : null,
    };
  },
  pendingSeats: () => [],
  isOver: () => false,
  result: () => null,
  matchReport: (state) =>
    Object.fromEntries(state.seats.map(({ seat }) => [seat, { figures: { bumps: state.bumps[seat] ?? 0 } }])),
  botAction: () => null,
};
