import { Injectable, Logger } from '@nestjs/common';
import { SocketEmitter } from '../realtime/socket-emitter.service';
import { planDelivery, type Committed } from './domain/delivery-plan';
import type { ChatMessage, ReadMarker } from './messaging.types';

/**
 * The Socket.IO rooms of a conversation: the sockets of its live members, split by whether the client
 * declared the `chat:messages` feature in its handshake (and so reads packed deliveries) or not.
 */
export const conversationRooms = (conversationId: string) => {
  const [packed, single] = [`conv:${conversationId}`, `conv1:${conversationId}`];
  return { packed, single, all: [packed, single] };
};
const PACKED_FEATURE = 'chat:messages';

/**
 * What chat tells connected clients, after commit, through the SocketEmitter: new messages to a
 * conversation's room, membership changes (and the sockets joining or leaving that room), read markers
 * to the reader's other sockets.
 *
 * Messages wait in an outbox until the work in hand is done (process.nextTick: after the promise chains of
 * the group commit that released them), so that a conversation's messages committed together reach each
 * socket that declared the `chat:messages` feature as one packet instead of one `chat:message` each:
 * every packet costs the server a socket write and the client a read, and they are most of what a busy
 * conversation costs. Other sockets, and a lone message, get `chat:message`. The outbox never waits for
 * I/O: a membership change arriving from another process (through the Redis adapter) cannot get between
 * a commit and its delivery.
 */
@Injectable()
export class ChatPublisher {
  private readonly logger = new Logger('ChatPublisher');
  /** Committed messages not yet sent, by conversation, in seq order. */
  private outbox = new Map<string, Array<Committed<ChatMessage>>>();
  private flushScheduled = false;

  constructor(private readonly sockets: SocketEmitter) {}

  /** To every live member's sockets but the one that sent it, which has it in its ack. */
  message(message: ChatMessage, senderSocketId?: string): void {
    const queued = this.outbox.get(message.conversationId);
    const committed = { message, originSocketId: senderSocketId };
    if (queued) queued.push(committed);
    else this.outbox.set(message.conversationId, [committed]);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const outbox = this.outbox;
    this.outbox = new Map();
    for (const [conversationId, committed] of outbox) this.send(conversationId, committed);
  }

  /**
   * Sends a conversation's waiting messages now: before its room's membership changes, so that a member
   * who leaves still gets what was committed while it was in, and one who joins gets nothing from before.
   */
  private flushConversations(conversationIds: string[]): void {
    for (const conversationId of conversationIds) {
      const committed = this.outbox.get(conversationId);
      if (!committed) continue;
      this.outbox.delete(conversationId);
      this.send(conversationId, committed);
    }
  }

  private send(conversationId: string, committed: Array<Committed<ChatMessage>>): void {
    const rooms = conversationRooms(conversationId);
    try {
      const plan = planDelivery(committed);
      const except = plan.room.exceptSocketIds;
      if (plan.room.messages.length === 1) {
        this.sockets.toRoomExcept(rooms.all, except, 'chat:message', plan.room.messages[0]);
      } else {
        this.sockets.toRoomExcept(rooms.packed, except, 'chat:messages', {
          conversationId,
          messages: plan.room.messages,
        });
        for (const message of plan.room.messages)
          this.sockets.toRoomExcept(rooms.single, except, 'chat:message', message);
      }
      for (const origin of plan.origins) {
        if (origin.messages.length > 1 && this.sockets.socketDeclared(origin.socketId, PACKED_FEATURE)) {
          this.sockets.toSocketInRoom(origin.socketId, rooms.all, 'chat:messages', {
            conversationId,
            messages: origin.messages,
          });
        } else {
          for (const message of origin.messages)
            this.sockets.toSocketInRoom(origin.socketId, rooms.all, 'chat:message', message);
        }
      }
    } catch (error) {
      // Outside any request: the messages are committed, and clients catch up with chat:history or chat:sync.
      this.logger.error({ err: error, conversationId }, 'live delivery failed');
    }
  }

  /** New members; the sockets of `readers` (all of them unless told) start getting the conversation's messages. */
  membersJoined(conversationId: string, userIds: string[], welcome: boolean, readers: string[] = userIds): void {
    for (const userId of readers) this.joinUser(userId, [conversationId]);
    this.sockets.toRoom(conversationRooms(conversationId).all, 'chat:member-joined', { conversationId, userIds });
    if (welcome) for (const userId of userIds) this.sockets.toUser(userId, 'chat:welcome-ready', { conversationId });
  }

  memberLeft(conversationId: string, userId: string): void {
    this.flushConversations([conversationId]);
    const rooms = conversationRooms(conversationId).all;
    this.sockets.toRoom(rooms, 'chat:member-left', { conversationId, userId });
    this.sockets.leaveUserSockets(userId, rooms);
  }

  /** A member who may no longer read the conversation: its sockets stop getting its messages (after those already committed). */
  stopFollowing(userId: string, conversationId: string): void {
    this.flushConversations([conversationId]);
    this.sockets.leaveUserSockets(userId, conversationRooms(conversationId).all);
  }

  readMarker(userId: string, marker: ReadMarker): void {
    this.sockets.toUser(userId, 'chat:read-marker', marker);
  }

  joinSocket(socketId: string, conversationIds: string[]): void {
    this.flushConversations(conversationIds);
    if (conversationIds.length === 0) return;
    const packed = this.sockets.socketDeclared(socketId, PACKED_FEATURE);
    this.sockets.joinSocket(
      socketId,
      conversationIds.map((id) => conversationRooms(id)[packed ? 'packed' : 'single']),
    );
  }

  /** Every socket of the user, on any process, joins the room of each conversation that fits what it reads. */
  joinUser(userId: string, conversationIds: string[]): void {
    this.flushConversations(conversationIds);
    if (conversationIds.length === 0) return;
    const rooms = conversationIds.map(conversationRooms);
    this.sockets.joinUserSockets(
      userId,
      rooms.map((r) => r.packed),
      { feature: PACKED_FEATURE, declared: true },
    );
    this.sockets.joinUserSockets(
      userId,
      rooms.map((r) => r.single),
      { feature: PACKED_FEATURE, declared: false },
    );
  }
}
