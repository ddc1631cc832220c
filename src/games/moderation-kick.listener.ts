import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ArenaEvents, type UserSanctioned } from '../common/events/arena-events';
import { RoomsService } from './rooms.service';

/** Rooms' side of a moderator's kick: moderation records it, rooms take the seat away. */
@Injectable()
export class ModerationKickListener {
  private readonly logger = new Logger('Rooms');

  constructor(private readonly rooms: RoomsService) {}

  @OnEvent(ArenaEvents.userSanctioned)
  async onSanctioned(event: UserSanctioned): Promise<void> {
    if (event.kind !== 'kick' || event.roomId === null) return;
    try {
      await this.rooms.removeSanctioned(event.roomId, event.userId, event.sanctionId ?? null);
    } catch (error) {
      // The sanction stands either way: joins are refused with KICKED until it ends.
      this.logger.warn(
        { err: error, roomId: event.roomId, userId: event.userId },
        'could not remove a kicked user from the room',
      );
    }
  }
}
