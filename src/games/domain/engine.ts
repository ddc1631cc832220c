import type { Phases, SeatRule } from './moves';

/**
 * The engine contract: a game is pure rules. No Nest, no TypeORM, no clock or randomness of its own:
 * the time and a seeded random source come in through `GameContext`. The room runtime stores the
 * events, folds them into state, and publishes each viewer's `view`.
 */

/** A deterministic random source (seeded per room); the same seed gives the same draws. */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
}

export interface GameContext {
  /** Epoch milliseconds of the action being applied. */
  now: number;
  random: RandomSource;
}

export type SeatKind = 'human' | 'agent' | 'bot';

export interface SeatInfo {
  /** Stable for the room's life; lowest seat breaks ties. */
  seat: number;
  /** The user (or, for a server bot, a synthetic id) who holds the seat. Agents' owners are in ownerId. */
  userId: string;
  /** For an agent: the registered user who owns it; for anyone else: the same as userId. */
  ownerId: string;
  kind: SeatKind;
  name: string;
  /** The seat's team, in games played by teams (CHSH pairs); absent elsewhere. */
  team?: string;
}

/** Who may see an event: everyone (seats, spectators and the host), or only the listed seats and/or the host. */
export type Audience = 'all' | readonly (number | 'host')[];

export interface GameEvent {
  type: string;
  payload: Record<string, unknown>;
  audience: Audience;
}

/**
 * Every code a game's rules may refuse with. A game that needs a new one adds it here (and its HTTP
 * status in rooms.errors.ts), so clients find every code in one list and a typo does not compile.
 */
export type GameRejectionCode =
  | 'GAME_NOT_ACTIVE'
  | 'NOT_YOUR_TURN'
  | 'WRONG_PHASE'
  | 'ROLE_FORBIDDEN'
  | 'DEAD_SEAT'
  | 'INVALID_ACTION'
  | 'INVALID_TARGET'
  | 'INVALID_OPTIONS'
  | 'ALREADY_ACTED'
  | 'SELF_TARGET'
  | 'IMMUNE_TARGET'
  | 'SAME_OWNER'
  | 'TEXT_TOO_LONG'
  | 'CONTENT_BLOCKED'
  | 'STALE_DEADLINE';

export interface Rejection {
  ok: false;
  code: GameRejectionCode;
  message: string;
}

export interface Transition<S> {
  ok: true;
  state: S;
  events: GameEvent[];
}

export type Outcome<S> = Transition<S> | Rejection;

/** Who acts: a seat number, or the system (deadline timeouts, host commands already authorised). */
export type Actor = number | 'system';

/**
 * A viewer of a room: a seat; a spectator (who sees only public facts); or the host who plays no seat
 * (a teacher's dashboard), who sees what the game shows its host and never a seat's secrets.
 */
export type Viewer = number | 'spectator' | 'host';

export interface GameAction {
  type: string;
  [field: string]: unknown;
}

/** The action the runtime applies when a stored deadline passes; `deadlineId` makes it idempotent. */
export interface TimeoutAction extends GameAction {
  type: 'timeout';
  deadlineId: string;
}

export interface GameResult {
  /** Winning seats (ties share the win). */
  winners: number[];
  /** Per-seat score or standing, for statistics. */
  scores: Record<number, number>;
  summary: string;
}

/** What a finished game says of one seat beyond the result, for match rows and player statistics. */
export interface SeatReport {
  /** The seat's role, once the game is over and roles are public (Mafia's mafia or town). */
  role?: string;
  /** The side the seat played for, when seats win or lose together (ratings treat a team as one). */
  team?: string;
  /** The game's own figures for the seat (Roast: roundsWon; Mafia: nightsSurvived), summed into statistics. */
  figures?: Record<string, number>;
}

/** What a bot remembers between its turns: the last few rounds it saw (the runtime keeps 3). */
export type BotMemory = ReadonlyArray<Record<string, unknown>>;

/** A set of seats in a chat channel rule: every member seat, none, or these. */
export type SeatSet = 'members' | 'none' | readonly number[];

