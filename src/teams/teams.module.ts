import { Module } from '@nestjs/common';
import { TeamExpirySweeper } from './team-expiry.sweeper';
import { TeamsGateway } from './teams.gateway';
import { TeamsRepository } from './teams.repository';
import { TeamsService } from './teams.service';

/** Teams of a session (CHSH first): create, join, leave, reactivate by name, and reconnect to the same slot. */
@Module({
  providers: [TeamsRepository, TeamsService, TeamsGateway, TeamExpirySweeper],
  exports: [TeamsService],
})
export class TeamsModule {}
