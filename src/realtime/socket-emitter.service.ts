import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';

/** Socket.IO room names Arena uses; every socket joins its user's and its session's room. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * The only service that talks to Socket.IO rooms: features publish through it and never import
 * socket.io. Sending to a room nobody is in, or to a closed socket, is a no-op.
 */
@Injectable()
export class SocketEmitter {
  private server: Server | null = null;

  attach(server: Server): void {
    this.server = server;
  }

  toRoom(room: string, event: string, payload: unknown): void {
    this.server?.to(room).emit(event, payload);
  }

  /** To a room but some sockets (which already have the payload, e.g. in their acks). */
  toRoomExcept(room: string, exceptSocketIds: string | string[], event: string, payload: unknown): void {
    this.server?.to(room).except(exceptSocketIds).emit(event, payload);
  }

  /**
   * To one socket of this process, and only while it is in `room`: what the room gets, tailored to that
   * socket. Nothing goes through the adapter, and a socket that has left the room (or closed) gets nothing.
   */
  toSocketInRoom(socketId: string, room: string, event: string, payload: unknown): void {
    const socket = this.server?.sockets.sockets.get(socketId);
    if (socket?.rooms.has(room)) socket.emit(event, payload);
  }

  toUser(userId: string, event: string, payload: unknown): void {
    this.toRoom(userRoom(userId), event, payload);
  }

  /** Whether this user still has a connected socket (on any process). */
  async isConnected(userId: string): Promise<boolean> {
    if (!this.server) return false;
    const sockets = await this.server.in(userRoom(userId)).fetchSockets();
    return sockets.length > 0;
  }

  /** Every socket of this user, on any process, joins these rooms (e.g. a conversation they were added to). */
  joinUserSockets(userId: string, rooms: string | string[]): void {
    this.server?.in(userRoom(userId)).socketsJoin(rooms);
  }

  /** Every socket of this user, on any process, leaves these rooms. */
  leaveUserSockets(userId: string, rooms: string | string[]): void {
    this.server?.in(userRoom(userId)).socketsLeave(rooms);
  }

  /** One socket (by id) joins these rooms. */
  joinSocket(socketId: string, rooms: string[]): void {
    this.server?.in(socketId).socketsJoin(rooms);
  }

  broadcast(event: string, payload: unknown): void {
    this.server?.emit(event, payload);
  }

  /** Tells the sockets of these sessions why, then closes them (across processes with the Redis adapter). */
  disconnectSessions(sessionIds: string[], event: string, payload: unknown): void {
    if (!this.server || sessionIds.length === 0) return;
    const rooms = sessionIds.map(sessionRoom);
    const server = this.server;
    server.to(rooms).emit(event, payload);
    // A moment for the notice to leave before the transport closes.
    setTimeout(() => server.in(rooms).disconnectSockets(true), 25).unref();
  }

  /** Tells every socket of this user why, then closes them (across processes with the Redis adapter). */
  disconnectUser(userId: string, event: string, payload: unknown): void {
    if (!this.server) return;
    const room = userRoom(userId);
    const server = this.server;
    server.to(room).emit(event, payload);
    // A moment for the notice to leave before the transport closes.
    setTimeout(() => server.in(room).disconnectSockets(true), 25).unref();
  }

  disconnectAll(): void {
    this.server?.disconnectSockets(true);
  }

  localConnections(): number {
    return this.server?.of('/').sockets.size ?? 0;
  }
}