/** One chat channel of a game, as it stands in the current state. */
export interface ChatChannelRule {
  /** Who is in it: every seat (and the spectators), or these seats. Leaving it loses the channel's history. */
  members: 'all' | readonly number[];
  /** Member seats that may read now (default every member): one who may not keeps its place and history. */
  read?: SeatSet;
  /** Member seats that may write now (only seats that may read). */
  write: SeatSet;
  /** What spectators may do, in a channel of every seat. */
  spectators: 'none' | 'read' | 'write';
}

export interface GameEngine<S, O extends object = Record<string, unknown>> {
  readonly id: string;
  /**
   * The version of these rules. A room keeps the version it was made under for its life, and every stored
   * event records it; a change to the rules that could decide anything differently is a new version, and
   * the old one stays registered while rooms made under it remain.
   */
  readonly rulesVersion: number;
  readonly minSeats: number;
  readonly maxSeats: number;
  readonly defaultOptions: O;

  /** Merges room options over the defaults; a rejection (INVALID_OPTIONS) for bad values. */
  options(input: Partial<O> | undefined): O | Rejection;

  /** Starts a game with these seats (already checked against min/max by the runtime). */
  start(seats: readonly SeatInfo[], options: O, ctx: GameContext): Transition<S>;

  /** The seats playing this game (fixed at start). */
  seats(state: S): readonly SeatInfo[];

  /** The phase the game is in now: a key of `phases` while seats may act. */
  phase(state: S): string;

  /**
   * What seats may do, declared: per phase, its moves, who may make each and each move's payload. The
   * room checks game over, phase, actor and payload once (see `playMove` in ./moves); a move's `play`
   * sees only a well-formed move by a seat allowed to make it.
   */
  readonly phases: Phases<S>;

  /** Who may make any move at all, checked before the phase (Mafia: the dead never act, DEAD_SEAT). */
  readonly who?: SeatRule<S>;

  /** The system's move when the stored deadline `deadlineId` passes; STALE_DEADLINE for any other id. */
  timeout(state: S, deadlineId: string, ctx: GameContext): Outcome<S>;

  /** The next stored deadline: when it passes, the runtime applies `{ type: 'timeout', deadlineId: id }`. */
  deadline(state: S): { id: string; at: number } | null;

  /** What this viewer may see. Roles and secret choices never appear before the game is over, not even to the host. */
  view(state: S, viewer: Viewer): Record<string, unknown>;

  /** Seats that must act now (for bots, reconnect defaults and "phase ends early"). */
  pendingSeats(state: S): number[];

  isOver(state: S): boolean;
  result(state: S): GameResult | null;

  /** A bot's next action from its own view and short memory, or null when it has nothing to do. */
  botAction(view: Record<string, unknown>, seat: number, memory: BotMemory, ctx: GameContext): GameAction | null;

  /**
   * The game's chat channels now, by name, and who may read and write each one (Mafia's `room`, `mafia`
   * and `dead`). The runtime stores them with the room event that changed them, so a client that sees a
   * phase finds its chat rules in force; a channel no longer declared is closed. Games that omit it have
   * one channel, `room`, open to every seat and spectator.
   */
  channels?(state: S): Record<string, ChatChannelRule>;

  /**
   * Each seat's role, team and figures in a finished game (only called once `isOver`). The match row and
   * the players' statistics carry them; a game that omits it records only the result's winners and scores.
   */
  matchReport?(state: S): Record<number, SeatReport>;

  /** What a bot should remember of this view after acting (one entry per round), or null. */
  botMemoryEntry?(view: Record<string, unknown>, seat: number): Record<string, unknown> | null;

  /** The room's creator may make a room without taking a seat, to run it as its host (CHSH's teacher). */
  readonly allowsSeatlessHost?: boolean;
}

export const reject = (code: GameRejectionCode, message: string): Rejection => ({ ok: false, code, message });

/** An event every seat and spectator may see. */
export const toAll = (type: string, payload: Record<string, unknown>): GameEvent => ({
  type,
  payload,
  audience: 'all',
});

/** An accepted action's next state and its events. */
export const transition = <S>(state: S, events: GameEvent[]): Transition<S> => ({ ok: true, state, events });
export const isRejection = <S>(outcome: Outcome<S> | unknown): outcome is Rejection =>
  typeof outcome === 'object' && outcome !== null && (outcome as Rejection).ok === false;
