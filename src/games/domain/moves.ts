import {
  reject,
  type Actor,
  type GameAction,
  type GameContext,
  type GameEngine,
  type GameRejectionCode,
  type Outcome,
  type Rejection,
  type SeatInfo,
} from './engine';

/**
 * The move vocabulary of the engine contract, in the manner of boardgame.io's phases and moves: an engine
 * declares, per phase, which moves exist, who may make each (a seat rule) and the shape of each move's
 * payload; `playMove` checks all of it in one place, with the same codes for every game, and calls the
 * move's `play` only with a well-formed move by a seat allowed to make it.
 */

/** Whether this seat may make a move now: null when it may, else the rejection (ROLE_FORBIDDEN, DEAD_SEAT...). */
export type SeatRule<S> = (state: S, seat: SeatInfo) => Rejection | null;

/** One payload field: what a well-formed value is, and how a rejection describes it. */
export interface Field<T> {
  readonly expected: string;
  accepts(value: unknown): value is T;
}

export type PayloadSchema = Readonly<Record<string, Field<unknown>>>;

/** The typed payload a move's `play` receives: each declared field, checked. */
export type PayloadOf<P extends PayloadSchema> = { [K in keyof P]: P[K] extends Field<infer T> ? T : never };

export interface MoveSpec<S, P extends PayloadSchema> {
  who: SeatRule<S>;
  payload: P;
  /** The game's own rules for the move: ALREADY_ACTED, SELF_TARGET, INVALID_TARGET and the like, then the next state. */
  play(state: S, payload: PayloadOf<P>, seat: SeatInfo, ctx: GameContext): Outcome<S>;
}

/** A declared move, its payload type erased so one phase can hold moves of different payloads. */
export type Move<S> = MoveSpec<S, PayloadSchema>;

export interface Phase<S> {
  readonly moves: Readonly<Record<string, Move<S>>>;
}

export type Phases<S> = Readonly<Record<string, Phase<S>>>;

/**
 * Declares moves for a game's state type: `const move = movesOf<MafiaState>()`, then
 * `move({ who, payload: { seat: seatNumber }, play: (state, { seat }, by, ctx) => ... })` with `seat` typed.
 */
export function movesOf<S>() {
  return <P extends PayloadSchema>(spec: MoveSpec<S, P>): Move<S> => spec as unknown as Move<S>;
}

// Seat rules.

/** Any seat of the game. */
export const anySeat: SeatRule<unknown> = () => null;

/** A rule from a test on the seat, refused with `code` when the test fails. */
export function seatRule<S>(
  holds: (state: S, seat: SeatInfo) => boolean,
  code: GameRejectionCode,
  message: string,
): SeatRule<S> {
  return (state, seat) => (holds(state, seat) ? null : reject(code, message));
}

/** Every rule in turn; the first refusal wins, so list the rules in the order their codes should come. */
export function allOf<S>(...rules: SeatRule<S>[]): SeatRule<S> {
  return (state, seat) => {
    for (const rule of rules) {
      const refused = rule(state, seat);
      if (refused) return refused;
    }
    return null;
  };
}

/** A living seat; the dead get DEAD_SEAT. */
export function living<S>(alive: (state: S) => readonly number[]): SeatRule<S> {
  return seatRule((state, seat) => alive(state).includes(seat.seat), 'DEAD_SEAT', 'The dead do not act');
}

/** A seat with this role; any other gets ROLE_FORBIDDEN. */
export function hasRole<S>(
  roleOf: (state: S, seat: number) => string | undefined,
  role: string,
  message: string,
): SeatRule<S> {
  return seatRule((state, seat) => roleOf(state, seat.seat) === role, 'ROLE_FORBIDDEN', message);
}

// Payload fields.

/** A seat number: an integer from 0. Whether that seat is a valid target is the move's to say. */
export const seatNumber: Field<number> = {
  expected: 'a seat number',
  accepts: (value): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0,
};

/** A text that is not blank. Its length limit, if any, is the move's (it may depend on options). */
export const text: Field<string> = {
  expected: 'a text',
  accepts: (value): value is string => typeof value === 'string' && value.trim() !== '',
};

export const flag: Field<boolean> = {
  expected: 'true or false',
  accepts: (value): value is boolean => typeof value === 'boolean',
};

export function oneOf<T extends string>(...values: T[]): Field<T> {
  return {
    expected: `one of ${values.join(', ')}`,
    accepts: (value): value is T => typeof value === 'string' && (values as string[]).includes(value),
  };
}

// The one check.

function declaredAnywhere<S>(engine: GameEngine<S, object>, type: string): boolean {
  return Object.values(engine.phases).some((phase) => Object.hasOwn(phase.moves, type));
}

/**
 * Plays an action on a game, the one way the room does: a timeout only from the system; then game over
 * (GAME_NOT_ACTIVE), an unknown move (INVALID_ACTION), a move by the system (INVALID_ACTION) or by a seat
 * not in the game (NOT_YOUR_TURN), the game's rule for every move (DEAD_SEAT in Mafia), a move of another
 * phase (WRONG_PHASE), the move's seat rule (ROLE_FORBIDDEN...), its payload (INVALID_ACTION); only then
 * the move's own `play`.
 */
export function playMove<S>(
  engine: GameEngine<S, object>,
  state: S,
  action: GameAction,
  actor: Actor,
  ctx: GameContext,
): Outcome<S> {
  if (action.type === 'timeout') {
    if (actor !== 'system') return reject('INVALID_ACTION', 'Only the system applies a timeout');
    return engine.timeout(state, typeof action.deadlineId === 'string' ? action.deadlineId : '', ctx);
  }
  if (engine.isOver(state)) return reject('GAME_NOT_ACTIVE', 'The game is over');
  if (!declaredAnywhere(engine, action.type))
    return reject('INVALID_ACTION', `Unknown ${engine.id} action: ${String(action.type)}`);
  if (actor === 'system') return reject('INVALID_ACTION', `Only a seat makes the move ${action.type}`);
  const seat = engine.seats(state).find((candidate) => candidate.seat === actor);
  if (!seat) return reject('NOT_YOUR_TURN', `Seat ${actor} is not in this game`);
  const barred = engine.who?.(state, seat);
  if (barred) return barred;
  const phase = engine.phase(state);
  const moves = engine.phases[phase]?.moves ?? {};
  if (!Object.hasOwn(moves, action.type)) return reject('WRONG_PHASE', `No ${action.type} during the ${phase} phase`);
  const move = moves[action.type];
  const refused = move.who(state, seat);
  if (refused) return refused;
  const payload: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(move.payload)) {
    const value = action[name];
    if (!field.accepts(value)) return reject('INVALID_ACTION', `${action.type} needs ${name}: ${field.expected}`);
    payload[name] = value;
  }
  return move.play(state, payload, seat, ctx);
}
