import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';

/** A server-to-client event of the protocol map, and the payload it carries. */
export type ServerEvent = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];
export type ArenaServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Socket.IO room names Arena uses; every socket joins its user's and its session's room. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * Protocol features a client may declare in its handshake (`auth.features`): server events beyond the
 * base protocol that it understands. A client that declares none gets the base protocol only, so clients
 * written before a feature existed keep working.
 */
export const CLIENT_FEATURES = ['chat:messages'] as const;
export type ClientFeature = (typeof CLIENT_FEATURES)[number];

/** The sockets of a user that did, or did not, declare a feature; every socket joins one of the two per feature. */
export const userFeatureRoom = (userId: string, feature: ClientFeature, declared: boolean) =>
  `user:${userId}:${declared ? 'with' : 'without'}:${feature}`;

/**
 * The only service that talks to Socket.IO rooms: features publish through it and never import
 * socket.io. Sending to a room nobody is in, or to a closed socket, is a no-op.
 */
@Injectable()
export class SocketEmitter {
  // Held untyped: the public methods check event and payload against the protocol map, and socket.io's
  // own generic emit signatures cannot follow a generic event name.
  private server: Server | null = null;

  attach(server: ArenaServer): void {
    this.server = server as unknown as Server;
  }

  /** To the sockets in any of these rooms, once each. */
  toRoom<E extends ServerEvent>(rooms: string | string[], event: E, payload: ServerPayload<E>): void {
    this.server?.to(rooms).emit(event, payload);
  }

  /** To the sockets in any of these rooms but some (which already have the payload, e.g. in their acks). */
  toRoomExcept<E extends ServerEvent>(
    rooms: string | string[],
    exceptSocketIds: string | string[],
    event: E,
    payload: ServerPayload<E>,
  ): void {
    this.server?.to(rooms).except(exceptSocketIds).emit(event, payload);
  }

  /**
   * To one socket of this process, and only while it is in one of `rooms`: what the room gets, tailored to
   * that socket. Nothing goes through the adapter, and a socket that has left (or closed) gets nothing.
   */
  toSocketInRoom<E extends ServerEvent>(socketId: string, rooms: string[], event: E, payload: ServerPayload<E>): void {
    const socket = this.server?.sockets.sockets.get(socketId);
    if (socket && rooms.some((room) => socket.rooms.has(room))) socket.emit(event, payload);
  }

  /** Whether this process's socket declared a protocol feature in its handshake (false for a socket it does not hold). */
  socketDeclared(socketId: string, feature: ClientFeature): boolean {
    const declared = this.server?.sockets.sockets.get(socketId)?.data.features as string[] | undefined;
    return declared?.includes(feature) ?? false;
  }

  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerPayload<E>): void {
    this.toRoom(userRoom(userId), event, payload);
  }

  /** The users with a connected socket, on any process (one adapter round trip for all of them). */
  async connectedUserIds(): Promise<Set<string>> {
    if (!this.server) return new Set();
    const sockets = await this.server.fetchSockets();
    return new Set(
      sockets
        .map((socket) => (socket.data as { caller?: { userId?: string } }).caller?.userId)
        .filter((id): id is string => typeof id === 'string'),
    );
  }

  /** The user of every socket in any of these rooms, on any process, once per socket (one adapter round trip). */
  async socketUsersIn(rooms: string[]): Promise<string[]> {
    if (!this.server || rooms.length === 0) return [];
    const sockets = await this.server.in(rooms).fetchSockets();
    return sockets.map((socket) => (socket.data as { caller?: { userId?: string } }).caller?.userId ?? '');
  }

  /** The rooms one socket of this process is in; null for a socket it does not hold (or that closed). */
  socketRooms(socketId: string): ReadonlySet<string> | null {
    return this.server?.sockets.sockets.get(socketId)?.rooms ?? null;
  }

  /** Whether this user still has a connected socket (on any process). */
  async isConnected(userId: string): Promise<boolean> {
    if (!this.server) return false;
    const sockets = await this.server.in(userRoom(userId)).fetchSockets();
    return sockets.length > 0;
  }

  /**
   * Every socket of this user, on any process, joins these rooms (e.g. a conversation they were added to);
   * with `only`, just the sockets that did, or did not, declare that feature. This process's sockets join
   * now, as `joinSocket` explains (a room:rejoin reads the missed events right after); the adapter's echo
   * joins them again, which changes nothing, in its order with the other joins and leaves.
   */
  joinUserSockets(
    userId: string,
    rooms: string | string[],
    only?: { feature: ClientFeature; declared: boolean },
  ): void {
    const sockets = only ? userFeatureRoom(userId, only.feature, only.declared) : userRoom(userId);
    this.server?.local.in(sockets).socketsJoin(rooms);
    this.server?.in(sockets).socketsJoin(rooms);
  }

  /** Every socket of this user, on any process, leaves these rooms. */
  leaveUserSockets(userId: string, rooms: string | string[]): void {
    this.server?.in(userRoom(userId)).socketsLeave(rooms);
  }

  /**
   * One socket of this process (by id) joins these rooms, now: its caller reads what the socket would have
   * missed right after, and through the Redis adapter even this process's own sockets join only once the
   * request has come back from Redis, so a commit in between would reach neither the read nor the socket.
   */
  joinSocket(socketId: string, rooms: string[]): void {
    void this.server?.sockets.sockets.get(socketId)?.join(rooms);
  }

  /**
   * To every socket of this process only: with the Redis adapter a plain `emit` reaches every process's
   * sockets, and one process stopping must not send another's clients away.
   */
  toLocalSockets<E extends ServerEvent>(event: E, payload: ServerPayload<E>): void {
    this.server?.local.emit(event, payload);
  }

  /** Tells the sockets of these sessions why, then closes them (across processes with the Redis adapter). */
  disconnectSessions<E extends ServerEvent>(sessionIds: string[], event: E, payload: ServerPayload<E>): void {
    if (!this.server || sessionIds.length === 0) return;
    const rooms = sessionIds.map(sessionRoom);
    const server = this.server;
    server.to(rooms).emit(event, payload);
    // A moment for the notice to leave before the transport closes.
    setTimeout(() => server.in(rooms).disconnectSockets(true), 25).unref();
  }

  /** Tells every socket of this user why, then closes them (across processes with the Redis adapter). */
  disconnectUser<E extends ServerEvent>(userId: string, event: E, payload: ServerPayload<E>): void {
    if (!this.server) return;
    const room = userRoom(userId);
    const server = this.server;
    server.to(room).emit(event, payload);
    // A moment for the notice to leave before the transport closes.
    setTimeout(() => server.in(room).disconnectSockets(true), 25).unref();
  }

  /** Closes every socket of this process, and only those (the others' clients stay where they are). */
  disconnectLocalSockets(): void {
    this.server?.local.disconnectSockets(true);
  }

  /**
   * From now on this process sends nothing (shutdown, once its sockets are closed): an update committed
   * after its sender's socket closed must not reach the room, on any process, without its ack.
   */
  seal(): void {
    this.server = null;
  }

  localConnections(): number {
    return this.server?.of('/').sockets.size ?? 0;
  }
}
