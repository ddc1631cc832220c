import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ArenaEvents,
  type RoomCreated,
  type RoomMemberJoined,
  type RoomChannelsChanged,
  type RoomMemberLeft,
  type RoomPhaseChanged,
  type TeamCreated,
  type TeamMemberJoined,
  type TeamMemberLeft,
} from '../common/events/arena-events';
import { MessagingService } from './messaging.service';

/**
 * Keeps room and team conversations in step with their modules' events. Every handler is idempotent
 * (an event may be seen twice); a failure is logged, never thrown into the emitter.
 */
@Injectable()
export class MessagingListeners {
  private readonly logger = new Logger('Chat');

  constructor(private readonly messaging: MessagingService) {}

  @OnEvent(ArenaEvents.roomCreated)
  async roomCreated(event: RoomCreated): Promise<void> {
    await this.guard('rooms.created', () => this.messaging.ensureRoomChannel(event.roomId, 'room', event.gameId));
  }

  @OnEvent(ArenaEvents.roomMemberJoined)
  async roomMemberJoined(event: RoomMemberJoined): Promise<void> {
    await this.guard('rooms.member-joined', () => this.messaging.roomMemberJoined(event.roomId, event.userId, event.role));
  }

  @OnEvent(ArenaEvents.roomMemberLeft)
  async roomMemberLeft(event: RoomMemberLeft): Promise<void> {
    await this.guard('rooms.member-left', () => this.messaging.roomMemberLeft(event.roomId, event.userId));
  }

  @OnEvent(ArenaEvents.roomPhaseChanged)
  async roomPhaseChanged(event: RoomPhaseChanged): Promise<void> {
    await this.guard('rooms.phase-changed', () => this.messaging.roomPhaseChanged(event.roomId, event.gameId, event.phase));
  }

  @OnEvent(ArenaEvents.roomChannelsChanged)
  async roomChannelsChanged(event: RoomChannelsChanged): Promise<void> {
    await this.guard('rooms.channels-changed', () => this.messaging.roomChannelsChanged(event.roomId, event.gameId, event.phase, event.channels));
  }

  @OnEvent(ArenaEvents.teamCreated)
  async teamCreated(event: TeamCreated): Promise<void> {
    await this.guard('teams.created', () => this.messaging.setTeamMembers(event.teamId, event.memberIds, event.name));
  }

  @OnEvent(ArenaEvents.teamMemberJoined)
  async teamMemberJoined(event: TeamMemberJoined): Promise<void> {
    await this.guard('teams.member-joined', () => this.messaging.teamMemberJoined(event.teamId, event.userId));
  }

  @OnEvent(ArenaEvents.teamMemberLeft)
  async teamMemberLeft(event: TeamMemberLeft): Promise<void> {
    await this.guard('teams.member-left', () => this.messaging.teamMemberLeft(event.teamId, event.userId));
  }

  private async guard(event: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ err: error, event }, 'chat could not follow an event');
    }
  }
}
