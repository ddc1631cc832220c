import {
  isRejection,
  toAll,
  type GameContext,
  type GameEngine,
  type GameEvent,
  type Outcome,
  type SeatInfo,
  type Viewer,
} from '../engine';
import { playMove } from '../moves';
import { seededRandom } from '../random';
import { applyDelta } from './room.outcome';
import type {
  BotMove,
  EngineLookup,
  RoomActor,
  RoomCommand,
  RoomEventView,
  RoomOutcome,
  RoomRejection,
  RoomRejectionCode,
  RoomSeat,
  RoomSettings,
  RoomState,
  RoomView,
  RoomViewer,
  RoomViewPatch,
  SeatHolder,
  StoredRoomEvent,
} from './room.types';

/**
 * The room as pure rules: lobby, seats, host commands, presence, bots and the game inside, all as one
 * reducer over commands. The runtime stores each accepted command as an event; folding the events
 * through `applyRoomCommand` gives the room's state back, so any room can be replayed or restored.
 */

type Engine = GameEngine<unknown, object>;
type Accepted = Extract<RoomOutcome, { ok: true }>;

const refuse = (code: RoomRejectionCode, message: string): RoomRejection => ({ ok: false, code, message });

/** The random source for the event with this sequence number: the same seed and seq always draw the same. */
export function roomRandom(seed: number, seq: number) {
  return seededRandom((seed ^ Math.imul(seq, 0x9e3779b1)) >>> 0);
}

/** Bot memory keeps one entry per round, the last three rounds. */
export const BOT_MEMORY_ROUNDS = 3;

export function rememberRound(
  memory: readonly Record<string, unknown>[],
  entry: Record<string, unknown>,
): Record<string, unknown>[] {
  const others = memory.filter((kept) => kept.round !== entry.round);
  return [...others, entry].slice(-BOT_MEMORY_ROUNDS);
}

export const botOwnerId = (roomId: string, seat: number) => `bot:${roomId}:${seat}`;

export function seatOfUser(state: RoomState, userId: string): RoomSeat | undefined {
  return state.seats.find((seat) => seat.userId === userId);
}

/** The engine a room plays under: its game at the rules version it was made under. */
export function engineOf(state: RoomState, engines: EngineLookup): Engine | undefined {
  return engines(state.gameId, state.rulesVersion);
}

function gameSeats(state: RoomState): SeatInfo[] {
  return state.seats.map((seat) => ({
    seat: seat.seat,
    userId: seat.userId ?? botOwnerId(state.roomId, seat.seat),
    ownerId: seat.ownerId,
    kind: seat.kind,
    name: seat.name,
    ...(seat.team === undefined ? {} : { team: seat.team }),
  }));
}

const sortSeats = (seats: RoomSeat[]) => [...seats].sort((a, b) => a.seat - b.seat);

function freeSeatNumbers(state: RoomState): number[] {
  const taken = new Set(state.seats.map((seat) => seat.seat));
  return Array.from({ length: state.settings.seatCount }, (_, n) => n).filter((n) => !taken.has(n));
}

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

function botSeat(state: RoomState, seat: number, taken: RoomSeat[]): RoomSeat {
  let n = seat + 1;
  while (taken.some((other) => sameName(other.name, `Bot ${n}`))) n += 1;
  return {
    seat,
    userId: null,
    ownerId: botOwnerId(state.roomId, seat),
    kind: 'bot',
    name: `Bot ${n}`,
    control: 'bot',
    away: null,
  };
}

function addBots(state: RoomState, count: number): { seats: RoomSeat[]; added: number[] } {
  let seats = [...state.seats];
  const added: number[] = [];
  for (const seat of freeSeatNumbers(state).slice(0, Math.max(0, count))) {
    seats = sortSeats([...seats, botSeat(state, seat, seats)]);
    added.push(seat);
  }
  return { seats, added };
}

