import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  RoomHistoryPort,
  type PublicRoomEvent,
  type RoomHistoryReader,
  type RoomSummary,
} from '../common/ports/history.port';
import { eventView } from './domain/room/room.rules';
import { RoomsRepository } from './rooms.repository';

/**
 * What moderation may read of a room: its name and host, and its events through the same spectator
 * filter every watcher gets (seat-only facts and the authors of secret moves stay out).
 */
@Injectable()
export class RoomHistoryReaderService implements RoomHistoryReader, OnModuleInit {
  constructor(
    private readonly repository: RoomsRepository,
    private readonly port: RoomHistoryPort,
  ) {}

  onModuleInit(): void {
    this.port.use(this);
  }

  room(roomId: string): Promise<RoomSummary | null> {
    return this.repository.roomSummary(roomId);
  }

  async recentPublicEvents(roomId: string, limit: number): Promise<PublicRoomEvent[]> {
    const stored = await this.repository.latestEvents(roomId, limit);
    return stored.map((event) => {
      const seen = eventView(event, 'spectator');
      const authorShown = seen.actorSeat === event.actorSeat;
      return {
        seq: seen.seq,
        type: seen.type,
        actor: authorShown ? event.actor : null,
        at: new Date(seen.at).toISOString(),
        events: seen.events,
      };
    });
  }
}
