import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SocketBackpressure } from '../realtime/socket-backpressure';
import { RoomPublisher } from './room-publisher.service';
import { RoomRuntime } from './room-runtime.service';

/**
 * A socket that fell behind skips room:update (see SocketBackpressure); once it has caught up it gets its
 * own fresh view of each room it skipped, from the room as committed now. Whatever shape room:update
 * takes (full views today, maybe deltas later), this sends a full view.
 */
@Injectable()
export class RoomViewRefresher implements OnModuleInit {
  private readonly logger = new Logger('RoomViewRefresher');

  constructor(
    private readonly backpressure: SocketBackpressure,
    private readonly runtime: RoomRuntime,
    private readonly publisher: RoomPublisher,
  ) {}

  onModuleInit(): void {
    this.backpressure.coalesce('room:update', (socketId, roomId) => void this.refresh(socketId, roomId));
  }

  private async refresh(socketId: string, roomId: string): Promise<void> {
    try {
      const state = await this.runtime.current(roomId);
      if (state) this.publisher.refreshSocket(socketId, state);
    } catch (error) {
      // The database is away: the socket has the room's last view it was sent; room:rejoin brings it up to date.
      this.logger.warn({ err: error, roomId }, 'could not send a fresh view to a socket that caught up');
    }
  }
}