/** When the host's seat goes, the lowest seat still played by its player becomes host; a seatless host stays. */
function nextHost(state: RoomState, seats: RoomSeat[]): string {
  if (state.seatlessHost || seats.some((seat) => seat.userId === state.hostUserId)) return state.hostUserId;
  return seats.find((seat) => seat.userId !== null && seat.control === 'player')?.userId ?? state.hostUserId;
}

/** A player gone from a running game: a bot plays on with bot fill, else the game's defaults. */
function abandon(state: RoomState, seat: RoomSeat, keepHolder: boolean): RoomSeat {
  return {
    ...seat,
    userId: keepHolder ? seat.userId : null,
    control: state.settings.botFill ? 'bot' : 'defaults',
    away: null,
  };
}

/** Frees seats whose player is gone (left during the game, or never came back) when the room returns to the lobby. */
function lobbySeats(seats: RoomSeat[]): RoomSeat[] {
  return seats
    .filter(
      (seat) => seat.kind === 'bot' || (seat.userId !== null && (seat.control === 'player' || seat.away !== null)),
    )
    .map((seat) => (seat.kind === 'bot' ? seat : { ...seat, control: 'player' as const }));
}

export function validateSettings(engine: Engine, settings: RoomSettings): RoomSettings | RoomRejection {
  const { seatCount, reconnectWindowMs, botDelayMs, kickBanMs } = settings;
  if (!Number.isInteger(seatCount) || seatCount < engine.minSeats || seatCount > engine.maxSeats) {
    return refuse(
      'INVALID_OPTIONS',
      `seatCount must be from ${engine.minSeats} to ${engine.maxSeats} for ${engine.id}`,
    );
  }
  for (const [key, value] of Object.entries({ reconnectWindowMs, botDelayMs, kickBanMs })) {
    if (!Number.isInteger(value) || value < 0 || value > 86_400_000)
      return refuse('INVALID_OPTIONS', `${key} must be from 0 to 86400000`);
  }
  const game = engine.options(settings.game as Partial<object>);
  if (isRejection(game)) return refuse(game.code, game.message);
  return { ...settings, game: game as Record<string, unknown> };
}

