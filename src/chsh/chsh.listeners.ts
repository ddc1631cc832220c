import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ArenaEvents,
  type TeamCreated,
  type TeamMemberJoined,
  type TeamMemberLeft,
} from '../common/events/arena-events';
import { ChshService } from './chsh.service';

/** A team formed, completed or lost a member: its round opens while the session runs, and the dashboard hears. */
@Injectable()
export class ChshListeners {
  private readonly logger = new Logger('Chsh');

  constructor(private readonly chsh: ChshService) {}

  @OnEvent(ArenaEvents.teamCreated)
  created(event: TeamCreated): Promise<void> {
    return this.guard(event.teamId);
  }

  @OnEvent(ArenaEvents.teamMemberJoined)
  joined(event: TeamMemberJoined): Promise<void> {
    return this.guard(event.teamId);
  }

  @OnEvent(ArenaEvents.teamMemberLeft)
  left(event: TeamMemberLeft): Promise<void> {
    return this.guard(event.teamId);
  }

  private async guard(teamId: string): Promise<void> {
    try {
      await this.chsh.teamChanged(teamId);
    } catch (error) {
      this.logger.warn({ err: error, teamId }, 'a team change did not reach its CHSH session');
    }
  }
}
