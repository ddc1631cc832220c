import type { GameAction, GameEngine, GameEvent, GameRejectionCode, SeatKind, Viewer } from '../engine';
import type { StateDelta } from './room.outcome';

/**
 * The room's own lifecycle; the game inside has its own phases. `closed` is for good: every player and
 * agent left and nobody came back in time, so its bots stop and nobody may take a seat again.
 */
export type RoomPhase = 'lobby' | 'playing' | 'finished' | 'closed';
export type RoomVisibility = 'public' | 'private';

/**
 * Who plays a seat right now: its holder, a bot (a bot seat, or a player who left or did not come back in
 * time in a room with bot fill), or nobody, so the game's deadlines fill its actions.
 */
export type SeatControl = 'player' | 'bot' | 'defaults';

export interface RoomSeat {
  seat: number;
  /** The holder; null for a bot seat or a seat its player left during a game. */
  userId: string | null;
  /** The owner for same-owner rules: the agent's owner, the player, or a synthetic id for bots. */
  ownerId: string;
  kind: SeatKind;
  name: string;
  /** The seat's team, in games played by teams. */
  team?: string;
  control: SeatControl;
  /** A player whose last socket dropped: the seat is held until `until` (epoch ms). */
  away: { since: number; until: number } | null;
}

export interface RoomSettings {
  seatCount: number;
  /** Fill empty seats with bots at start, and hand a seat to a bot when its player is gone for good. */
  botFill: boolean;
  reconnectWindowMs: number;
  /** How long a bot "thinks" before acting; stored so a restart keeps the same pace. */
  botDelayMs: number;
  /** How long a player kicked by the host may not come back. */
  kickBanMs: number;
  /** The game's own options (timers and so on), already validated by the engine. */
  game: Record<string, unknown>;
}

export interface RoomState {
  roomId: string;
  gameId: string;
  /** The game's rules version this room was made under; it plays under those rules for its life. */
  rulesVersion: number;
  name: string;
  visibility: RoomVisibility;
  hostUserId: string;
  /** The host runs the room without playing a seat (a teacher's dashboard); the host role then never moves. */
  seatlessHost: boolean;
  seed: number;
  settings: RoomSettings;
  phase: RoomPhase;
  seats: RoomSeat[];
  /** The engine's state; null in the lobby. */
  game: unknown;
  /** Counts games started in this room; part of every deadline id so an old game's deadline never matches. */
  gameNo: number;
  /** When the current (or last) game started (epoch ms); absent in rooms stored before it was kept. */
  gameStartedAt?: number;
  /** Players the host kicked, and until when they may not take a seat again. */
  bans: { userId: string; until: number }[];
  /** Each bot seat's memory: its last three rounds. */
  botMemory: Record<string, Record<string, unknown>[]>;
  /** Set when a bot turn found nothing to do, so no further bot turn is scheduled until something changes. */
  botsIdle: boolean;
  /** The sequence number of the last event folded in (equals the room row's version). */
  seq: number;
  createdAt: number;
  updatedAt: number;
}

export interface SeatHolder {
  userId: string;
  ownerId: string;
  kind: Exclude<SeatKind, 'bot'>;
  name: string;
  team?: string;
}

export interface BotMove {
  seat: number;
  action: GameAction;
  memory: Record<string, unknown> | null;
}

export type RoomCommand =
  | {
      type: 'room.create';
      roomId: string;
      gameId: string;
      name: string;
      visibility: RoomVisibility;
      seed: number;
      settings: RoomSettings;
      host: SeatHolder;
      /** The host takes no seat (only in games that allow it). */
      seatless?: boolean;
    }
  | { type: 'seat.take'; holder: SeatHolder; seat?: number }
  | { type: 'seat.leave' }
  | { type: 'seat.drop' }
  | { type: 'seat.return' }
  | { type: 'seat.expire'; seat: number; since: number }
  /** `banMs` (set by the system for a moderator's kick) overrides the room's kickBanMs. */
  | { type: 'seat.kick'; seat: number; banMs?: number }
  | { type: 'bots.add'; count: number }
  | { type: 'bots.fill'; upTo: number }
  | {
      type: 'room.configure';
      settings: Partial<Pick<RoomSettings, 'seatCount' | 'botFill' | 'reconnectWindowMs'>> & {
        game?: Record<string, unknown>;
      };
    }
  | { type: 'game.start' }
  | { type: 'game.reset' }
  | { type: 'game.rematch' }
  | { type: 'game.act'; action: GameAction }
  | { type: 'game.timeout'; deadlineId: string }
  | { type: 'bot.turn'; atSeq: number; moves: BotMove[] }
  /** The system closes a room no player came back to (see `closeRoom`). */
  | { type: 'room.close'; atSeq: number };

