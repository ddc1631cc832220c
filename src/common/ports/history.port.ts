import { Injectable } from '@nestjs/common';

/** A room as a moderator needs to name it. */
export interface RoomSummary {
  id: string;
  hostUserId: string;
  name: string;
  gameId: string;
}

/** One committed room event with only the game events every player and spectator could see. */
export interface PublicRoomEvent {
  seq: number;
  type: string;
  /** Who acted (a user id or 'system'); null where a spectator may not know (a secret move's author). */
  actor: string | null;
  at: string;
  events: Array<{ type: string; payload: Record<string, unknown> }>;
}

export interface RoomHistoryReader {
  room(roomId: string): Promise<RoomSummary | null>;
  /** The room's latest events, oldest first, as a spectator saw them. */
  recentPublicEvents(roomId: string, limit: number): Promise<PublicRoomEvent[]>;
}

/** Where a chat message stands: its sender, conversation, seq and the room that conversation belongs to. */
export interface MessageRef {
  id: string;
  senderId: string;
  conversationId: string;
  seq: number;
  roomId: string | null;
}

export interface HistoryMessage {
  id: string;
  seq: number;
  senderId: string;
  body: string;
  createdAt: string;
}

export interface MessageHistoryReader {
  message(messageId: string): Promise<MessageRef | null>;
  /** The messages `around` either side of `seq` in one conversation, in seq order. */
  around(conversationId: string, seq: number, around: number): Promise<HistoryMessage[]>;
}

const NO_ROOMS: RoomHistoryReader = { room: async () => null, recentPublicEvents: async () => [] };
const NO_MESSAGES: MessageHistoryReader = { message: async () => null, around: async () => [] };

/**
 * The seams through which moderation reads what games and chat stored, with the viewer filtering those
 * modules own, instead of querying their tables. The owning module installs its reader at start; until
 * then there is nothing to read.
 */
@Injectable()
export class RoomHistoryPort implements RoomHistoryReader {
  private reader: RoomHistoryReader = NO_ROOMS;

  use(reader: RoomHistoryReader): void {
    this.reader = reader;
  }

  room(roomId: string): Promise<RoomSummary | null> {
    return this.reader.room(roomId);
  }

  recentPublicEvents(roomId: string, limit: number): Promise<PublicRoomEvent[]> {
    return this.reader.recentPublicEvents(roomId, limit);
  }
}

@Injectable()
export class MessageHistoryPort implements MessageHistoryReader {
  private reader: MessageHistoryReader = NO_MESSAGES;

  use(reader: MessageHistoryReader): void {
    this.reader = reader;
  }

  message(messageId: string): Promise<MessageRef | null> {
    return this.reader.message(messageId);
  }

  around(conversationId: string, seq: number, around: number): Promise<HistoryMessage[]> {
    return this.reader.around(conversationId, seq, around);
  }
}
