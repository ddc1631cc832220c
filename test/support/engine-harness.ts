import {
  isRejection,
  type Actor,
  type GameAction,
  type GameContext,
  type GameEngine,
  type GameEvent,
  type RandomSource,
  type SeatInfo,
  type Transition,
  type Viewer,
} from '../../src/games/domain/engine';
import { playMove } from '../../src/games/domain/moves';
import { seededRandom } from '../../src/games/domain/random';
import { applyRoomCommand, roomRandom } from '../../src/games/domain/room/room.rules';
import type {
  EngineLookup,
  RoomActor,
  RoomCommand,
  RoomOutcome,
  RoomState,
} from '../../src/games/domain/room/room.types';

/**
 * Test helpers shared by the game rule tests: seats, a hand-moved clock, and a driver that plays a game
 * the way the room runtime does (bots act, deadlines fire, the state goes through JSON between actions).
 * Plain functions, no test framework, so any engine's tests can use them.
 */

/** Seats numbered from 0 (so a falsy seat number is exercised), each a human with its own owner unless `shape` says otherwise. */
export function seatsOf(count: number, shape: (seat: number) => Partial<SeatInfo> = () => ({})): SeatInfo[] {
  return Array.from({ length: count }, (_, seat) => ({
    seat,
    userId: `user-${seat}`,
    ownerId: `user-${seat}`,
    kind: 'human' as const,
    name: `Seat ${seat}`,
    ...shape(seat),
  }));
}

export const contextAt = (random: RandomSource, now: number): GameContext => ({ now, random });

/** Applies an action that must succeed; a rejection fails loudly with its code. */
export function mustApply<S>(
  engine: GameEngine<S, object>,
  state: S,
  action: GameAction,
  actor: Actor,
  ctx: GameContext,
): Transition<S> {
  const outcome = playMove(engine, state, action, actor, ctx);
  if (isRejection(outcome))
    throw new Error(`${JSON.stringify(action)} by ${actor} was rejected: ${outcome.code} ${outcome.message}`);
  return outcome;
}

/** Fires the current deadline at its due time; there must be one. */
export function fireDeadline<S>(engine: GameEngine<S, object>, state: S, random: RandomSource): Transition<S> {
  const deadline = engine.deadline(state);
  if (!deadline) throw new Error('No deadline is pending');
  return mustApply(
    engine,
    state,
    { type: 'timeout', deadlineId: deadline.id },
    'system',
    contextAt(random, deadline.at),
  );
}

export const canSee = (event: GameEvent, viewer: Viewer): boolean =>
  event.audience === 'all' || (viewer !== 'spectator' && event.audience.includes(viewer));

export interface PlayedStep<S> {
  before: S;
  after: S;
  actor: Actor;
  action: GameAction;
  events: GameEvent[];
}

export interface PlayedGame<S> {
  start: Transition<S>;
  steps: PlayedStep<S>[];
  final: S;
}

export interface BotPlay {
  seed: number;
  /** A game that has not finished after this many actions fails the run. */
  maxSteps: number;
  startAt?: number;
  /** The seats played by bots; the rest never act and are left to the deadlines. Default: every seat. */
  botSeats?: readonly number[];
}

/** The runtime keeps a bot's last three memory entries, one per round. */
const MEMORY_ROUNDS = 3;

function remember(memory: Record<string, unknown>[], entry: Record<string, unknown>): Record<string, unknown>[] {
  const others = memory.filter((kept) => kept.round !== entry.round);
  return [...others, entry].slice(-MEMORY_ROUNDS);
}

/**
 * Plays a whole game: each pending bot seat acts from its own view; when no bot has anything to do the
 * current deadline fires. A bot proposing an illegal action, a game stuck with no deadline, or one that
 * outlasts `maxSteps` throws.
 */
export function playWithBots<S, O extends object>(
  engine: GameEngine<S, O>,
  seats: readonly SeatInfo[],
  options: O,
  play: BotPlay,
): PlayedGame<S> {
  const random = seededRandom(play.seed);
  const bots = play.botSeats ?? seats.map((seat) => seat.seat);
  const memories = new Map<number, Record<string, unknown>[]>();
  let now = play.startAt ?? 1_000_000;
  const start = engine.start(seats, options, contextAt(random, now));
  const steps: PlayedStep<S>[] = [];
  let state = start.state;

  while (!engine.isOver(state)) {
    if (steps.length >= play.maxSteps) throw new Error(`Game not over after ${play.maxSteps} steps`);
    const ctx = contextAt(random, now);
    let actor: Actor = 'system';
    let action: GameAction | null = null;
    for (const seat of engine.pendingSeats(state).filter((pending) => bots.includes(pending))) {
      const view = engine.view(state, seat);
      action = engine.botAction(view, seat, memories.get(seat) ?? [], ctx);
      if (action === null) continue;
      actor = seat;
      const entry = engine.botMemoryEntry?.(view, seat);
      if (entry) memories.set(seat, remember(memories.get(seat) ?? [], entry));
      break;
    }
    if (action === null) {
      const deadline = engine.deadline(state);
      if (!deadline) throw new Error('Game is stuck: nobody acts and no deadline is pending');
      now = Math.max(now, deadline.at);
      action = { type: 'timeout', deadlineId: deadline.id };
    }
    const outcome = playMove(engine, state, action, actor, contextAt(random, now));
    if (isRejection(outcome))
      throw new Error(`${JSON.stringify(action)} by ${actor} was rejected: ${outcome.code} ${outcome.message}`);
    // The runtime stores snapshots as JSON; a state that does not survive the trip is a bug.
    const after = JSON.parse(JSON.stringify(outcome.state)) as S;
    steps.push({ before: state, after, actor, action, events: outcome.events });
    state = after;
  }
  return { start, steps, final: state };
}

/**
 * A started room of this game alone, seat n held by `user-n` (`user-0` is the host), driven through the
 * room rules: for what a game leaves to the room, such as a reset.
 */
export function gameRoom(engine: GameEngine<unknown, object>, seatCount: number, options: object, seed = 7) {
  const engines: EngineLookup = (gameId) => (gameId === engine.id ? engine : undefined);
  let state: RoomState | null = null;
  let now = 1_000_000;
  const run = (command: RoomCommand, userId: string | null): RoomOutcome => {
    now += 1;
    const actor: RoomActor = userId === null ? { kind: 'system' } : { kind: 'user', userId };
    const outcome = applyRoomCommand(
      state,
      command,
      actor,
      { now, random: roomRandom(seed, (state?.seq ?? 0) + 1) },
      engines,
    );
    if (outcome.ok) state = outcome.state;
    return outcome;
  };
  const holder = (seat: number) => ({
    userId: `user-${seat}`,
    ownerId: `user-${seat}`,
    kind: 'human' as const,
    name: `Seat ${seat}`,
  });
  const settings = {
    seatCount,
    botFill: false,
    reconnectWindowMs: 1000,
    botDelayMs: 10,
    kickBanMs: 1000,
    game: options as Record<string, unknown>,
  };
  run(
    {
      type: 'room.create',
      roomId: 'room-1',
      gameId: engine.id,
      name: 'Room',
      visibility: 'public',
      seed,
      settings,
      host: holder(0),
    },
    'user-0',
  );
  for (let seat = 1; seat < seatCount; seat += 1) run({ type: 'seat.take', holder: holder(seat) }, `user-${seat}`);
  const started = run({ type: 'game.start' }, 'user-0');
  if (!started.ok) throw new Error(`The room did not start: ${started.code}`);
  return {
    engines,
    run,
    get state(): RoomState {
      return state as RoomState;
    },
  };
}
