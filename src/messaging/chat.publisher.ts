import { Injectable } from '@nestjs/common';
import { SocketEmitter } from '../realtime/socket-emitter.service';
import type { ChatMessage, ReadMarker } from './messaging.types';

/** The Socket.IO room of a conversation: the sockets of its live members. */
export const conversationRoom = (conversationId: string) => `conv:${conversationId}`;

/**
 * What chat tells connected clients, after commit, through the SocketEmitter: new messages to a
 * conversation's room, membership changes (and the sockets joining or leaving that room), read markers
 * to the reader's other sockets.
 */
@Injectable()
export class ChatPublisher {
  constructor(private readonly sockets: SocketEmitter) {}

  /** To every live member's sockets but the one that sent it, which has it in its ack. */
  message(message: ChatMessage, senderSocketId?: string): void {
    const room = conversationRoom(message.conversationId);
    if (senderSocketId) this.sockets.toRoomExcept(room, senderSocketId, 'chat:message', message);
    else this.sockets.toRoom(room, 'chat:message', message);
  }

  membersJoined(conversationId: string, userIds: string[], welcome: boolean): void {
    const room = conversationRoom(conversationId);
    for (const userId of userIds) this.sockets.joinUserSockets(userId, [room]);
    this.sockets.toRoom(room, 'chat:member-joined', { conversationId, userIds });
    if (welcome) for (const userId of userIds) this.sockets.toUser(userId, 'chat:welcome-ready', { conversationId });
  }

  memberLeft(conversationId: string, userId: string): void {
    const room = conversationRoom(conversationId);
    this.sockets.toRoom(room, 'chat:member-left', { conversationId, userId });
    this.sockets.leaveUserSockets(userId, [room]);
  }

  readMarker(userId: string, marker: ReadMarker): void {
    this.sockets.toUser(userId, 'chat:read-marker', marker);
  }

  joinSocket(socketId: string, conversationIds: string[]): void {
    if (conversationIds.length > 0) this.sockets.joinSocket(socketId, conversationIds.map(conversationRoom));
  }

  joinUser(userId: string, conversationIds: string[]): void {
    if (conversationIds.length > 0) this.sockets.joinUserSockets(userId, conversationIds.map(conversationRoom));
  }
}
