import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ArenaEvents, type RoomChatChange, type RoomChatChanged } from '../common/events/arena-events';
import type { RoomUpdate } from '../protocol/rooms.protocol';
import { SocketEmitter, userRoom } from '../realtime/socket-emitter.service';
import { MetricsService } from '../telemetry/metrics.service';
import { eventView, hasPlayers, onlyGameMoved, roomView, roomViewPatch } from './domain/room/room.rules';
import type { RoomState, RoomViewer, StoredRoomEvent } from './domain/room/room.types';
import { EngineRegistry } from './engine-registry';

export const seatChannel = (roomId: string, seat: number) => `room:${roomId}:seat:${seat}`;
export const watchChannel = (roomId: string) => `room:${roomId}:watch`;
/** The seatless host's channel (a teacher's dashboard): the host's view, never a seat's. */
export const hostChannel = (roomId: string) => `room:${roomId}:host`;
export const lobbyChannel = (gameId: string) => `lobby:${gameId}`;

export interface LobbyRoom {
  roomId: string;
  gameId: string;
  name: string;
  phase: RoomState['phase'];
  seated: number;
  seatCount: number;
  /** Open: public, in the lobby, with a free seat and a player or agent in another one. */
  open: boolean;
}

export function lobbyRoom(state: RoomState): LobbyRoom {
  const seated = state.seats.length;
  return {
    roomId: state.roomId,
    gameId: state.gameId,
    name: state.name,
    phase: state.phase,
    seated,
    seatCount: state.settings.seatCount,
    open:
      state.visibility === 'public' &&
      state.phase === 'lobby' &&
      seated < state.settings.seatCount &&
      hasPlayers(state),
  };
}

/**
 * Publishes committed room events: each seat, the seatless host and the spectators get their own view and the events they
 * may see (each distinct view computed once per commit, whatever the number of sockets), the lobby gets
 * the room's summary, and chat hears which members' sockets must follow its channels (the membership
 * itself was committed with the events). Runs only after commit.
 */
@Injectable()
export class RoomPublisher {
  constructor(
    private readonly emitter: SocketEmitter,
    private readonly registry: EngineRegistry,
    private readonly bus: EventEmitter2,
    private readonly metrics: MetricsService,
  ) {}

  publish(before: RoomState | null, after: RoomState, events: StoredRoomEvent[], chat: RoomChatChange[]): void {
    this.moveSeatChannels(before, after);
    this.chatChanged(after.roomId, chat);
    const engine = this.registry.forRoom(after);
    // A game move leaves the rest of every view as it was: viewers get only the game's part.
    const base = before !== null && onlyGameMoved(before, after) ? before : null;
    let views = 1;
    for (const seat of after.seats) {
      if (seat.userId === null) continue; // bots have no sockets
      views += 1;
      this.emitter.toRoom(
        seatChannel(after.roomId, seat.seat),
        'room:update',
        this.update(base, after, events, seat.seat, engine),
      );
    }
    if (after.seatlessHost) {
      views += 1;
      this.emitter.toRoom(hostChannel(after.roomId), 'room:update', this.update(base, after, events, 'host', engine));
    }
    this.emitter.toRoom(
      watchChannel(after.roomId),
      'room:update',
      this.update(base, after, events, 'spectator', engine),
    );
    this.metrics.broadcastFanout.observe(views);
    this.publishLobby(before, after);
    this.publishKicks(after, events);
  }

  /** The viewer's update: its full view, or, on top of the view at `base`, the game's part of it. */
  private update(
    base: RoomState | null,
    state: RoomState,
    events: StoredRoomEvent[],
    viewer: RoomViewer,
    engine: ReturnType<EngineRegistry['forRoom']>,
  ): RoomUpdate {
    const seen = events.map((event) => eventView(event, viewer));
    if (base)
      return { roomId: state.roomId, seq: state.seq, patch: roomViewPatch(base, state, engine, viewer), events: seen };
    return { roomId: state.roomId, seq: state.seq, view: roomView(state, engine, viewer), events: seen };
  }

  /** Seat holders' sockets follow their seat's channel; a new holder stops receiving the spectators' view. */
  private moveSeatChannels(before: RoomState | null, after: RoomState): void {
    const holder = (state: RoomState | null, seat: number) => state?.seats.find((s) => s.seat === seat)?.userId ?? null;
    const seatNumbers = new Set([...(before?.seats ?? []), ...after.seats].map((seat) => seat.seat));
    for (const seat of seatNumbers) {
      const was = holder(before, seat);
      const is = holder(after, seat);
      if (was === is) continue;
      if (was) this.emitter.leaveUserSockets(was, seatChannel(after.roomId, seat));
      if (is) {
        this.emitter.leaveUserSockets(is, watchChannel(after.roomId));
        this.emitter.joinUserSockets(is, seatChannel(after.roomId, seat));
      }
    }
  }