export type RoomCommandType = RoomCommand['type'];

/** A user acting for themselves, or the runtime (deadlines, bots, presence on behalf of a user). */
export type RoomActor = { kind: 'user'; userId: string } | { kind: 'system' };

export interface RoomTransition {
  ok: true;
  state: RoomState;
  /** Room-level and game events, each with its audience. */
  events: GameEvent[];
  /** What the acting client is told (the ack's data besides the sequence number). */
  result: Record<string, unknown>;
  /** Seats whose holder changed (for the seats table and the seat channels). */
  seatsChanged: boolean;
}

/** What the room rules refuse with: a game's own codes, and the room's (seats, host, lobby). */
export type RoomRejectionCode =
  | GameRejectionCode
  | 'ROOM_NOT_FOUND'
  | 'UNKNOWN_GAME'
  | 'ROOM_FULL'
  | 'ROOM_ALREADY_STARTED'
  | 'ROOM_CLOSED'
  | 'NAME_REQUIRED'
  | 'NAME_IN_USE'
  | 'ALREADY_SEATED'
  | 'SEAT_TAKEN'
  | 'INVALID_SEAT'
  | 'SEAT_REQUIRED'
  | 'NOT_SEATED'
  | 'HOST_ONLY'
  | 'KICKED'
  | 'NOT_ENOUGH_PLAYERS'
  | 'STALE_BOT_TURN'
  | 'CONFLICT';

export interface RoomRejection {
  ok: false;
  code: RoomRejectionCode;
  message: string;
}

export type RoomOutcome = RoomTransition | RoomRejection;

/** The engine of a game at a rules version; without a version, the latest. */
export type EngineLookup = (gameId: string, rulesVersion?: number) => GameEngine<unknown, object> | undefined;

/** Who looks at a room: a seat, a spectator, or the host who plays no seat. */
export type RoomViewer = Viewer;

export interface RoomSeatView {
  seat: number;
  name: string;
  kind: SeatKind;
  control: SeatControl;
  away: boolean;
  host: boolean;
  userId: string | null;
  team: string | null;
}

/** What one viewer is sent about a room: public room facts plus the game's view for that viewer. */
export interface RoomView {
  roomId: string;
  gameId: string;
  name: string;
  visibility: RoomVisibility;
  phase: RoomPhase;
  seq: number;
  hostUserId: string;
  settings: RoomSettings;
  seats: RoomSeatView[];
  /** Who this view is for: a seat's number (null otherwise), and whether it is the seatless host's. */
  you: { seat: number | null; host: boolean };
  game: Record<string, unknown> | null;
  result: { winners: number[]; scores: Record<number, number>; summary: string } | null;
}

/**
 * What changed in a viewer's view when only the game moved (no seat, setting, phase or host changed):
 * the view at seq `from` with `game` and `result` replaced and `seq` the update's.
 */
export interface RoomViewPatch {
  from: number;
  game: RoomView['game'];
  result: RoomView['result'];
}

/** One committed event as a viewer may see it: only the game events meant for it, and its own action. */
export interface RoomEventView {
  seq: number;
  type: RoomCommandType;
  at: number;
  actorSeat: number | null;
  events: { type: string; payload: Record<string, unknown> }[];
  /** The action itself, only for the seat that took it. */
  action?: GameAction;
}

/** One stored event row: the command, its output events, its result, and the outcome it produced. */
export interface StoredRoomEvent {
  seq: number;
  /** The rules version the command was applied under (the room's). */
  rulesVersion: number;
  type: RoomCommandType;
  /** A user id, or 'system'. */
  actor: string;
  actorSeat: number | null;
  command: RoomCommand;
  events: GameEvent[];
  result: Record<string, unknown>;
  actionId: string | null;
  fingerprint: string | null;
  at: number;
  /**
   * What the command changed in the room's state. Replay folds these and never applies the command again;
   * null only for events stored before outcomes were kept, which replay under the rules they were made under.
   */
  outcome: StateDelta | null;
}
