import type { GameAction } from '../games/domain/engine';
import type { RoomEventView, RoomSettings, RoomView, RoomViewPatch } from '../games/domain/room/room.types';
import type { GameId } from '../games/engine-registry';
import type { LobbyRoom } from '../games/room-publisher.service';
import type { Ack } from './ack';

export type { GameAction, GameId, LobbyRoom, RoomEventView, RoomView, RoomViewPatch };

/** One game the server runs (GET /games, lobby:games): the list comes from its engine registry. */
export interface GameInfo {
  gameId: GameId;
  minSeats: number;
  maxSeats: number;
  defaultOptions: object;
  /** The rules version new rooms of this game are made under. */
  rulesVersion: number;
  /** Whether room:create may take `seat: false` (the creator hosts without playing). */
  allowsSeatlessHost: boolean;
}

export interface RoomEntryReply {
  roomId: string;
  seat: number | null;
  /** The private room's invite code (for its creator); null otherwise. */
  inviteCode: string | null;
  view: RoomView;
}

/** Every accepted room command answers with the event's sequence number, once committed. */
export interface CommittedReply {
  roomId: string;
  /** The event's sequence number. A retry of a committed actionId gets this same answer again. */
  seq: number;
}

export interface RejoinReply {
  seat: number | null;
  view: RoomView;
  /** Events after `lastSeq` as this viewer may see them; null when too many were missed (use `view`). */
  events: RoomEventView[] | null;
}

type HostCommand = {
  actionId: string;
  roomId: string;
  /** The seat the client acts from; must be the caller's. */ seat?: number;
};

/** Lobby, rooms and games over Socket.IO (see docs/protocol-rooms.md). */
export interface RoomsClientEvents {
  'lobby:games': (ack: Ack<GameInfo[]>) => void;
  'lobby:list': (payload: { gameId?: GameId }, ack: Ack<{ rooms: LobbyRoom[] }>) => void;
  'lobby:subscribe': (payload: { gameId: GameId }, ack: Ack<{ rooms: LobbyRoom[] }>) => void;
  'lobby:unsubscribe': (payload: { gameId: GameId }, ack: Ack<{ gameId: string }>) => void;
  'lobby:quick-match': (
    payload: { actionId: string; gameId: GameId; name?: string },
    ack: Ack<RoomEntryReply & { created: boolean }>,
  ) => void;
  'room:create': (
    payload: {
      actionId: string;
      gameId: GameId;
      name?: string;
      seatCount?: number;
      botFill?: boolean;
      private?: boolean;
      reconnectWindowMs?: number;
      options?: Record<string, unknown>;
      seatName?: string;
      /** false: host the room without a seat (games with allowsSeatlessHost; else SEAT_REQUIRED). */
      seat?: false;
    },
    ack: Ack<RoomEntryReply>,
  ) => void;
  'room:watch': (payload: { roomId: string; inviteCode?: string }, ack: Ack<RoomView>) => void;
  'room:unwatch': (payload: { roomId: string }, ack: Ack<{ roomId: string }>) => void;
  'room:rejoin': (payload: { roomId: string; lastSeq?: number; inviteCode?: string }, ack: Ack<RejoinReply>) => void;
  'room:join': (
    payload: { actionId: string; roomId: string; seat?: number; name?: string; inviteCode?: string },
    ack: Ack<RoomEntryReply>,
  ) => void;
  'room:leave': (
    payload: { actionId: string; roomId: string },
    ack: Ack<{ roomId: string; seat: number; seq: number }>,
  ) => void;
  'room:add-bots': (
    payload: HostCommand & { count?: number; upTo?: number },
    ack: Ack<CommittedReply & { seats: number[] }>,
  ) => void;
  'room:kick': (
    payload: HostCommand & { target: number },
    ack: Ack<CommittedReply & { seat: number; userId: string | null }>,
  ) => void;
  'room:configure': (
    payload: HostCommand & {
      settings: Partial<Pick<RoomSettings, 'seatCount' | 'botFill' | 'reconnectWindowMs'>> & {
        options?: Record<string, unknown>;
      };
    },
    ack: Ack<CommittedReply & { settings: RoomSettings }>,
  ) => void;
  'room:start': (payload: HostCommand, ack: Ack<CommittedReply & { gameNo: number }>) => void;
  'room:reset': (payload: HostCommand, ack: Ack<CommittedReply>) => void;
  'room:rematch': (payload: HostCommand, ack: Ack<CommittedReply & { gameNo: number }>) => void;
  'game:action': (
    payload: { actionId: string; roomId: string; action: GameAction },
    ack: Ack<CommittedReply & { seat: number }>,
  ) => void;
}

/**
 * A room's committed events, to one viewer, in seq order. It carries either the viewer's whole `view`
 * (after a change to seats, settings, the phase or the host, and when `coalesced`) or, when only the game
 * moved, a `patch` on the view the client holds. A client applies a patch only onto its view at
 * `patch.from`; when its view is at another seq it missed an update and asks `room:rejoin` with its last
 * seq, which answers the whole view and the missed events.
 */
export type RoomUpdate = {
  roomId: string;
  seq: number;
  /** The committed events since the previous update, as this viewer may see them, in order. */
  events: RoomEventView[];
} & (
  | {
      /** This viewer's view after the events. */
      view: RoomView;
      patch?: undefined;
      /**
       * This socket fell behind and skipped updates: `view` is fresh and `events` is empty (room:rejoin with
       * the last seq seen returns the events, if the client wants them). An update whose seq is not above the
       * last one seen is older news: skip it.
       */
      coalesced?: true;
    }
  | { view?: undefined; patch: RoomViewPatch; coalesced?: undefined }
);

export interface RoomsServerEvents {
  'room:update': (payload: RoomUpdate) => void;
  'room:kicked': (payload: { roomId: string; seat: number }) => void;
  'lobby:room': (payload: LobbyRoom) => void;
}