  private publishLobby(before: RoomState | null, after: RoomState): void {
    if (after.visibility !== 'public') return;
    const now = lobbyRoom(after);
    const then = before ? lobbyRoom(before) : null;
    if (
      then &&
      then.seated === now.seated &&
      then.phase === now.phase &&
      then.seatCount === now.seatCount &&
      then.name === now.name &&
      then.open === now.open
    )
      return;
    this.emitter.toRoom(lobbyChannel(after.gameId), 'lobby:room', now);
  }

  private publishKicks(after: RoomState, events: StoredRoomEvent[]): void {
    const kicked = events.filter((event) => event.command.type === 'seat.kick');
    for (const event of kicked) {
      const { userId, seat } = event.result;
      if (typeof userId === 'string' && typeof seat === 'number')
        this.emitter.toRoom(userRoom(userId), 'room:kicked', { roomId: after.roomId, seat });
    }
  }

  /** Committed chat channel changes: the members' live sockets follow them. */
  chatChanged(roomId: string, changes: RoomChatChange[]): void {
    if (changes.length === 0) return;
    const changed: RoomChatChanged = { roomId, changes };
    this.bus.emit(ArenaEvents.roomChatChanged, changed);
  }

  /**
   * The channel a socket follows this room on, and the viewer that makes it: its seat's, the seatless
   * host's, or the spectators'. Null when the socket follows the room no longer.
   */
  channelOf(rooms: ReadonlySet<string>, state: RoomState): { channel: string; viewer: RoomViewer } | null {
    for (const seat of state.seats) {
      const channel = seatChannel(state.roomId, seat.seat);
      if (seat.userId !== null && rooms.has(channel)) return { channel, viewer: seat.seat };
    }
    if (rooms.has(hostChannel(state.roomId))) return { channel: hostChannel(state.roomId), viewer: 'host' };
    if (rooms.has(watchChannel(state.roomId))) return { channel: watchChannel(state.roomId), viewer: 'spectator' };
    return null;
  }

  /**
   * A fresh full update for one socket of this process that fell behind and skipped this room's updates
   * (see SocketBackpressure): its own view now, with no events (`coalesced`; room:rejoin has them).
   */
  refreshSocket(socketId: string, state: RoomState): void {
    const rooms = this.emitter.socketRooms(socketId);
    const following = rooms && this.channelOf(rooms, state);
    if (!following) return;
    const engine = this.registry.forRoom(state);
    this.emitter.toSocketInRoom(socketId, [following.channel], 'room:update', {
      roomId: state.roomId,
      seq: state.seq,
      view: roomView(state, engine, following.viewer),
      events: [],
      coalesced: true,
    });
  }

  /** The users of every socket following this room, on any process (seats, the host and spectators). */
  followers(state: RoomState): Promise<string[]> {
    const seats = Array.from({ length: state.settings.seatCount }, (_, seat) => seatChannel(state.roomId, seat));
    return this.emitter.socketUsersIn([...seats, hostChannel(state.roomId), watchChannel(state.roomId)]);
  }

  /** Match rows were committed: the rater need not wait for its next round to count them. */
  matchesFinished(): void {
    this.bus.emit(ArenaEvents.matchesFinished);
  }

  /** Spectators of a room receive its updates (public rooms, or private ones with the invite code). */
  watch(userId: string, roomId: string): void {
    this.emitter.joinUserSockets(userId, watchChannel(roomId));
  }

  unwatch(userId: string, roomId: string): void {
    this.emitter.leaveUserSockets(userId, watchChannel(roomId));
  }

  /** The seatless host's sockets receive the host's view of the room. */
  followAsHost(userId: string, roomId: string): void {
    this.emitter.joinUserSockets(userId, hostChannel(roomId));
  }

  joinSeatChannel(userId: string, roomId: string, seat: number): void {
    this.emitter.joinUserSockets(userId, seatChannel(roomId, seat));
  }

  subscribeLobby(userId: string, gameId: string, on: boolean): void {
    if (on) this.emitter.joinUserSockets(userId, lobbyChannel(gameId));
    else this.emitter.leaveUserSockets(userId, lobbyChannel(gameId));
  }
}