function create(
  command: Extract<RoomCommand, { type: 'room.create' }>,
  engines: EngineLookup,
  ctx: GameContext,
): RoomOutcome {
  const engine = engines(command.gameId);
  if (!engine) return refuse('UNKNOWN_GAME', `There is no game ${command.gameId}`);
  const name = command.name.trim();
  if (name === '') return refuse('NAME_REQUIRED', 'A room needs a name');
  const settings = validateSettings(engine, command.settings);
  if ('ok' in settings) return settings;
  const seatless = command.seatless === true;
  if (seatless && !engine.allowsSeatlessHost)
    return refuse('SEAT_REQUIRED', `A ${engine.id} room's creator takes a seat`);
  const hostName = command.host.name.trim();
  if (hostName === '') return refuse('NAME_REQUIRED', 'A seat needs a name');
  const state: RoomState = {
    roomId: command.roomId,
    gameId: command.gameId,
    rulesVersion: engine.rulesVersion,
    name,
    visibility: command.visibility,
    hostUserId: command.host.userId,
    seatlessHost: seatless,
    seed: command.seed,
    settings,
    phase: 'lobby',
    seats: seatless ? [] : [{ seat: 0, ...command.host, name: hostName, control: 'player', away: null }],
    game: null,
    gameNo: 0,
    bans: [],
    botMemory: {},
    botsIdle: false,
    seq: 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return accept(
    state,
    [toAll('room_created', { gameId: command.gameId, name, seatCount: settings.seatCount })],
    { seat: seatless ? null : 0 },
    true,
  );
}

function accept(
  state: RoomState,
  events: GameEvent[],
  result: Record<string, unknown>,
  seatsChanged = false,
): Accepted {
  return { ok: true, state, events, result, seatsChanged };
}

/**
 * Applies one command. On success the state's `seq` is one more and `updatedAt` is `ctx.now`; the
 * caller stores the command as the event with that sequence number.
 */
export function applyRoomCommand(
  state: RoomState | null,
  command: RoomCommand,
  actor: RoomActor,
  ctx: GameContext,
  engines: EngineLookup,
): RoomOutcome {
  if (command.type === 'room.create') {
    if (state !== null) return refuse('CONFLICT', 'The room exists already');
    const created = create(command, engines, ctx);
    return created.ok ? { ...created, state: { ...created.state, seq: 1 } } : created;
  }
  if (state === null) return refuse('ROOM_NOT_FOUND', 'No such room');
  const engine = engineOf(state, engines);
  if (!engine) return refuse('UNKNOWN_GAME', `There is no game ${state.gameId}`);
  const outcome = applyToRoom(state, command, actor, ctx, engine);
  if (!outcome.ok) return outcome;
  const botsIdle = command.type === 'bot.turn' ? outcome.state.botsIdle : false;
  return { ...outcome, state: { ...outcome.state, botsIdle, seq: state.seq + 1, updatedAt: ctx.now } };
}

/**
 * Whether anyone runs the room: a seat held by a player or an agent (away or not), or a seatless host
 * (who has no seat to leave). Bots alone do not count.
 */
export const hasPlayers = (state: RoomState): boolean =>
  state.seatlessHost || state.seats.some((seat) => seat.userId !== null);

/**
 * A room is for its players. One that no player or agent holds a seat in is off the lobby list at once,
 * and closes for good once it has stayed so, untouched, for its reconnect window, in the lobby or after
 * a game (a game already running, bots only, plays to its end first). Its bots stay in their seats but
 * never act again; nobody may take a seat any more.
 */
function closeRoom(state: RoomState, atSeq: number): RoomOutcome {
  if (state.seq !== atSeq || state.phase === 'playing' || state.phase === 'closed' || hasPlayers(state)) {
    return refuse('STALE_DEADLINE', 'The room is in use again');
  }
  return accept({ ...state, phase: 'closed' }, [toAll('room_closed', { reason: 'everyone_left' })], {});
}

function requireHost(state: RoomState, actor: RoomActor): RoomRejection | null {
  if (actor.kind === 'system') return null;
  return actor.userId === state.hostUserId ? null : refuse('HOST_ONLY', 'Only the host may do this');
}

function requireUserSeat(state: RoomState, actor: RoomActor): RoomSeat | RoomRejection {
  if (actor.kind !== 'user') return refuse('INVALID_ACTION', 'A player must act');
  return seatOfUser(state, actor.userId) ?? refuse('NOT_SEATED', 'You have no seat in this room');
}

function applyToRoom(
  state: RoomState,
  command: RoomCommand,
  actor: RoomActor,
  ctx: GameContext,
  engine: Engine,
): RoomOutcome {
  switch (command.type) {
    case 'seat.take':
      return takeSeat(state, command.holder, command.seat, ctx);
    case 'seat.leave': {
      const seat = requireUserSeat(state, actor);
      return 'ok' in seat ? seat : vacate(state, seat, 'seat_left', ctx);
    }
    case 'seat.drop': {
      const seat = requireUserSeat(state, actor);
      if ('ok' in seat) return seat;
      if (seat.away !== null || seat.control !== 'player')
        return refuse('ALREADY_ACTED', 'The seat is already marked away');
      const away = { since: ctx.now, until: ctx.now + state.settings.reconnectWindowMs };
      return accept(
        replaceSeat(state, { ...seat, away }),
        [toAll('seat_away', { seat: seat.seat, until: away.until })],
        { seat: seat.seat },
        true,
      );
    }
    case 'seat.return': {
      const seat = requireUserSeat(state, actor);
      if ('ok' in seat) return seat;
      if (seat.away === null && seat.control === 'player')
        return refuse('ALREADY_ACTED', 'The seat is already played by you');
      return accept(
        replaceSeat(state, { ...seat, away: null, control: 'player' }),
        [toAll('seat_returned', { seat: seat.seat })],
        { seat: seat.seat },
        true,
      );
    }
    case 'seat.expire': {
      const seat = state.seats.find((candidate) => candidate.seat === command.seat);
      if (actor.kind !== 'system') return refuse('INVALID_ACTION', 'Only the system expires a seat');
      if (!seat || seat.away?.since !== command.since) return refuse('STALE_DEADLINE', 'The seat is no longer held');
      if (state.phase !== 'playing') return vacate(state, seat, 'seat_expired', ctx);
      const next = abandon(state, seat, true);
      return accept(
        replaceSeat(state, next),
        [toAll('seat_expired', { seat: seat.seat, control: next.control })],
        { seat: seat.seat },
        true,
      );
    }
    case 'seat.kick':
      return requireHost(state, actor) ?? kick(state, command.seat, actor, ctx, command.banMs);
    case 'bots.add':
    case 'bots.fill': {
      const denied = requireHost(state, actor);
      if (denied) return denied;
      if (state.phase !== 'lobby') return refuse('ROOM_ALREADY_STARTED', 'Bots are added in the lobby');
      const wanted =
        command.type === 'bots.add'
          ? command.count
          : Math.min(command.upTo, state.settings.seatCount) - state.seats.length;
      if (freeSeatNumbers(state).length === 0) return refuse('ROOM_FULL', 'Every seat is taken');
      const { seats, added } = addBots(state, wanted);
      return accept({ ...state, seats }, [toAll('bots_added', { seats: added })], { seats: added }, added.length > 0);
    }
    case 'room.configure':
      return requireHost(state, actor) ?? configure(state, command.settings, engine);
    case 'game.start':
      return requireHost(state, actor) ?? startGame(state, engine, ctx, false);
    case 'game.rematch':
      return requireHost(state, actor) ?? startGame(state, engine, ctx, true);
    case 'game.reset': {
      const denied = requireHost(state, actor);
      if (denied) return denied;
      if (state.phase === 'lobby') return refuse('GAME_NOT_ACTIVE', 'The room is already in the lobby');
      // The game state goes, and with it every pending deadline: nothing of the old game can fire later.
      const seats = lobbySeats(state.seats);
      const next: RoomState = { ...state, phase: 'lobby', game: null, seats, hostUserId: nextHost(state, seats) };
      return accept(next, [toAll('game_reset', { gameNo: state.gameNo })], {}, true);
    }
    case 'game.act': {
      const seat = requireUserSeat(state, actor);
      if ('ok' in seat) return seat;
      if (state.phase !== 'playing' || state.game === null) return refuse('GAME_NOT_ACTIVE', 'No game is running');
      return playGame(state, engine, playMove(engine, state.game, command.action, seat.seat, ctx), { seat: seat.seat });
    }
    case 'game.timeout': {
      if (actor.kind !== 'system') return refuse('INVALID_ACTION', 'Only the system applies a timeout');
      if (state.phase !== 'playing' || state.game === null) return refuse('STALE_DEADLINE', 'No game is running');
      return playGame(state, engine, engine.timeout(state.game, command.deadlineId, ctx), {});
    }
    case 'room.close':
      if (actor.kind !== 'system') return refuse('INVALID_ACTION', 'Only the system closes a room');
      return closeRoom(state, command.atSeq);
    case 'bot.turn':
      if (actor.kind !== 'system') return refuse('INVALID_ACTION', 'Only the system plays bots');
      return botTurn(state, command.atSeq, command.moves, engine, ctx);
    default:
      return refuse('INVALID_ACTION', 'Unknown room command');
  }
}

function replaceSeat(state: RoomState, seat: RoomSeat): RoomState {
  return { ...state, seats: state.seats.map((other) => (other.seat === seat.seat ? seat : other)) };
}

function takeSeat(state: RoomState, holder: SeatHolder, wanted: number | undefined, ctx: GameContext): RoomOutcome {
  const name = holder.name.trim();
  if (name === '') return refuse('NAME_REQUIRED', 'A seat needs a name');
  if (seatOfUser(state, holder.userId)) return refuse('ALREADY_SEATED', 'You already have a seat in this room');
  const ban = state.bans.find((entry) => entry.userId === holder.userId && entry.until > ctx.now);
  if (ban) return refuse('KICKED', `The host removed you from this room until ${new Date(ban.until).toISOString()}`);
  if (state.phase === 'closed') return refuse('ROOM_CLOSED', 'Everyone left this room; find another one in the lobby');
  if (state.phase !== 'lobby') return refuse('ROOM_ALREADY_STARTED', 'The game has started; watch instead');
  if (state.seats.some((seat) => sameName(seat.name, name)))
    return refuse('NAME_IN_USE', `The name ${name} is taken in this room`);
  const free = freeSeatNumbers(state);
  if (free.length === 0) return refuse('ROOM_FULL', 'Every seat is taken');
  let seatNo = free[0];
  if (wanted !== undefined) {
    if (!Number.isInteger(wanted) || wanted < 0 || wanted >= state.settings.seatCount)
      return refuse('INVALID_SEAT', `Seats are 0 to ${state.settings.seatCount - 1}`);
    if (!free.includes(wanted)) return refuse('SEAT_TAKEN', `Seat ${wanted} is taken`);
    seatNo = wanted;
  }
  const seat: RoomSeat = { ...holder, seat: seatNo, name, control: 'player', away: null };
  return accept(
    { ...state, seats: sortSeats([...state.seats, seat]) },
    [toAll('seat_taken', { seat: seatNo, name, kind: holder.kind })],
    { seat: seatNo },
    true,
  );
}

function vacate(state: RoomState, seat: RoomSeat, eventType: string, ctx: GameContext): RoomOutcome {
  void ctx;
  const seats =
    state.phase === 'playing'
      ? state.seats.map((other) => (other.seat === seat.seat ? abandon(state, other, false) : other))
      : state.seats.filter((other) => other.seat !== seat.seat);
  const hostUserId = nextHost(state, seats);
  return accept(
    { ...state, seats, hostUserId },
    [toAll(eventType, { seat: seat.seat, host: seats.find((s) => s.userId === hostUserId)?.seat ?? null })],
    { seat: seat.seat, userId: seat.userId },
    true,
  );
}

function kick(
  state: RoomState,
  seatNo: number,
  actor: RoomActor,
  ctx: GameContext,
  banMs = state.settings.kickBanMs,
): RoomOutcome {
  const seat = state.seats.find((candidate) => candidate.seat === seatNo);
  if (!seat || (seat.userId === null && seat.kind !== 'bot'))
    return refuse('INVALID_TARGET', `Seat ${seatNo} has nobody to kick`);
  if (actor.kind === 'user' && seat.userId === actor.userId)
    return refuse('SELF_TARGET', 'The host cannot kick itself');
  const bans =
    seat.userId === null
      ? state.bans
      : [
          ...state.bans.filter((ban) => ban.until > ctx.now && ban.userId !== seat.userId),
          { userId: seat.userId, until: ctx.now + banMs },
        ];
  const vacated = vacate({ ...state, bans }, seat, 'seat_kicked', ctx);
  return vacated.ok ? { ...vacated, result: { seat: seatNo, userId: seat.userId } } : vacated;
}

function configure(
  state: RoomState,
  change: Extract<RoomCommand, { type: 'room.configure' }>['settings'],
  engine: Engine,
): RoomOutcome {
  if (state.phase !== 'lobby') return refuse('ROOM_ALREADY_STARTED', 'Options change in the lobby only');
  const merged: RoomSettings = {
    ...state.settings,
    ...Object.fromEntries(Object.entries(change).filter(([key, value]) => key !== 'game' && value !== undefined)),
    game: { ...state.settings.game, ...(change.game ?? {}) },
  };
  const settings = validateSettings(engine, merged);
  if ('ok' in settings) return settings;
  if (state.seats.some((seat) => seat.seat >= settings.seatCount))
    return refuse('INVALID_OPTIONS', 'Seats are taken beyond that seat count');
  return accept({ ...state, settings }, [toAll('options_changed', { settings })], { settings });
}

function startGame(state: RoomState, engine: Engine, ctx: GameContext, rematch: boolean): RoomOutcome {
  if (rematch ? state.phase !== 'finished' : state.phase !== 'lobby') {
    return rematch
      ? refuse('GAME_NOT_ACTIVE', 'A rematch follows a finished game')
      : refuse('ROOM_ALREADY_STARTED', 'The game has started');
  }
  // A rematch keeps the seats as they are; a start fills empty seats with bots when the room says so.
  const filled =
    !rematch && state.settings.botFill ? addBots(state, state.settings.seatCount) : { seats: state.seats, added: [] };
  const seats = rematch ? lobbySeats(state.seats) : filled.seats;
  if (seats.length < engine.minSeats)
    return refuse('NOT_ENOUGH_PLAYERS', `${engine.id} needs at least ${engine.minSeats} seats`);
  if (seats.length > engine.maxSeats) return refuse('ROOM_FULL', `${engine.id} takes at most ${engine.maxSeats} seats`);
  const seated: RoomState = {
    ...state,
    seats,
    gameNo: state.gameNo + 1,
    gameStartedAt: ctx.now,
    hostUserId: nextHost(state, seats),
  };
  const started = engine.start(gameSeats(seated), seated.settings.game, ctx);
  const events = [
    toAll(rematch ? 'rematch_started' : 'game_started', { gameNo: seated.gameNo, botSeats: filled.added }),
    ...started.events,
  ];
  return accept(
    { ...seated, phase: 'playing', game: started.state, botMemory: {} },
    events,
    { gameNo: seated.gameNo },
    true,
  );
}

function playGame(
  state: RoomState,
  engine: Engine,
  outcome: Outcome<unknown>,
  result: Record<string, unknown>,
): RoomOutcome {
  if (isRejection(outcome)) return refuse(outcome.code, outcome.message);
  const over = engine.isOver(outcome.state);
  const events = over
    ? [...outcome.events, toAll('game_over', { result: engine.result(outcome.state) })]
    : outcome.events;
  return accept({ ...state, game: outcome.state, phase: over ? 'finished' : 'playing' }, events, result);
}

function botTurn(state: RoomState, atSeq: number, moves: BotMove[], engine: Engine, ctx: GameContext): RoomOutcome {
  if (atSeq !== state.seq) return refuse('STALE_BOT_TURN', 'The room moved on since the bots decided');
  if (state.phase !== 'playing' || state.game === null) return refuse('GAME_NOT_ACTIVE', 'No game is running');
  let game: unknown = state.game;
  let botMemory = state.botMemory;
  const events: GameEvent[] = [];
  const played: number[] = [];
  for (const move of moves) {
    const seat = state.seats.find((candidate) => candidate.seat === move.seat);
    if (!seat || seat.control !== 'bot' || engine.isOver(game)) continue;
    const outcome = playMove(engine, game, move.action, move.seat, ctx);
    if (!outcome.ok) continue;
    game = outcome.state;
    events.push(...outcome.events);
    played.push(move.seat);
    if (move.memory) botMemory = { ...botMemory, [move.seat]: rememberRound(botMemory[move.seat] ?? [], move.memory) };
  }
  const over = engine.isOver(game);
  if (over) events.push(toAll('game_over', { result: engine.result(game) }));
  const next: RoomState = {
    ...state,
    game,
    botMemory,
    phase: over ? 'finished' : 'playing',
    botsIdle: played.length === 0,
  };
  return accept(next, events, { played });
}

/** Seats a bot plays that the game waits for now. */
export function botSeatsToAct(state: RoomState, engine: Engine): number[] {
  if (state.phase !== 'playing' || state.game === null || engine.isOver(state.game)) return [];
  const bots = new Set(state.seats.filter((seat) => seat.control === 'bot').map((seat) => seat.seat));
  return engine.pendingSeats(state.game).filter((seat) => bots.has(seat));
}

export type RoomDeadline =
  | { kind: 'game'; id: string; at: number; engineDeadlineId: string }
  | { kind: 'away'; id: string; at: number; seat: number; since: number }
  | { kind: 'bot'; id: string; at: number }
  | { kind: 'empty'; id: string; at: number; atSeq: number };

/** Every timer the room has now: the game's phase deadline, held seats, and the bots' next turn. */
export function roomDeadlines(state: RoomState, engines: EngineLookup): RoomDeadline[] {
  const engine = engineOf(state, engines);
  const deadlines: RoomDeadline[] = [];
  if (engine && state.phase === 'playing' && state.game !== null) {
    const deadline = engine.deadline(state.game);
    if (deadline)
      deadlines.push({
        kind: 'game',
        id: `g${state.gameNo}:${deadline.id}`,
        at: deadline.at,
        engineDeadlineId: deadline.id,
      });
    if (!state.botsIdle && botSeatsToAct(state, engine).length > 0) {
      deadlines.push({ kind: 'bot', id: `bot:${state.seq}`, at: state.updatedAt + state.settings.botDelayMs });
    }
  }
  if ((state.phase === 'lobby' || state.phase === 'finished') && !hasPlayers(state)) {
    deadlines.push({
      kind: 'empty',
      id: `empty:${state.seq}`,
      at: state.updatedAt + state.settings.reconnectWindowMs,
      atSeq: state.seq,
    });
  }
  for (const seat of state.seats) {
    if (seat.away)
      deadlines.push({
        kind: 'away',
        id: `away:${seat.seat}:${seat.away.since}`,
        at: seat.away.until,
        seat: seat.seat,
        since: seat.away.since,
      });
  }
  return deadlines.sort((a, b) => a.at - b.at);
}

export function nextRoomDeadline(state: RoomState, engines: EngineLookup): RoomDeadline | null {
  return roomDeadlines(state, engines)[0] ?? null;
}

/**
 * What this viewer sees of the room: public room facts and the game's own view for it. A seat number that
 * is not a seat sees what a spectator sees.
 */
/** Whom the game shows its view to: a seat only while it holds that seat, the host, else a spectator. */
function gameViewerOf(state: RoomState, viewer: RoomViewer): Viewer {
  const seated = typeof viewer === 'number' && state.seats.some((seat) => seat.seat === viewer);
  return seated || viewer === 'host' ? viewer : 'spectator';
}

export function roomView(state: RoomState, engine: Engine | undefined, viewer: RoomViewer): RoomView {
  const gameViewer = gameViewerOf(state, viewer);
  const seated = typeof viewer === 'number' && gameViewer === viewer;
  return {
    roomId: state.roomId,
    gameId: state.gameId,
    name: state.name,
    visibility: state.visibility,
    phase: state.phase,
    seq: state.seq,
    hostUserId: state.hostUserId,
    settings: state.settings,
    seats: state.seats.map((seat) => ({
      seat: seat.seat,
      name: seat.name,
      kind: seat.kind,
      control: seat.control,
      away: seat.away !== null,
      host: seat.userId !== null && seat.userId === state.hostUserId,
      userId: seat.userId,
      team: seat.team ?? null,
    })),
    you: { seat: seated ? (viewer as number) : null, host: gameViewer === 'host' },
    ...gamePart(state, engine, gameViewer),
  };
}

/** The part of a view the game owns: its own view for this viewer, and the result once it is over. */
function gamePart(state: RoomState, engine: Engine | undefined, viewer: Viewer): Pick<RoomView, 'game' | 'result'> {
  return {
    game: engine && state.game !== null ? engine.view(state.game, viewer) : null,
    result: engine && state.game !== null && state.phase === 'finished' ? engine.result(state.game) : null,
  };
}

/**
 * Whether every part of the view outside the game is the same after as before. States are never changed
 * in place, so an unchanged part is the same object: a room command that touches seats or settings makes
 * new ones, a game move makes only a new `game`.
 */
export function onlyGameMoved(before: RoomState, after: RoomState): boolean {
  return (
    before.roomId === after.roomId &&
    before.gameId === after.gameId &&
    before.name === after.name &&
    before.visibility === after.visibility &&
    before.phase === after.phase &&
    before.hostUserId === after.hostUserId &&
    before.settings === after.settings &&
    before.seats === after.seats
  );
}

/** The viewer's view at `before.seq` turned into its view after, when `onlyGameMoved(before, after)`. */
export function roomViewPatch(
  before: RoomState,
  after: RoomState,
  engine: Engine | undefined,
  viewer: RoomViewer,
): RoomViewPatch {
  return { from: before.seq, ...gamePart(after, engine, gameViewerOf(after, viewer)) };
}

const visibleTo = (event: GameEvent, viewer: RoomViewer) =>
  event.audience === 'all' || (viewer !== 'spectator' && event.audience.includes(viewer));

/**
 * Moves inside a game are anonymous to everyone but their author: who acted, and whether a bot did, can
 * reveal a hidden role (only the mafia act at night). What a move made public is in its game events.
 */
const SECRET_AUTHOR = new Set<RoomEventView['type']>(['game.act', 'bot.turn']);

/** One stored event as this viewer may see it. */
export function eventView(stored: StoredRoomEvent, viewer: RoomViewer): RoomEventView {
  const own = typeof viewer === 'number' && stored.actorSeat === viewer;
  const secret = SECRET_AUTHOR.has(stored.type) && !own;
  const view: RoomEventView = {
    seq: stored.seq,
    type: secret ? 'game.act' : stored.type,
    at: stored.at,
    actorSeat: secret ? null : stored.actorSeat,
    events: stored.events.filter((event) => visibleTo(event, viewer)).map(({ type, payload }) => ({ type, payload })),
  };
  if (stored.command.type === 'game.act' && own) view.action = stored.command.action;
  return view;
}

/**
 * Rebuilds a room from its events: the fold of the outcomes they stored, so nothing is decided again and
 * a room replays to its snapshot whatever today's rules are. Events stored before outcomes were kept have
 * none; those are applied again through `legacyEngines`, at the rules version they were made under.
 */
export function foldRoom(
  events: readonly StoredRoomEvent[],
  legacyEngines: EngineLookup,
  /** The fold of the events before these (a room folded page by page); null from the room's creation. */
  from: RoomState | null = null,
): RoomState {
  let state: RoomState | null = from;
  for (const stored of events) {
    const next: RoomState = stored.outcome
      ? applyDelta(state, stored.outcome)
      : replayCommand(state, stored, legacyEngines);
    if (next.seq !== stored.seq) throw new Error(`Event ${stored.seq} is out of order (state at ${next.seq})`);
    state = next;
  }
  if (state === null) throw new Error('A room has at least its creation event');
  return state;
}

function replayCommand(state: RoomState | null, stored: StoredRoomEvent, engines: EngineLookup): RoomState {
  const seed = stored.command.type === 'room.create' ? stored.command.seed : (state?.seed ?? 0);
  const actor: RoomActor = stored.actor === 'system' ? { kind: 'system' } : { kind: 'user', userId: stored.actor };
  const atVersion: EngineLookup = (gameId) => engines(gameId, stored.rulesVersion);
  const outcome = applyRoomCommand(
    state,
    stored.command,
    actor,
    { now: stored.at, random: roomRandom(seed, stored.seq) },
    atVersion,
  );
  if (!outcome.ok)
    throw new Error(`Event ${stored.seq} (${stored.type}) does not replay: ${outcome.code} ${outcome.message}`);
  return outcome.state;
}
