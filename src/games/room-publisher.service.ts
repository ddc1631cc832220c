import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  ArenaEvents,
  type RoomCreated,
  type RoomMemberJoined,
  type RoomMemberLeft,
  type RoomChannelsChanged,
  type RoomPhaseChanged,
} from '../common/events/arena-events';
import { SocketEmitter, userRoom } from '../realtime/socket-emitter.service';
import { eventView, hasPlayers, phaseLabel, roomView } from './domain/room/room.rules';
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
    open: state.visibility === 'public' && state.phase === 'lobby' && seated < state.settings.seatCount && hasPlayers(state),
  };
}

/**
 * Publishes committed room events: each seat, the seatless host and the spectators get their own view and the events they
 * may see (each distinct view computed once per commit, whatever the number of sockets), the lobby gets
 * the room's summary, and other modules get the cross-module events. Runs only after commit.
 */
@Injectable()
export class RoomPublisher {
  constructor(
    private readonly emitter: SocketEmitter,
    private readonly registry: EngineRegistry,
    private readonly bus: EventEmitter2,
  ) {}

  publish(before: RoomState | null, after: RoomState, events: StoredRoomEvent[]): void {
    this.moveSeatChannels(before, after);
    const engine = this.registry.forRoom(after);
    for (const seat of after.seats) {
      if (seat.userId === null) continue; // bots have no sockets
      this.emitter.toRoom(seatChannel(after.roomId, seat.seat), 'room:update', this.update(after, events, seat.seat, engine));
    }
    if (after.seatlessHost) this.emitter.toRoom(hostChannel(after.roomId), 'room:update', this.update(after, events, 'host', engine));
    this.emitter.toRoom(watchChannel(after.roomId), 'room:update', this.update(after, events, 'spectator', engine));
    this.publishLobby(before, after);
    this.publishDomainEvents(before, after, events);
  }

  private update(state: RoomState, events: StoredRoomEvent[], viewer: RoomViewer, engine: ReturnType<EngineRegistry['forRoom']>) {
    return {
      roomId: state.roomId,
      seq: state.seq,
      view: roomView(state, engine, viewer),
      events: events.map((event) => eventView(event, viewer)),
    };
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
    if (then && then.seated === now.seated && then.phase === now.phase && then.seatCount === now.seatCount && then.name === now.name && then.open === now.open) return;
    this.emitter.toRoom(lobbyChannel(after.gameId), 'lobby:room', now);
  }

  private publishDomainEvents(before: RoomState | null, after: RoomState, events: StoredRoomEvent[]): void {
    const lookup = this.registry.lookup;
    if (before === null) {
      const created: RoomCreated = { roomId: after.roomId, gameId: after.gameId, hostUserId: after.hostUserId };
      this.bus.emit(ArenaEvents.roomCreated, created);
    }
    const usersBefore = new Map((before?.seats ?? []).filter((s) => s.userId).map((s) => [s.userId as string, s.seat]));
    const usersAfter = new Map(after.seats.filter((s) => s.userId).map((s) => [s.userId as string, s.seat]));
    for (const [userId, seat] of usersAfter) {
      if (usersBefore.has(userId)) continue;
      const joined: RoomMemberJoined = { roomId: after.roomId, userId, role: 'seat', seat };
      this.bus.emit(ArenaEvents.roomMemberJoined, joined);
    }
    for (const userId of usersBefore.keys()) {
      if (usersAfter.has(userId)) continue;
      const left: RoomMemberLeft = { roomId: after.roomId, userId };
      this.bus.emit(ArenaEvents.roomMemberLeft, left);
    }
    const kicked = events.filter((event) => event.command.type === 'seat.kick');
    for (const event of kicked) {
      const { userId, seat } = event.result;
      if (typeof userId === 'string' && typeof seat === 'number') this.emitter.toRoom(userRoom(userId), 'room:kicked', { roomId: after.roomId, seat });
    }
    const phase = phaseLabel(after, lookup);
    if (before === null || phaseLabel(before, lookup) !== phase) {
      const changed: RoomPhaseChanged = { roomId: after.roomId, gameId: after.gameId, phase };
      this.bus.emit(ArenaEvents.roomPhaseChanged, changed);
    }
    this.publishPrivateChannels(before, after);
  }

  /** Tells chat who is in the game's private channels (Mafia's mafia and dead) whenever that changes. */
  private publishPrivateChannels(before: RoomState | null, after: RoomState): void {
    const engine = this.registry.forRoom(after);
    if (!engine?.privateChannels) return;
    const then = before ? this.channelUsers(before) : {};
    const now = this.channelUsers(after);
    for (const channel of Object.keys(then)) now[channel] ??= []; // back in the lobby: emptied
    if (JSON.stringify(now) === JSON.stringify(then)) return;
    const phase = phaseLabel(after, this.registry.lookup);
    const changed: RoomChannelsChanged = { roomId: after.roomId, gameId: after.gameId, phase, channels: now };
    this.bus.emit(ArenaEvents.roomChannelsChanged, changed);
  }

  /** The users in each private channel of the room's game; none in the lobby. */
  private channelUsers(state: RoomState): Record<string, string[]> {
    const engine = this.registry.forRoom(state);
    if (!engine?.privateChannels || state.game === null) return {};
    const userOf = new Map(state.seats.map((seat) => [seat.seat, seat.userId]));
    const channels: Record<string, string[]> = {};
    for (const [channel, seats] of Object.entries(engine.privateChannels(state.game))) {
      channels[channel] = seats.map((seat) => userOf.get(seat)).filter((userId): userId is string => typeof userId === 'string').sort();
    }
    return channels;
  }

  /** Spectators of a room receive its updates (public rooms, or private ones with the invite code). */
  watch(userId: string, roomId: string): void {
    this.emitter.joinUserSockets(userId, watchChannel(roomId));
    const joined: RoomMemberJoined = { roomId, userId, role: 'spectator', seat: null };
    this.bus.emit(ArenaEvents.roomMemberJoined, joined);
  }

  unwatch(userId: string, roomId: string): void {
    this.emitter.leaveUserSockets(userId, watchChannel(roomId));
    const left: RoomMemberLeft = { roomId, userId };
    this.bus.emit(ArenaEvents.roomMemberLeft, left);
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
