import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ArenaEvents,
  type RoomChatChanged,
  type TeamChatAccess,
  type TeamCreated,
  type TeamMemberJoined,
  type TeamMemberLeft,
} from '../common/events/arena-events';
import { ConversationsService } from './conversations.service';

/**
 * Keeps team conversations in step with the teams module's events, and live sockets in step with room
 * channels. Every handler is idempotent (an event may be seen twice); a failure is logged, never thrown
 * into the emitter.
 */
@Injectable()
export class MessagingListeners {
  private readonly logger = new Logger('Chat');

  constructor(private readonly conversations: ConversationsService) {}

  /** Room channel membership is committed by the games module with the room event; only live sockets follow here. */
  @OnEvent(ArenaEvents.roomChatChanged)
  roomChatChanged(event: RoomChatChanged): void {
    try {
      this.conversations.followRoomChannels(event.changes);
    } catch (error) {
      this.logger.error({ err: error, event: 'rooms.chat-changed' }, 'chat could not move live sockets');
    }
  }

  @OnEvent(ArenaEvents.teamCreated)
  async teamCreated(event: TeamCreated): Promise<void> {
    await this.guard('teams.created', () =>
      this.conversations.setTeamMembers(event.teamId, event.memberIds, event.name),
    );
  }

  @OnEvent(ArenaEvents.teamMemberJoined)
  async teamMemberJoined(event: TeamMemberJoined): Promise<void> {
    await this.guard('teams.member-joined', () => this.conversations.teamMemberJoined(event.teamId, event.userId));
  }

  @OnEvent(ArenaEvents.teamMemberLeft)
  async teamMemberLeft(event: TeamMemberLeft): Promise<void> {
    await this.guard('teams.member-left', () => this.conversations.teamMemberLeft(event.teamId, event.userId));
  }

  @OnEvent(ArenaEvents.teamChatAccess)
  async teamChatAccess(event: TeamChatAccess): Promise<void> {
    await this.guard('teams.chat-access', () => this.conversations.setTeamWritable(event.teamId, event.writable));
  }

  private async guard(event: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ err: error, event }, 'chat could not follow an event');
    }
  }
}
